import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dxhub.audit import services as audit
from dxhub.audit.context import acting_as
from dxhub.reporting import rollups
from dxhub.reporting.periods import Period, PeriodError


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Tính lại toàn bộ bảng số liệu tổng hợp (roll-up) từ các phiếu đã duyệt. Chỉ dùng để sửa chữa: "
            "số liệu tổng hợp vẫn được cập nhật ngay khi duyệt phiếu."
        )

    def add_arguments(self, parser):
        parser.add_argument("--period", help=_("chỉ tính lại một kỳ, ví dụ 2025-Q3"))

    def handle(self, *args, period=None, **options):
        if period:
            try:
                period = Period.parse(period).code
            except PeriodError as exc:
                raise CommandError(str(exc)) from None
        started = time.perf_counter()
        with acting_as(username="rebuild_rollups"):
            rows = rollups.rebuild(period)
            audit.record(
                "update",
                None,
                object_type="reporting.rollup",
                object_repr=_("Tính lại số liệu tổng hợp (%(scope)s)") % {"scope": period or _("mọi kỳ")},
                after={"rows": rows},
            )
        self.stdout.write(
            _("Đã tính lại %(rows)s dòng tổng hợp trong %(s).1f giây.")
            % {"rows": rows, "s": time.perf_counter() - started}
        )
