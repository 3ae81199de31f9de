from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dxhub.audit.context import acting_as
from dxhub.plans import digest


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Cập nhật tiến độ chỉ tiêu theo ngày và gửi tóm tắt nhiệm vụ quá hạn, sắp đến hạn, chậm tiến độ "
            "(chạy hằng ngày bằng bộ hẹn giờ)."
        )

    def handle(self, *args, **options):
        with acting_as(username="plans_digest"):
            changed, sent = digest.run()
        self.stdout.write(_("Đã cập nhật %(c)s chỉ tiêu, gửi tóm tắt cho %(n)s người.") % {"c": changed, "n": sent})
