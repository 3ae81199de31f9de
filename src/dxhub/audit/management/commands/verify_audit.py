from django.core.management.base import BaseCommand, CommandError

from dxhub.audit.services import verify_chain

REASONS = {
    "content": "nội dung bản ghi đã bị sửa (hash không khớp)",
    "link": "liên kết tới bản ghi trước bị sai (bản ghi bị chèn hoặc thay)",
    "missing": "thiếu bản ghi (đã bị xóa)",
    "truncated": "các bản ghi cuối chuỗi đã bị xóa",
}


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký hệ thống; báo bản ghi đầu tiên bị can thiệp."

    def handle(self, *args, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: đã kiểm tra {result.checked} bản ghi."))
            return
        raise CommandError(
            f"Nhật ký bị can thiệp tại bản ghi #{result.first_bad_seq}: {REASONS[result.reason]}. "
            f"{result.checked} bản ghi trước đó hợp lệ."
        )
