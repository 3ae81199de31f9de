"""Demo plans for ``seed_demo``: the ministry's DX programme, its 2026–2030 plan and the
logistics academy's yearly plan, with tasks handed down, progress and targets.

Built from the seed articles: the "Đề án chuyển đổi số trong Bộ Quốc phòng đến năm
2025, định hướng đến năm 2030" drafted by Bộ Tư lệnh 86, the 2024 theme, the tasks the
deputy minister named (kiến trúc 2.0, mã định danh quân nhân, trung tâm dữ liệu cấp
Bộ, quản lý văn bản trên di động), e-medical records, "Bình dân học vụ số", and what
Học viện Hậu cần reported (network to level 4, personal digital signatures in 100 % of
its units, military e-mail, online meetings, security monitoring, the e-library).

Everything goes through ``services`` and ``targets`` acting as the demo accounts, so
it is audited and checked like a user's work. Dates of the 2026–2030 plan are taken
from today (some assignments late, some due within the week, some behind schedule),
so the demo reads right whatever day it is loaded; the dates of reports are then set
back to the day they were "made". Loading again changes nothing.
"""

import calendar
import datetime as dt
import random
import textwrap
import unicodedata
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from dxhub.audit.context import acting_as
from dxhub.org.models import Unit
from dxhub.reporting.models import Indicator

from . import services, targets
from .models import Assignment, Plan, Priority, ProgressUpdate, Target, Task

PROGRAMME = "DA-CDS-BQP-2025"
PLAN = "KH-CDS-BQP-2630"
PLAN_START, PLAN_END = dt.date(2026, 1, 1), dt.date(2030, 12, 31)
ACADEMY = "HVHC"
ACCOUNTS = (
    "quantri",
    "lanhdao.bqp",
    "lanhdao.hvhc",
    "qtv.hvhc",
    "nhaplieu.hvhc",
    "nhaplieu.vphvhc",
    "lanhdao.btl86",
)
LINK = "https://cds.mil.vn/ket-qua"  # where units without an account file their products

HIGH = Priority.HIGH


def load_plans(today: dt.date | None = None) -> list[Plan]:
    """Create the demo plans; returns those created (none when the demo has them)."""
    if Plan.objects.filter(code=PROGRAMME).exists():
        return []
    with transaction.atomic():
        demo = _Demo(today or timezone.localdate())
        programme = demo.programme()
        plan = demo.plan_2630(programme)
        yearly = demo.academy_year(plan)
        demo.backdate([programme, plan, yearly])
    return [programme, plan, yearly]


# --- small helpers ---------------------------------------------------------------------


def quarter_end(day: dt.date) -> dt.date:
    month = 3 * ((day.month - 1) // 3) + 3
    return dt.date(day.year, month, calendar.monthrange(day.year, month)[1])


def _clamp(day: dt.date, lo: dt.date, hi: dt.date) -> dt.date:
    return max(lo, min(hi, day))


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.encode("ascii", "replace").decode().replace("\\", "/").replace("(", "[").replace(")", "]")


def pdf_bytes(*lines: str) -> bytes:
    """A one-page PDF (Helvetica, so the text is written without diacritics)."""
    rows = [row for line in lines for row in textwrap.wrap(_ascii(line), 85)]
    text = " ".join(
        f"BT /F1 {13 if i == 0 else 11} Tf 60 {780 - 20 * i} Td ({row}) Tj ET" for i, row in enumerate(rows)
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _set(model, field: str, values) -> None:
    """Set one datetime column row by row ((pk, value) pairs) in a single statement."""
    meta, quote = model._meta, connection.ops.quote_name
    table, column, key = quote(meta.db_table), quote(meta.get_field(field).column), quote(meta.pk.column)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {column} = %s WHERE {key} = %s",  # noqa: S608 - names from the model
            [(adapt(value), pk) for pk, value in values],
        )


class _Demo:
    def __init__(self, today: dt.date):
        self.today = today
        users = get_user_model().objects.filter(username__in=ACCOUNTS, is_active=True)
        self.users = {u.username: u for u in users}
        missing = set(ACCOUNTS) - set(self.users)
        if missing:
            raise RuntimeError(f"demo accounts missing: {', '.join(sorted(missing))}")
        self.units = {u.code: u for u in Unit.objects.filter(is_active=True)}
        self.tz = timezone.get_current_timezone()
        self.given = {}  # (task id, unit code) -> assignment
        self.reported = {}  # progress update id -> when it was made
        self.touched = {}  # assignment id -> when it was last reported

    # -- dates ---------------------------------------------------------------------------

    def at(self, day: dt.date, hour: int = 9) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, 30), tzinfo=self.tz)

    def rel(self, days: int, lo: dt.date = PLAN_START, hi: dt.date = PLAN_END) -> dt.date:
        """Today plus ``days``, kept inside [lo, hi]."""
        return _clamp(self.today + dt.timedelta(days=days), lo, hi)

    # -- writing through the services, as a demo account -----------------------------------

    def u(self, code: str) -> Unit:
        return self.units[code]

    def issue(self, who: str, issued_on: dt.date, **fields) -> Plan:
        user = self.users[who]
        fields["owner"] = self.u(fields["owner"])
        with acting_as(user):
            plan = services.save_plan(user, services.PlanData(issued_on=issued_on, **fields))
        return plan

    def task(self, who: str, plan: Plan, code: str, title: str, lead: str, start, due, objective: str, **extra):
        user = self.users[who]
        extra["cooperating"] = [self.u(c) for c in extra.get("cooperating", ())]
        data = services.TaskData(
            code=code,
            title=title,
            lead=self.u(lead),
            start=start,
            due=due,
            objective=plan.objectives.get(code=objective),
            **extra,
        )
        with acting_as(user):
            task = services.save_task(user, plan, data)
        return task

    def give(self, who: str, task: Task, codes, due: dt.date | None = None, via: str | None = None):
        """Hand ``task`` to the units ``codes``; ``via`` is the unit handing it on."""
        user = self.users[who]
        parent = self.given[(task.pk, via)] if via else None
        start = max(task.start, parent.start) if parent else task.start
        if due is not None:
            due = _clamp(due, start, parent.due if parent else task.due)
        with acting_as(user):
            made = services.hand_down(user, task, [self.u(c) for c in codes], due=due, parent=parent)
        # The story hands work down on the task's first day (the service would start it today).
        start = min(start, made[0].due)
        Assignment.objects.filter(pk__in=[a.pk for a in made]).update(
            assigned_at=self.at(start, 8), start=start, behind_from=services.behind_from(start, made[0].due, 0)
        )
        for a in made:
            a.start = start
            self.given[(task.pk, a.unit.code)] = a
        return made

    def report(self, who: str, task: Task, code: str, progress, note: str, on: dt.date, done=False, pdf=None):
        """One progress report, dated ``on``. A finished one files its product: a PDF
        named ``pdf``, or a link to the unit's results page."""
        user = self.users[who]
        assignment = self.given[(task.pk, code)]
        on = min(self.today, max(on, assignment.start))  # never dated in the future
        outputs, link = [], ""
        if done and pdf:
            body = pdf_bytes(
                f"{self.u(code).name}",
                f"Bao cao ket qua thuc hien nhiem vu {task.code}",
                task.title,
                f"Ngay {on.strftime('%d/%m/%Y')}",
            )
            outputs = [ContentFile(body, name=pdf)]
        elif done:
            link = f"{LINK}/{task.plan.code.lower()}/{task.code.lower()}/{code.lower()}"
        with acting_as(user):
            update = services.report_progress(
                user, assignment, None if done else progress, note, outputs=outputs, output_link=link, done=done
            )
        when = self.at(on, 10 + on.day % 6)
        self.reported[update.pk] = when
        self.touched[assignment.pk] = when
        return update

    def backdate(self, plans: list[Plan]) -> None:
        """Give reports, completions, tasks and targets the days they were "made"."""
        done = set(
            Assignment.objects.filter(pk__in=list(self.touched), status=Assignment.Status.DONE).values_list(
                "pk", flat=True
            )
        )
        _set(ProgressUpdate, "created_at", self.reported.items())
        _set(Assignment, "updated_at", self.touched.items())
        _set(Assignment, "completed_at", [(pk, when) for pk, when in self.touched.items() if pk in done])
        for plan in plans:
            made = self.at(plan.issued_on or plan.start)
            Plan.objects.filter(pk=plan.pk).update(created_at=made)
            Task.objects.filter(plan=plan).update(created_at=made)
            Target.objects.filter(plan=plan).update(created_at=made)

    def target(self, who: str, plan: Plan, code: str, title: str, indicator: str, value, start, deadline, objective):
        user = self.users[who]
        data = targets.TargetData(
            code=code,
            title=title,
            indicator_code=indicator,
            value=value,
            start=start,
            deadline=deadline,
            objective=plan.objectives.get(code=objective),
        )
        with acting_as(user):
            target = targets.create_target(user, plan, data)
        return target

    def cascade(self, who: str, target: Target, values: dict[str, object], via: str | None = None):
        user = self.users[who]
        share = target.shares.get(unit__code=via or target.plan.owner.code)
        with acting_as(user):
            return targets.cascade(user, share, {self.u(c): v for c, v in values.items()})

    def level2_reporting(self, indicator: str) -> list[str]:
        """Codes of the level-2 units that report ``indicator``."""
        kinds = Indicator.objects.get(code=indicator).applies_to
        root = self.u("BQP")
        return sorted(
            (u.code for u in self.units.values() if u.parent_id == root.pk and (not kinds or u.kind in kinds)),
            key=lambda c: self.units[c].path,
        )

    def level2(self) -> list[str]:
        root = self.u("BQP")
        return [u.code for u in sorted(self.units.values(), key=lambda u: u.path) if u.parent_id == root.pk]

    # -- the 2021–2025 programme -------------------------------------------------------------

    def programme(self) -> Plan:
        plan = self.issue(
            "lanhdao.bqp",
            dt.date(2021, 10, 18),
            code=PROGRAMME,
            kind=Plan.Kind.PROGRAMME,
            owner="BQP",
            number="4346/QĐ-BQP",
            title="Đề án chuyển đổi số trong Bộ Quốc phòng đến năm 2025, định hướng đến năm 2030",
            decision="Quyết định số 4346/QĐ-BQP ngày 18/10/2021 của Bộ trưởng Bộ Quốc phòng phê duyệt Đề án; "
            "Bộ Tư lệnh 86 là Cơ quan Thường trực Ban Soạn thảo",
            start=dt.date(2021, 10, 18),
            end=dt.date(2025, 12, 31),
            summary="Cụ thể hóa chủ trương của Đảng, Nhà nước về chuyển đổi số một cách chủ động, hiệu quả, góp phần "
            "hiện đại hóa Quân đội; xác định lộ trình, thứ tự ưu tiên các nhiệm vụ, tập trung nâng cao nhận thức, "
            "phát triển hạ tầng số, xây dựng dữ liệu số, bảo đảm an toàn thông tin phục vụ công tác quản lý, điều "
            "hành, cải cách hành chính.",
            objectives=[
                ("MT1", "Nâng cao nhận thức, trình độ công nghệ thông tin của cán bộ, chiến sĩ toàn quân"),
                ("MT2", "Phát triển hạ tầng số đồng bộ, hiện đại"),
                ("MT3", "Xây dựng dữ liệu số, ứng dụng số phục vụ quản lý, điều hành, cải cách hành chính"),
                ("MT4", "Bảo đảm an toàn thông tin, an ninh mạng"),
            ],
            themes=[
                (
                    2024,
                    "Mở rộng hạ tầng số đồng bộ, rộng khắp, sáng tạo, ứng dụng số, tiếp tục phát triển dữ liệu số để "
                    "nâng cao hiệu lực, hiệu quả công tác chỉ huy, quản lý, điều hành",
                )
            ],
        )
        boss = "lanhdao.bqp"
        d = dt.date

        t = self.task(
            boss,
            plan,
            "DA01",
            "Xây dựng, hoàn thiện kiến trúc Chính phủ điện tử Bộ Quốc phòng phiên bản 2.0 theo từng loại hình "
            "cơ quan, đơn vị",
            "BTL86",
            d(2022, 1, 1),
            d(2024, 12, 31),
            "MT3",
            cooperating=["VPBQP", "BTTM"],
            priority=HIGH,
            expected_output="Kiến trúc Chính phủ điện tử Bộ Quốc phòng phiên bản 2.0 được phê duyệt",
        )
        self.give(boss, t, ["BTL86"])
        self.report(
            "lanhdao.btl86", t, "BTL86", 60, "Đã hoàn thành dự thảo kiến trúc, lấy ý kiến các cơ quan.", d(2023, 9, 15)
        )
        self.report(
            "lanhdao.btl86",
            t,
            "BTL86",
            None,
            "Kiến trúc phiên bản 2.0 đã được Thủ trưởng Bộ phê duyệt, hướng dẫn các loại hình cơ quan, đơn vị áp dụng.",
            d(2024, 11, 20),
            done=True,
            pdf="kien-truc-cpdt-phien-ban-2.pdf",
        )

        t = self.task(
            boss,
            plan,
            "DA02",
            "Triển khai ứng dụng chữ ký số cá nhân trong xử lý văn bản điện tử tại 100 % cơ quan, đơn vị",
            "VPBQP",
            d(2021, 11, 1),
            d(2023, 12, 31),
            "MT3",
            cooperating=["BCTTLL", "BTL86"],
            priority=HIGH,
            expected_output="Báo cáo kết quả triển khai chữ ký số cá nhân của đơn vị",
        )
        units = self.level2()
        self.give(boss, t, units)
        for code in units:
            rng = random.Random(f"DA02-{code}")
            on = d(2023, 3, 1) + dt.timedelta(days=rng.randint(0, 290))
            if code == ACADEMY:
                self.report(
                    "nhaplieu.hvhc",
                    t,
                    code,
                    None,
                    "100 % cơ quan, đơn vị trong Học viện triển khai ứng dụng chữ ký số cá nhân trong xử lý văn bản "
                    "điện tử.",
                    on,
                    done=True,
                    pdf="bao-cao-ket-qua.pdf",
                )
            elif code == "BDBP":
                self.report("quantri", t, code, 70, "Đã cấp chứng thư số cho cơ quan Bộ Tư lệnh và các Bộ Chỉ huy.", on)
                self.report(
                    "quantri",
                    t,
                    code,
                    90,
                    "Còn 3 đồn biên phòng vùng sâu chưa được cấp chứng thư số do chưa kết nối mạng máy tính quân sự; "
                    "chờ thiết bị truyền dẫn.",
                    d(2024, 3, 12),
                )
            else:
                who = "lanhdao.btl86" if code == "BTL86" else "quantri"
                self.report(
                    who,
                    t,
                    code,
                    None,
                    "Đã triển khai chữ ký số cá nhân tại 100 % cơ quan, đơn vị trực thuộc.",
                    on,
                    done=True,
                )

        t = self.task(
            boss,
            plan,
            "DA03",
            "Xây dựng mã định danh quân nhân và quy định về mã định danh trang bị, vật tư kỹ thuật",
            "BTTM",
            d(2023, 1, 1),
            d(2024, 12, 31),
            "MT3",
            cooperating=["TCCT", "TCKT", "TCHC"],
            priority=HIGH,
            expected_output="Quy định về mã định danh quân nhân, mã định danh trang bị, vật tư kỹ thuật",
        )
        self.give(boss, t, ["BTTM", "TCKT"])
        self.report(
            "quantri",
            t,
            "BTTM",
            50,
            "Cục Quân lực hoàn thành dự thảo quy định mã định danh quân nhân.",
            d(2023, 11, 20),
        )
        self.report(
            "quantri",
            t,
            "BTTM",
            None,
            "Quy định mã định danh quân nhân đã ban hành; cơ sở dữ liệu quân nhân đã gắn mã định danh.",
            d(2024, 10, 30),
            done=True,
        )
        self.report(
            "quantri",
            t,
            "TCKT",
            None,
            "Đã ban hành quy định mã định danh trang bị, vật tư kỹ thuật; cập nhật vào phần mềm quản lý kỹ thuật.",
            d(2024, 12, 16),
            done=True,
        )

        t = self.task(
            boss,
            plan,
            "DA04",
            "Triển khai hệ thống quản lý văn bản và điều hành phiên bản di động",
            "VPBQP",
            d(2024, 1, 1),
            d(2024, 12, 31),
            "MT3",
            cooperating=["BTL86", "VIETTEL"],
            expected_output="Ứng dụng quản lý văn bản trên thiết bị di động được đưa vào sử dụng",
        )
        self.give(boss, t, ["VPBQP", "TCKT", ACADEMY])
        self.report(
            "quantri",
            t,
            "VPBQP",
            None,
            "Đã đưa phiên bản di động vào khai thác tại cơ quan Bộ.",
            d(2024, 9, 27),
            done=True,
        )
        self.report(
            "quantri",
            t,
            "TCKT",
            None,
            "Đã cấp tài khoản trên thiết bị di động cho chỉ huy các cục.",
            d(2024, 12, 5),
            done=True,
        )
        self.report(
            "nhaplieu.hvhc",
            t,
            ACADEMY,
            None,
            "Ban Giám đốc, chỉ huy các cơ quan, khoa xử lý văn bản trên thiết bị di động.",
            d(2024, 11, 8),
            done=True,
        )

        t = self.task(
            boss,
            plan,
            "DA05",
            "Xây dựng các trung tâm dữ liệu cấp Bộ Quốc phòng",
            "BTL86",
            d(2024, 1, 1),
            d(2025, 12, 31),
            "MT2",
            cooperating=["BCTTLL", "VIETTEL", "VKHCNQS"],
            priority=HIGH,
            expected_output="Trung tâm dữ liệu chính và dự phòng cấp Bộ được đưa vào vận hành",
        )
        self.give(boss, t, ["BTL86", "VIETTEL"])
        self.report(
            "quantri",
            t,
            "VIETTEL",
            None,
            "Trung tâm dữ liệu chính đã nghiệm thu, đưa vào vận hành.",
            d(2025, 10, 24),
            done=True,
        )
        self.report(
            "lanhdao.btl86", t, "BTL86", 55, "Hoàn thành lắp đặt hạ tầng phòng máy trung tâm dự phòng.", d(2025, 6, 30)
        )
        self.report(
            "lanhdao.btl86",
            t,
            "BTL86",
            85,
            "Trung tâm dữ liệu dự phòng chờ thiết bị lưu trữ, máy chủ nhập khẩu; chưa thể nghiệm thu đúng hạn.",
            d(2025, 12, 10),
        )

        t = self.task(
            boss,
            plan,
            "DA06",
            "Triển khai hồ sơ bệnh án điện tử tại các bệnh viện quân đội",
            "TCHC",
            d(2023, 1, 1),
            d(2025, 12, 31),
            "MT3",
            cooperating=["TCHC-CQY", "BTL86"],
            priority=HIGH,
            expected_output="Quyết định công nhận bệnh viện hoàn thành triển khai bệnh án điện tử",
        )
        user = self.users[boss]
        hospitals = [h.code for h in services.units_of_kind(user, self.u("BQP"), "benh_vien")]
        self.give(boss, t, hospitals)
        self.report(
            "quantri",
            t,
            "BV108",
            None,
            "Bệnh viện đã thực hiện bệnh án điện tử, không dùng bệnh án giấy.",
            d(2025, 6, 20),
            done=True,
            pdf="quyet-dinh-cong-nhan-benh-an-dien-tu.pdf",
        )
        self.report(
            "quantri", t, "BV175", None, "Hoàn thành bệnh án điện tử nội trú và ngoại trú.", d(2025, 9, 12), done=True
        )
        self.report("quantri", t, "HVQY-BV103", 45, "Đã triển khai bệnh án điện tử tại các khoa nội.", d(2025, 5, 15))
        self.report(
            "quantri",
            t,
            "HVQY-BV103",
            70,
            "Chưa được cấp kinh phí nâng cấp hệ thống lưu trữ và truyền hình ảnh (PACS); đã đề nghị Cục Quân y bổ "
            "sung dự toán.",
            d(2025, 11, 28),
        )

        t = self.task(
            boss,
            plan,
            "DA07",
            "Mở rộng mạng máy tính quân sự đến đơn vị cấp 4 tại các học viện, nhà trường",
            "BCTTLL",
            d(2021, 11, 1),
            d(2025, 6, 30),
            "MT2",
            cooperating=["BTL86"],
            expected_output="Biên bản nghiệm thu kết nối mạng máy tính quân sự đến đơn vị cấp 4",
        )
        schools = [u.code for kind in ("hoc_vien", "truong") for u in services.units_of_kind(user, self.u("BQP"), kind)]
        self.give(boss, t, schools)
        for code in schools:
            on = d(2024, 4, 1) + dt.timedelta(days=random.Random(f"DA07-{code}").randint(0, 400))
            if code == ACADEMY:
                self.report(
                    "nhaplieu.hvhc",
                    t,
                    code,
                    None,
                    "Hạ tầng mạng máy tính quân sự đã mở rộng đến đơn vị cấp 4; mạng Internet được giám sát, kiểm soát "
                    "chặt chẽ.",
                    d(2025, 3, 18),
                    done=True,
                    pdf="bien-ban-nghiem-thu-mang-cap-4.pdf",
                )
            else:
                self.report(
                    "quantri",
                    t,
                    code,
                    None,
                    "Đã kết nối mạng máy tính quân sự đến các tiểu đoàn, đại đội.",
                    on,
                    done=True,
                )

        for code, title, indicator, value, objective in [
            ("CT01", "Tỷ lệ văn bản đi dạng điện tử trên 90 %", "DOC_ELECTRONIC_PCT", 90, "MT3"),
            ("CT02", "50 % cuộc họp, hội nghị tổ chức trực tuyến", "MEETINGS_ONLINE_PCT", 50, "MT3"),
        ]:
            target = self.target(boss, plan, code, title, indicator, value, d(2024, 1, 1), plan.end, objective)
            self.cascade(boss, target, {c: None for c in self.level2_reporting(indicator)})
        return plan

    # -- the 2026–2030 plan ------------------------------------------------------------------

    def plan_2630(self, programme: Plan) -> Plan:
        plan = self.issue(
            "lanhdao.bqp",
            dt.date(2025, 12, 26),
            code=PLAN,
            kind=Plan.Kind.PLAN,
            owner="BQP",
            number="5210/KH-BQP",
            title="Kế hoạch chuyển đổi số giai đoạn 2026–2030",
            decision="Quyết định số 5210/QĐ-BQP ngày 26/12/2025 của Bộ trưởng Bộ Quốc phòng",
            start=PLAN_START,
            end=PLAN_END,
            parent=programme,
            summary="Tiếp tục quán triệt, thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị; khắc phục "
            "triệt để những tồn tại, hạn chế giai đoạn 2021–2025; phấn đấu thực hiện “quân nhân số, đơn vị số, "
            "cơ quan số, Quân đội số”; đưa kết quả chuyển đổi số thành một nội dung đánh giá, bình xét thi đua, "
            "khen thưởng hằng năm.",
            objectives=[
                ("MT1", "Phổ cập kiến thức, kỹ năng số cho cán bộ, chiến sĩ (Phong trào “Bình dân học vụ số”)"),
                ("MT2", "Hoàn thiện hạ tầng số đồng bộ, hiện đại, kết nối đến đơn vị cấp 4"),
                ("MT3", "Phát triển dữ liệu số, nền tảng số dùng chung và chuyên ngành"),
                ("MT4", "Chỉ huy, quản lý, điều hành trên môi trường số"),
                ("MT5", "Bảo đảm an toàn thông tin, an ninh mạng"),
            ],
            themes=[
                (2026, "Hoàn thiện hạ tầng số, phổ cập kỹ năng số, xây dựng quân nhân số, đơn vị số, cơ quan số"),
                (2027, "Phát triển dữ liệu số dùng chung, kết nối, chia sẻ dữ liệu trong toàn quân"),
                (2028, "Ứng dụng trí tuệ nhân tạo, dữ liệu lớn trong chỉ huy, quản lý, điều hành và huấn luyện"),
                (2029, "Làm chủ công nghệ số, bảo đảm an toàn thông tin, an ninh mạng trong mọi tình huống"),
                (2030, "Xây dựng Quân đội số, cơ quan số, đơn vị số, quân nhân số"),
            ],
        )
        boss, T = "lanhdao.bqp", self.today
        year_start = _clamp(dt.date(T.year, 1, 1), PLAN_START, PLAN_END)
        this_year = _clamp(dt.date(T.year, 12, 31), PLAN_START, PLAN_END)
        next_year = _clamp(quarter_end(T + dt.timedelta(days=365)), PLAN_START, PLAN_END)
        user = self.users[boss]

        # Network to level 4, handed two levels: the academy hands it on to its battalions.
        t = self.task(
            boss,
            plan,
            "KH01",
            "Mở rộng mạng truyền số liệu quân sự đến 100 % đơn vị cấp 4",
            "BCTTLL",
            PLAN_START,
            next_year,
            "MT2",
            cooperating=["BTL86", "VIETTEL"],
            priority=HIGH,
            expected_output="Biên bản nghiệm thu kết nối mạng đến đơn vị cấp 4",
            description="Kết nối mạng truyền số liệu quân sự, mạng máy tính quân sự đến các đại đội, đồn biên phòng, "
            "trạm, xưởng còn lại; bảo đảm đường truyền dự phòng.",
        )
        self.give(boss, t, ["QK1", "QK2", "QK5", "QK9", "QD12"], due=self.rel(210))
        self.give(boss, t, ["BDBP"], due=self.rel(-20))
        self.give(boss, t, [ACADEMY], due=self.rel(120))
        self.give("qtv.hvhc", t, ["HVHC-D1", "HVHC-D2"], due=self.rel(60), via=ACADEMY)
        self.report(
            "quantri",
            t,
            "QK1",
            70,
            "Đã kết nối 46/65 đại đội; đang thi công tuyến cáp quang khu vực biên giới.",
            self.rel(-12),
        )
        self.report(
            "quantri",
            t,
            "QK2",
            30,
            "Chưa được cấp kinh phí năm nay cho tuyến truyền dẫn các tỉnh Tây Bắc.",
            self.rel(-30),
        )
        self.report("quantri", t, "QK9", 60, "Hoàn thành kết nối các đơn vị thuộc Sư đoàn 330.", self.rel(-8))
        self.report("quantri", t, "QD12", 85, "Còn 4 đại đội đang huấn luyện dã ngoại chưa nghiệm thu.", self.rel(-5))
        self.report("quantri", t, "BDBP", 40, "Đã khảo sát, lập phương án kết nối các đồn biên phòng.", self.rel(-120))
        self.report(
            "quantri",
            t,
            "BDBP",
            55,
            "Các đồn biên phòng vùng sâu chờ thiết bị truyền dẫn vệ tinh; tuyến cáp quang chưa đến nơi.",
            self.rel(-25),
        )
        self.report(
            "qtv.hvhc",
            t,
            "HVHC-D1",
            None,
            "Đã kết nối mạng máy tính quân sự đến Đại đội 1, Đại đội 2.",
            self.rel(-15),
            done=True,
            pdf="bien-ban-nghiem-thu.pdf",
        )
        self.report("qtv.hvhc", t, "HVHC-D2", 40, "Chờ thiết bị chuyển mạch cho Đại đội 6.", self.rel(-10))

        # "Bình dân học vụ số": to every level-2 unit; the academy hands it to its own units.
        t = self.task(
            boss,
            plan,
            "KH02",
            "Triển khai Phong trào “Bình dân học vụ số”: phổ cập kiến thức, kỹ năng số cơ bản cho 100 % quân số",
            "TCCT",
            year_start,
            this_year,
            "MT1",
            cooperating=["TCCT-CTH", "BTTM-CQH", "BTL86"],
            priority=HIGH,
            expected_output="Báo cáo kết quả phổ cập kỹ năng số, danh sách quân nhân được xác nhận hoàn thành",
            description="Thực hiện Kế hoạch 3760-KH/BCĐ ngày 23/4/2025; học trên nền tảng binhdanhocvuso.gov.vn, "
            "đăng nhập bằng VNeID, theo dõi tiến độ, cấp xác nhận hoàn thành.",
        )
        units = self.level2()
        self.give(boss, t, units)
        faculties = ["HVHC-VP", "HVHC-PDT", "HVHC-PCT", "HVHC-K1", "HVHC-K2", "HVHC-K3", "HVHC-K4", "HVHC-K5"]
        self.give("lanhdao.hvhc", t, faculties, due=self.rel(5, lo=year_start), via=ACADEMY)
        self.give("lanhdao.hvhc", t, ["HVHC-D1", "HVHC-D2"], due=self.rel(-10, lo=year_start), via=ACADEMY)
        elapsed = (T - year_start).days / max(1, (this_year - year_start).days)
        for code in units:
            if code == ACADEMY:
                continue
            rng = random.Random(f"KH02-{code}")
            who = "lanhdao.btl86" if code == "BTL86" else "quantri"
            on = self.rel(-rng.randint(3, 40), lo=year_start)
            if code in ("VPBQP", "BTL86", "BCTTLL", "VIETTEL", "HVKTQS"):
                self.report(
                    who, t, code, None, "100 % quân số đã hoàn thành bồi dưỡng kỹ năng số cơ bản.", on, done=True
                )
                continue
            share = min(99, max(5, int(100 * elapsed * rng.uniform(0.7, 1.05))))
            if code in ("QK2", "BDBP", "TC2"):
                share = max(5, share // 3)
                note = "Nhiều đơn vị ở địa bàn vùng sâu, vùng xa chưa có đường truyền ổn định để học trực tuyến."
            else:
                note = f"{share} % quân số đã hoàn thành chương trình bồi dưỡng trên nền tảng Bình dân học vụ số."
            self.report(who, t, code, share, note, on)
        officer = {"HVHC-VP": "nhaplieu.vphvhc"}
        for code, progress, note, ago in [
            (
                "HVHC-VP",
                None,
                "100 % cán bộ, nhân viên Văn phòng hoàn thành bồi dưỡng, được xác nhận trên nền tảng.",
                9,
            ),
            ("HVHC-PDT", None, "Toàn bộ cán bộ, nhân viên Phòng Đào tạo đã hoàn thành.", 14),
            ("HVHC-PCT", 90, "Còn 3 đồng chí đi công tác dài ngày chưa hoàn thành.", 6),
            ("HVHC-K1", 75, "Giảng viên đang kết hợp bồi dưỡng với giảng dạy, dự kiến xong đúng hạn.", 4),
            ("HVHC-K2", None, "Khoa Tài chính hoàn thành 100 %.", 20),
            ("HVHC-K3", 60, "Đang tổ chức học tập trung theo tổ bộ môn.", 7),
            ("HVHC-K4", 35, "Nhiều giảng viên đang đi thực tế tại đơn vị, chưa bố trí được thời gian học.", 3),
            ("HVHC-K5", 85, "Hoàn thành phần lý thuyết, đang kiểm tra thực hành.", 5),
            ("HVHC-D1", 65, "Học viên năm thứ nhất học tập trung, chưa bố trí được giờ học trực tuyến.", 12),
            ("HVHC-D2", 50, "Phòng máy của tiểu đoàn chờ thiết bị, học viên phải học luân phiên.", 2),
        ]:
            done = progress is None
            self.report(
                officer.get(code, "nhaplieu.hvhc"),
                t,
                code,
                progress,
                note,
                self.rel(-ago, lo=year_start),
                done=done,
                pdf="bao-cao-ket-qua.pdf" if code in ("HVHC-VP", "HVHC-K2") else None,
            )
        self.report(
            "nhaplieu.hvhc",
            t,
            ACADEMY,
            None,
            "Cán bộ, giảng viên cơ bản hoàn thành; các tiểu đoàn học viên chậm do lịch học tập trung, đã đề nghị "
            "bố trí thêm giờ học trực tuyến buổi tối.",
            self.rel(-1, lo=year_start),
        )

        t = self.task(
            boss,
            plan,
            "KH03",
            "Triển khai giải pháp giám sát an toàn thông tin tập trung đến 100 % máy tính kết nối mạng máy tính "
            "quân sự",
            "BTL86",
            PLAN_START,
            next_year,
            "MT5",
            cooperating=["BCTTLL", "VIETTEL"],
            priority=HIGH,
            expected_output="Báo cáo kết nối hệ thống giám sát an toàn thông tin của Bộ Quốc phòng",
        )
        self.give(boss, t, ["TCKT", "QK7", "QCHQ", ACADEMY, "BV108"], due=self.rel(150))
        self.report(
            "quantri",
            t,
            "TCKT",
            80,
            "Đã kết nối giám sát máy tính tại cơ quan tổng cục và các cục; còn các kho, xưởng.",
            self.rel(-9),
        )
        self.report(
            "quantri", t, "QK7", 20, "Chờ thiết bị cảm biến giám sát cho các Bộ Chỉ huy quân sự tỉnh.", self.rel(-40)
        )
        self.report("quantri", t, "QCHQ", 65, "Các vùng hải quân đã kết nối; còn các lữ đoàn.", self.rel(-16))
        self.report(
            "nhaplieu.hvhc",
            t,
            ACADEMY,
            75,
            "Đã kết nối 92 % máy tính vào hệ thống giám sát; kịp thời phát hiện, xử lý các nguy cơ mất an toàn "
            "thông tin.",
            self.rel(-6),
        )

        t = self.task(
            boss,
            plan,
            "KH04",
            "Mở rộng hệ thống họp trực tuyến đến cấp trung đoàn và tương đương",
            "BCTTLL",
            PLAN_START,
            this_year,
            "MT4",
            cooperating=["VPBQP"],
            expected_output="Danh sách điểm cầu họp trực tuyến đã kết nối, biên bản kiểm tra kỹ thuật",
        )
        regions = [u.code for u in services.units_of_kind(user, self.u("BQP"), "quan_khu")]
        self.give(boss, t, regions, due=self.rel(6))
        for code, progress, note, ago in [
            ("QK1", 95, "Còn 1 điểm cầu trung đoàn đang chạy thử.", 3),
            ("QK2", 50, "Chờ thiết bị đầu cuối hội nghị truyền hình cho các trung đoàn.", 20),
            ("QK3", None, "Đã kết nối toàn bộ điểm cầu trung đoàn, tổ chức hội nghị thử nghiệm thành công.", 15),
            ("QK4", 90, "Đang hoàn thiện điểm cầu Bộ Chỉ huy quân sự thành phố Huế.", 4),
            ("QK7", 80, "Đã kết nối 12/15 điểm cầu.", 10),
        ]:
            self.report("quantri", t, code, progress, note, self.rel(-ago), done=progress is None)

        t = self.task(
            boss,
            plan,
            "KH05",
            "Sử dụng thư điện tử quân sự và hệ thống quản lý văn bản phiên bản di động đến cấp sư đoàn và tương đương",
            "VPBQP",
            PLAN_START,
            next_year,
            "MT4",
            cooperating=["BTL86", "BCTTLL"],
            expected_output="Báo cáo số tài khoản được cấp, số người dùng thường xuyên",
        )
        departments = [u.code for u in services.units_of_kind(user, self.u("BQP"), "tong_cuc")]
        self.give(boss, t, departments, due=self.rel(90))
        for i, code in enumerate(departments):
            self.report(
                "quantri",
                t,
                code,
                40 + 12 * i,
                "Đang cấp tài khoản cho cán bộ các sư đoàn, nhà máy.",
                self.rel(-7 - 5 * i),
            )

        t = self.task(
            boss,
            plan,
            "KH06",
            "Hoàn thiện bệnh án điện tử, liên thông dữ liệu khám, chữa bệnh giữa các bệnh viện quân đội",
            "TCHC",
            PLAN_START,
            next_year,
            "MT3",
            cooperating=["TCHC-CQY", "BTL86"],
            priority=HIGH,
            expected_output="Hệ thống liên thông dữ liệu khám, chữa bệnh được nghiệm thu",
        )
        hospitals = [h.code for h in services.units_of_kind(user, self.u("BQP"), "benh_vien")]
        self.give(boss, t, hospitals, due=self.rel(180))
        self.report(
            "quantri", t, "BV108", 60, "Đã liên thông kết quả cận lâm sàng với Bệnh viện Quân y 175.", self.rel(-11)
        )
        self.report(
            "quantri",
            t,
            "BV175",
            45,
            "Đang chuẩn hóa danh mục dùng chung theo hướng dẫn của Cục Quân y.",
            self.rel(-18),
        )
        self.report(
            "quantri",
            t,
            "HVQY-BV103",
            10,
            "Chưa được cấp kinh phí; bệnh án điện tử của bệnh viện chưa hoàn thành nên chưa thể liên thông.",
            self.rel(-35),
        )

        # Targets on reporting indicators, over the level-2 units that report them.
        start = year_start
        spec = [
            ("CT01", "100 % cơ quan, đơn vị ứng dụng chữ ký số cá nhân", "DIGSIG_IN_USE", 100, this_year, "MT4", {}),
            (
                "CT02",
                "Tỷ lệ văn bản đi được ký số đạt 90 %",
                "DOC_SIGNED_PCT",
                90,
                next_year,
                "MT4",
                {"VPBQP": 95, "BTL86": 95, "BCTTLL": 95, ACADEMY: 92},
            ),
            ("CT03", "60 % cuộc họp, hội nghị tổ chức trực tuyến", "MEETINGS_ONLINE_PCT", 60, next_year, "MT4", {}),
            (
                "CT04",
                "100 % quân số hoàn thành bồi dưỡng kỹ năng số cơ bản",
                "BHVS_TRAINED_PCT",
                100,
                next_year,
                "MT1",
                {},
            ),
            (
                "CT05",
                "98 % máy tính được giám sát an toàn thông tin",
                "SEC_MONITORING_PCT",
                98,
                next_year,
                "MT5",
                {"BTL86": 100},
            ),
        ]
        made = {}
        for code, title, indicator, value, deadline, objective, higher in spec:
            target = self.target(boss, plan, code, title, indicator, value, start, deadline, objective)
            self.cascade(boss, target, {c: higher.get(c) for c in self.level2_reporting(indicator)})
            made[code] = target
        emr = self.target(
            boss,
            plan,
            "CT06",
            "100 % người bệnh nội trú có bệnh án điện tử",
            "EMR_INPATIENT_PCT",
            100,
            start,
            next_year,
            "MT3",
        )
        self.cascade(boss, emr, {h: None for h in hospitals})
        # The academy hands its share of CT02 on to its own units (two levels).
        self.cascade(
            "lanhdao.hvhc",
            made["CT02"],
            {c: 95 if c == "HVHC-VP" else 90 for c in faculties + ["HVHC-D1", "HVHC-D2"]},
            via=ACADEMY,
        )
        return plan

    # -- the academy's plan for the year -----------------------------------------------------

    def academy_year(self, parent: Plan) -> Plan:
        year = _clamp(self.today, PLAN_START, PLAN_END).year
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        plan = self.issue(
            "lanhdao.hvhc",
            first - dt.timedelta(days=12),
            code=f"KH-CDS-HVHC-{year}",
            kind=Plan.Kind.YEARLY,
            number="15/KH-HVHC",
            title=f"Kế hoạch chuyển đổi số năm {year} của Học viện Hậu cần",
            decision=f"Giám đốc Học viện Hậu cần phê duyệt, thực hiện Kế hoạch {parent.number}",
            start=first,
            end=last,
            owner=ACADEMY,
            parent=parent,
            summary="Xây dựng Học viện Hậu cần thông minh, hiện đại, trở thành trung tâm giáo dục, đào tạo, nghiên "
            "cứu khoa học uy tín; thực hiện phương hướng chuyển đổi số giai đoạn 2026–2030 theo Nghị quyết Đại hội "
            "Đảng bộ Học viện lần thứ XXIII.",
            objectives=[
                ("MT1", "Phổ cập kỹ năng số cho 100 % cán bộ, giảng viên, học viên, nhân viên"),
                ("MT2", "Số hóa học liệu, đổi mới phương pháp giảng dạy bằng công nghệ số"),
                ("MT3", "Quản lý, điều hành trên môi trường số; bảo đảm an toàn thông tin"),
            ],
            themes=[(year, "Xây dựng Học viện Hậu cần thông minh, hiện đại")],
        )
        boss = "lanhdao.hvhc"
        rel = lambda days: self.rel(days, lo=first, hi=last)  # noqa: E731

        t = self.task(
            boss,
            plan,
            "HV01",
            "Xây dựng kho học liệu điện tử theo chuẩn metadata, giai đoạn 2",
            "HVHC-PDT",
            first + dt.timedelta(days=14),
            last,
            "MT2",
            cooperating=["HVHC-VP-CNTT"],
            priority=HIGH,
            expected_output="Học liệu điện tử của khoa được cập nhật lên kho học liệu",
        )
        self.give(boss, t, ["HVHC-K1", "HVHC-K2", "HVHC-K3", "HVHC-K5"], due=rel(25))
        self.give(boss, t, ["HVHC-K4"], due=rel(-15))
        self.report("nhaplieu.hvhc", t, "HVHC-K1", 30, "Đã số hóa 40 % giáo trình; thiếu nhân lực biên tập.", rel(-20))
        self.report(
            "nhaplieu.hvhc",
            t,
            "HVHC-K2",
            None,
            "Đã cập nhật 126 học liệu lên kho.",
            rel(-18),
            done=True,
            pdf="danh-muc-hoc-lieu.pdf",
        )
        self.report("nhaplieu.hvhc", t, "HVHC-K3", 70, "Đang gắn metadata cho bài giảng điện tử.", rel(-6))
        self.report("nhaplieu.hvhc", t, "HVHC-K4", 50, "Đã số hóa bài giảng các học phần chuyên ngành.", rel(-60))
        self.report(
            "nhaplieu.hvhc",
            t,
            "HVHC-K4",
            60,
            "Máy quét chuyên dụng chưa được cấp, chưa số hóa được tài liệu bản đồ, sơ đồ khổ lớn.",
            rel(-20),
        )

        t = self.task(
            boss,
            plan,
            "HV02",
            "Đưa mô phỏng, bản đồ số 2D, 3D vào giảng dạy, diễn tập bảo đảm hậu cần",
            "HVHC-K1",
            first + dt.timedelta(days=14),
            last,
            "MT2",
            cooperating=["HVHC-PDT"],
            expected_output="Bài giảng, kịch bản diễn tập có sử dụng bản đồ số",
        )
        self.give(boss, t, ["HVHC-K1", "HVHC-K4"], due=rel(5))
        self.report(
            "nhaplieu.hvhc",
            t,
            "HVHC-K1",
            80,
            "Đã xây dựng bản đồ số 3D khu vực diễn tập; đang hoàn thiện kịch bản.",
            rel(-4),
        )
        self.report(
            "nhaplieu.hvhc", t, "HVHC-K4", 70, "Hoàn thành mô phỏng tuyến vận tải; đang thử nghiệm trên lớp.", rel(-9)
        )

        t = self.task(
            boss,
            plan,
            "HV03",
            "Sử dụng Hệ thông tin chỉ đạo, điều hành và thư điện tử quân sự cho 100 % cán bộ, nhân viên",
            "HVHC-VP",
            first,
            rel(-10),
            "MT3",
            cooperating=["HVHC-VP-CNTT"],
            expected_output="Báo cáo thống kê người dùng, tệp tài liệu trao đổi trên hệ thống",
        )
        self.give(boss, t, ["HVHC-VP"])
        self.report("nhaplieu.vphvhc", t, "HVHC-VP", 70, "Đã cấp tài khoản cho cán bộ mới nhận công tác.", rel(-80))
        self.report(
            "nhaplieu.vphvhc",
            t,
            "HVHC-VP",
            None,
            "Hơn 900 cán bộ, nhân viên thường xuyên sử dụng thư điện tử quân sự, trao đổi gần 70.000 tệp tài liệu.",
            rel(-12),
            done=True,
            pdf="bao-cao-ket-qua.pdf",
        )

        self.target(
            boss,
            plan,
            "CT01",
            "85 % quân số Học viện hoàn thành bồi dưỡng kỹ năng số cơ bản",
            "BHVS_TRAINED_PCT",
            Decimal(85),
            first,
            last,
            "MT1",
        )
        return plan
