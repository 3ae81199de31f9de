from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dxhub.audit.services import verify_chain

REASONS = {
    "content": gettext_lazy("nội dung bản ghi đã bị sửa (hash không khớp)"),
    "link": gettext_lazy("liên kết tới bản ghi trước bị sai (bản ghi bị chèn hoặc thay)"),
    "missing": gettext_lazy("thiếu bản ghi (đã bị xóa)"),
    "truncated": gettext_lazy("các bản ghi cuối chuỗi đã bị xóa"),
}


class Command(BaseCommand):
    # gettext at run time, not gettext_lazy: argparse cannot wrap a lazy string for --help.
    @property
    def help(self):
        return _("Kiểm tra chuỗi băm của nhật ký hệ thống; báo bản ghi đầu tiên bị can thiệp.")

    def handle(self, *args, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(_("Nhật ký toàn vẹn: đã kiểm tra %(count)s bản ghi.") % {"count": result.checked})
            )
            return
        raise CommandError(
            _("Nhật ký bị can thiệp tại bản ghi #%(seq)s: %(reason)s. %(count)s bản ghi trước đó hợp lệ.")
            % {"seq": result.first_bad_seq, "reason": REASONS[result.reason], "count": result.checked}
        )
