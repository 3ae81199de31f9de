"""Demo data of the training module for ``seed_demo``: the "Bình dân học vụ số"
movement in the demo army.

Built from the seed articles: the movement "Bình dân học vụ số" in the ministry, and
the deputy minister's call to "rà soát, tổng hợp nhu cầu, phân loại thành phần cần
tập huấn, bồi dưỡng" and to open short courses on digital transformation at the
academies. The demo holds:

- five courses of the ministry: the basic digital-skills programme on the national
  platform binhdanhocvuso.gov.vn, information security for users, digital
  transformation for commanders, an in-depth IT security course and applied AI;
- the ministry's 2026 needs survey (KS-BHVS-2026), still open, answered by about
  three people in four (some units almost all, some few), each answer classified
  by the training groups' rules;
- closed classes at several units with attendance, scores (a few fail) and
  certificates, one open class of the logistics academy (Học viện Hậu cần) that
  ``nhaplieu.hvhc`` can record and close, and certificates imported from the
  national platform: basic-skills coverage runs from about 40 % (military regions
  with many conscripts) to about 90 % (the academies, Bộ Tư lệnh 86, Viettel);
- the reporting indicators BHVS_TRAINED and BHVS_TRAINED_PCT fed by these data from
  the current quarter on (earlier quarters keep the figures typed then).

The few objects a user would make (courses, the survey, classes and their results)
go through ``services`` as the demo accounts, so they are checked and audited; the
thousands of answers and imported certificates are bulk inserted under the same
rules (``Scale``, ``Rules.classify``, ``update_basic_skills``) and audited once.
Dates are taken from today, so the demo reads right whatever day it is loaded.
Loading again changes nothing.
"""

import datetime as dt
import math
import random
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from dxhub.audit import services as audit
from dxhub.audit.context import acting_as
from dxhub.core.text import fold, number
from dxhub.org import tree
from dxhub.org.models import Person, Unit
from dxhub.reporting import sources
from dxhub.reporting.models import Indicator

from . import coverage, services
from .models import (
    BasicSkills,
    Competence,
    Completion,
    Course,
    Enrolment,
    Framework,
    Need,
    Response,
    Survey,
    TrainingClass,
    TrainingGroup,
)

SURVEY = "KS-BHVS-2026"
FRAMEWORK = "TT02-2025"
ROOT = "BQP"
ACADEMY = "HVHC"
BASIC = "BHVS-CB"
SEED = 2026
ACCOUNTS = ("quantri", "lanhdao.bqp", "nhaplieu.hvhc", "nhaplieu.vphvhc")
PLATFORM = "https://binhdanhocvuso.gov.vn"
FED = {"BHVS_TRAINED": coverage.BASIC_TRAINED, "BHVS_TRAINED_PCT": coverage.BASIC_COVERAGE}
KEYS = ("courses", "surveys", "responses", "needs", "classes", "enrolments", "completions", "basic_skills")

COURSES = [
    {
        "code": BASIC,
        "title": "Kiến thức, kỹ năng số cơ bản",
        "provider": "Nền tảng Bình dân học vụ số",
        "on_national_platform": True,
        "link": PLATFORM,
        "mode": Course.Mode.ONLINE,
        "hours": Decimal(8),
        "is_basic": True,
        "reached_step": 2,
        "domains": ("1", "2", "4"),
        "groups": ("pho-cap",),
        "description": "Chương trình phổ cập kiến thức, kỹ năng số cơ bản của Phong trào “Bình dân học vụ số”: "
        "tìm kiếm, khai thác thông tin; giao tiếp, hợp tác trên môi trường số; bảo vệ thiết bị, dữ liệu cá "
        "nhân. Học và kiểm tra trực tuyến trên nền tảng binhdanhocvuso.gov.vn hoặc tại lớp của đơn vị.",
    },
    {
        "code": "BHVS-ATTT",
        "title": "An toàn thông tin cho người dùng",
        "provider": "Nền tảng Bình dân học vụ số",
        "on_national_platform": True,
        "link": PLATFORM,
        "mode": Course.Mode.ONLINE,
        "hours": Decimal(6),
        "is_basic": False,
        "reached_step": 3,
        "competences": ("2.6", "4.1", "4.2"),
        "groups": ("nang-cao",),
        "description": "Nhận diện lừa đảo, mã độc trên không gian mạng; bảo vệ thiết bị, tài khoản, dữ liệu cá "
        "nhân; quy định bảo vệ bí mật nhà nước khi sử dụng máy tính, điện thoại thông minh.",
    },
    {
        "code": "LD-CDS",
        "title": "Quản trị chuyển đổi số cho cán bộ lãnh đạo, chỉ huy",
        "provider": "Học viện Quốc phòng",
        "on_national_platform": False,
        "mode": Course.Mode.BLENDED,
        "hours": Decimal(24),
        "is_basic": False,
        "reached_step": 4,
        "competences": ("1.3", "2.4", "5.2", "5.3", "6.2"),
        "groups": ("lanh-dao",),
        "description": "Chủ trương của Đảng, Nhà nước, Bộ Quốc phòng về chuyển đổi số; lãnh đạo, chỉ đạo, điều hành "
        "trên môi trường số; quản trị dữ liệu; xây dựng, giao và kiểm tra chỉ tiêu chuyển đổi số của đơn vị.",
    },
    {
        "code": "CS-CNTT",
        "title": "Chuyên sâu an toàn thông tin và chuyển đổi số",
        "provider": "Bộ Tư lệnh 86",
        "on_national_platform": False,
        "mode": Course.Mode.IN_PERSON,
        "hours": Decimal(40),
        "is_basic": False,
        "reached_step": 6,
        "competences": ("3.4", "4.1", "4.2", "5.1", "5.2"),
        "groups": ("chuyen-sau",),
        "description": "Dành cho cán bộ, nhân viên chuyên trách công nghệ thông tin: giám sát, phát hiện, xử lý sự "
        "cố an toàn thông tin; quản trị hạ tầng mạng, máy chủ; kiến trúc, dữ liệu dùng chung của Bộ Quốc phòng.",
    },
    {
        "code": "AI-CB",
        "title": "Ứng dụng trí tuệ nhân tạo trong công tác",
        "provider": "Học viện Kỹ thuật quân sự",
        "on_national_platform": False,
        "mode": Course.Mode.BLENDED,
        "hours": Decimal(16),
        "is_basic": False,
        "reached_step": 3,
        "domains": ("6",),
        "groups": ("nang-cao",),
        "description": "Hiểu biết về trí tuệ nhân tạo; dùng trợ lý AI soạn thảo, tóm tắt, tra cứu văn bản; đánh "
        "giá kết quả AI tạo ra; những việc không được làm với tài liệu mật.",
    },
]

# Share of active people holding basic digital skills, per level-2 unit: high in the
# academies, the cyber command and the enterprise, lower where conscripts are many.
COVERAGE = {
    "VPBQP": 0.89,
    "BTTM": 0.80,
    "TCCT": 0.78,
    "TCHC": 0.72,
    "TCKT": 0.81,
    "TCCNQP": 0.70,
    "TC2": 0.86,
    "QK1": 0.56,
    "QK2": 0.41,
    "QK3": 0.63,
    "QK4": 0.54,
    "QK5": 0.45,
    "QK7": 0.70,
    "QK9": 0.40,
    "BTLTD": 0.74,
    "QD12": 0.60,
    "QCPKKQ": 0.64,
    "QCHQ": 0.48,
    "BDBP": 0.46,
    "CSB": 0.55,
    "BTL86": 0.95,
    "BCTTLL": 0.88,
    "BCCB": 0.58,
    "HVQP": 0.86,
    "HVLQ": 0.72,
    "HVKTQS": 0.91,
    "HVQY": 0.80,
    "HVCT": 0.82,
    "HVHC": 0.90,
    "SQLQ1": 0.64,
    "BV108": 0.78,
    "BV175": 0.72,
    "VKHCNQS": 0.90,
    "VIETTEL": 0.93,
}
DEFAULT_COVERAGE = 0.65
# How likely each kind of person is to be among those trained in their unit.
TRAIN_WEIGHT = {"si_quan": 1.7, "qncn": 1.5, "cnvqp": 1.3, "hoc_vien": 1.3, "hsq_bs": 0.7, "lao_dong_hd": 0.5}

# Self-rating: a typical step per category, shifted per domain, per unit and per person.
CATEGORY_STEP = {"si_quan": 3.1, "qncn": 2.9, "cnvqp": 2.6, "hoc_vien": 2.8, "hsq_bs": 1.9, "lao_dong_hd": 1.6}
DOMAIN_SHIFT = {"1": 0.3, "2": 0.5, "3": -0.4, "4": 0.0, "5": -0.2, "6": -0.6}
IT_WORDS = ("cong nghe thong tin", "cntt", "chuyen doi so", "an toan thong tin", "phan mem", "ky thuat mang")
LEADER_WORDS = ("chi huy", "truong", "chinh uy", "chinh tri vien", "giam doc", "tu lenh")
ENTRY_ACCOUNTS = (("HVHC-VP", "nhaplieu.vphvhc"), (ACADEMY, "nhaplieu.hvhc"))
OFFICER_ENTRY = {"hsq_bs": 0.35, "hoc_vien": 0.10, "lao_dong_hd": 0.30}  # else 0.05

# Closed classes: (course, organising unit, days before today it ended, days, sessions,
# place, instructor, who the trainees are).
CLASSES = [
    (BASIC, "QD12-SD304", 305, 2, 4, "Hội trường Sư đoàn 304", "Tổ giảng viên Bộ Tư lệnh 86", "basic"),
    (BASIC, "QK9-SD330", 240, 2, 4, "Phòng máy tính Sư đoàn 330", "Thượng úy Trần Minh Khoa", "basic"),
    (BASIC, "HVHC-D1", 180, 2, 4, "Phòng máy tính Học viện Hậu cần", "Thiếu tá Nguyễn Hữu Phước", "basic"),
    (BASIC, "BCCB-LD229", 130, 2, 4, "Hội trường Lữ đoàn 229", "Đại úy Phạm Văn Long", "basic"),
    (BASIC, "QCHQ-LD147", 85, 2, 4, "Hội trường Lữ đoàn 147", "Đại úy Lê Quang Vinh", "basic"),
    (BASIC, "QK2", 40, 3, 5, "Trung tâm Huấn luyện Quân khu 2", "Tổ giảng viên Quân khu 2", "basic"),
    (BASIC, "HVHC-D2", 16, 2, 4, "Phòng máy tính Học viện Hậu cần", "Thiếu tá Nguyễn Hữu Phước", "basic"),
    ("CS-CNTT", ROOT, 52, 10, 10, "Bộ Tư lệnh 86, Hà Nội", "Thượng tá Đỗ Văn Hòa, Bộ Tư lệnh 86", "it"),
    (
        "BHVS-ATTT",
        "BCTTLL",
        62,
        1,
        2,
        "Hội trường Binh chủng Thông tin liên lạc",
        "Tổ giảng viên Bộ Tư lệnh 86",
        "staff",
    ),
    ("LD-CDS", ROOT, 38, 4, 6, "Học viện Quốc phòng, Hà Nội", "Đại tá, PGS, TS Vũ Quang Minh", "leaders"),
    ("AI-CB", ACADEMY, 20, 3, 4, "Phòng máy tính Học viện Hậu cần", "Trung tá Hoàng Anh Tuấn", "staff"),
]
OPEN_CLASS = (BASIC, ACADEMY, -1, 2, 2, "Phòng máy tính Học viện Hậu cần", "Thiếu tá Nguyễn Hữu Phước")


def load_training(today: dt.date | None = None) -> dict[str, int]:
    """Create the demo courses, survey, answers, classes and certificates; returns how
    many of each were created (all zero when the demo survey exists already)."""
    if Survey.objects.filter(code=SURVEY).exists():
        return dict.fromkeys(KEYS, 0)
    with transaction.atomic():
        return _Demo(today or timezone.localdate()).load()


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _set(model, field: str, values) -> None:
    """Set one datetime column row by row ((pk, value) pairs) in one statement."""
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
        self.tz = timezone.get_current_timezone()
        users = get_user_model().objects.filter(username__in=ACCOUNTS, is_active=True)
        self.users = {u.username: u for u in users}
        missing = set(ACCOUNTS) - set(self.users)
        if missing:
            raise RuntimeError(f"demo accounts missing: {', '.join(sorted(missing))}")
        self.units = {u.pk: u for u in Unit.objects.all()}
        self.by_code = {u.code: u for u in self.units.values()}
        self.by_path = {u.path: u for u in self.units.values()}
        self.root = self.by_code[ROOT]
        self.framework = Framework.objects.get(code=FRAMEWORK)
        self.people = list(Person.objects.filter(is_active=True).order_by("identifier"))
        self.path = {p.pk: self.units[p.unit_id].path for p in self.people}
        self.it = {p.pk for p in self.people if _has(p.position, IT_WORDS)}
        self.leaders = {p.pk for p in self.people if p.category == "si_quan" and _has(p.position, LEADER_WORDS)}
        self.trained: dict[int, dt.date] = {}  # person id -> day of the basic course
        self.counts = dict.fromkeys(KEYS, 0)

    def at(self, day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def level2(self, unit_id: int) -> Unit:
        path = self.units[unit_id].path
        return self.by_path.get(path[: 2 * tree.STEP], self.root)

    def load(self) -> dict[str, int]:
        had = BasicSkills.objects.count()
        self.courses = self.make_courses()
        survey = self.launch()
        self.choose_trained()
        self.closed_classes()
        self.imports()
        update = list(Completion.objects.filter(is_basic=True).values_list("person_id", flat=True).distinct())
        services.update_basic_skills(update)
        self.answers(survey)
        self.open_class()
        self.feed_reports()
        self.counts["basic_skills"] = BasicSkills.objects.count() - had
        return self.counts

    # -- courses and the survey, through the services --------------------------------------

    def make_courses(self) -> dict[str, Course]:
        user = self.users["quantri"]
        groups = {g.code: g for g in TrainingGroup.objects.all()}
        competences = list(Competence.objects.filter(framework=self.framework).select_related("domain"))
        out = {}
        for spec in COURSES:
            course = Course.objects.filter(code=spec["code"]).first()
            if course is None:
                data = {k: v for k, v in spec.items() if k not in ("domains", "competences", "groups")}
                data["framework"] = self.framework
                data["pass_score"] = Decimal(5)
                data["competences"] = [
                    c
                    for c in competences
                    if c.domain.code in spec.get("domains", ()) or c.code in spec.get("competences", ())
                ]
                data["groups"] = [groups[g] for g in spec["groups"] if g in groups]
                with acting_as(user):
                    course = services.save_course(user, self.root, data)
                self.counts["courses"] += 1
            out[spec["code"]] = course
        return out

    def launch(self) -> Survey:
        user = self.users["lanhdao.bqp"]
        data = services.SurveyData(
            code=SURVEY,
            title="Rà soát nhu cầu bồi dưỡng kiến thức, kỹ năng số năm 2026",
            framework=self.framework,
            opens_on=self.ago(90),
            closes_on=self.today + dt.timedelta(days=30),
            note="Thực hiện Phong trào “Bình dân học vụ số”, các cơ quan, đơn vị rà soát, tổng hợp nhu cầu, phân "
            "loại thành phần cần tập huấn, bồi dưỡng. Mỗi đồng chí tự đánh giá mức độ thành thạo của mình ở "
            "từng năng lực thành phần (0 = chưa đạt bậc 1); hạ sĩ quan, binh sĩ chưa có tài khoản do cán bộ "
            "đơn vị nhập thay.",
        )
        with acting_as(user):
            survey = services.launch_survey(user, self.root, data)
        Survey.objects.filter(pk=survey.pk).update(created_at=self.at(self.ago(92), 15))
        self.counts["surveys"] = 1
        return survey

    # -- who holds basic digital skills, and since when ---------------------------------------

    def choose_trained(self) -> None:
        """Per level-2 unit, its share of people (officers and IT staff first, some
        sub-units keener than others), each with the day they completed the course."""
        by_l2: dict[int, list[Person]] = defaultdict(list)
        for p in self.people:
            by_l2[self.level2(p.unit_id).pk].append(p)
        for l2_id, people in by_l2.items():
            l2 = self.units[l2_id]
            rng = random.Random(f"{SEED}-trained-{l2.code}")
            keen: dict[str, float] = {}
            keys = []
            for p in people:
                sub = self.path[p.pk][: 3 * tree.STEP]
                if sub not in keen:
                    keen[sub] = math.exp(rng.gauss(0, 0.5))
                weight = TRAIN_WEIGHT.get(p.category, 1.0) * keen[sub] * (3 if p.pk in self.it else 1)
                keys.append((rng.random() ** (1 / weight), p.pk))
            share = COVERAGE.get(l2.code, DEFAULT_COVERAGE) if l2 != self.root else 0.9
            for _key, pk in sorted(keys, reverse=True)[: round(share * len(people))]:
                # over the last twelve months, more of them lately
                self.trained[pk] = self.ago(1 + int(360 * rng.random() ** 1.3))

    # -- classes, through the services as the demo accounts ------------------------------------

    def organiser(self, unit: Unit):
        academy = self.by_code.get(ACADEMY)
        if academy is not None and unit.path.startswith(academy.path):
            return self.users["nhaplieu.hvhc"]
        return self.users["quantri"]

    def closed_classes(self) -> None:
        taken: set[tuple[int, int]] = set()  # (course, person) already in a class
        numbers: dict[tuple[str, str], int] = defaultdict(int)
        for course_code, unit_code, ended, days, sessions, place, instructor, who in CLASSES:
            unit = self.by_code.get(unit_code)
            if unit is None:
                continue
            rng = random.Random(f"{SEED}-class-{course_code}-{unit_code}")
            course = self.courses[course_code]
            end = self.ago(ended)
            start = end - dt.timedelta(days=days - 1)
            passing, failing = self.trainees(unit, course, who, taken, rng)
            if not passing:
                continue
            numbers[(course_code, unit_code)] += 1
            code = f"{course_code}-{unit_code}-{start:%y}{numbers[(course_code, unit_code)]:02d}"
            user = self.organiser(unit)
            data = services.ClassData(
                code=code,
                course=course,
                start=start,
                end=end,
                sessions=sessions,
                place=place,
                instructor=instructor,
                capacity=40 if course.is_basic else 30,
            )
            people = passing + failing
            with acting_as(user):
                klass = services.open_class(user, unit, data)
                enrolments = services.enrol(user, klass, people)
                results = {}
                fail_ids = {p.pk for p in failing}
                need = math.ceil(sessions * services.ATTENDANCE_SHARE)
                for e in enrolments:
                    if e.person_id not in fail_ids:
                        attended = sessions if rng.random() < 0.85 else need
                        score = Decimal(rng.choice(range(60, 100, 5))) / 10
                    elif rng.random() < 0.4:  # away on duty: never came
                        attended, score = 0, None
                    else:  # came, but below the pass mark
                        attended = rng.randint(need, sessions)
                        score = Decimal(rng.choice(range(30, 50, 5))) / 10
                    results[e.pk] = (attended, score)
                services.record_results(user, klass, results)
                made = services.close_class(user, klass)
            for c in made:
                if c.is_basic:
                    self.trained[c.person_id] = c.completed_on
            taken |= {(course.pk, p.pk) for p in people}
            self.class_dates(klass, enrolments, made, rng)
            self.counts["classes"] += 1
            self.counts["enrolments"] += len(enrolments)
            self.counts["completions"] += len(made)

    def trainees(self, unit, course, who, taken, rng) -> tuple[list[Person], list[Person]]:
        """Who sat a class: (those who pass, those who fail)."""
        inside = [p for p in self.people if self.path[p.pk].startswith(unit.path) and (course.pk, p.pk) not in taken]
        if who == "basic":
            # those the demo has trained (the class gives them their certificate), and a
            # few who fail and stay untrained
            passing = [p for p in inside if p.pk in self.trained]
            failing = [p for p in inside if p.pk not in self.trained]
            size = rng.randint(24, 34)
        elif who == "leaders":
            passing = [p for p in inside if p.pk in self.leaders and p.pk in self.trained]
            passing = [p for p in passing if self.units[p.unit_id].depth <= 3]
            failing = []
            size = 30
        elif who == "it":
            passing = [p for p in inside if p.pk in self.it]
            failing = []
            size = 24
        else:  # the staff of the unit: officers, professionals, defence workers
            passing = [p for p in inside if p.category in ("si_quan", "qncn", "cnvqp") and p.pk in self.trained]
            failing = []
            size = rng.randint(18, 28)
        rng.shuffle(passing)
        rng.shuffle(failing)
        passing = passing[: size - 3] if course.is_basic else passing[:size]
        failing = failing[: rng.randint(1, 3)] if course.is_basic else []
        if not course.is_basic and passing:  # one of them is called away before the test
            failing, passing = passing[-1:], passing[:-1]
        ids = [p.pk for p in passing + failing]
        loaded = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("unit")}
        return [loaded[p.pk] for p in passing], [loaded[p.pk] for p in failing]

    def class_dates(self, klass, enrolments, made, rng) -> None:
        TrainingClass.objects.filter(pk=klass.pk).update(created_at=self.at(klass.start - dt.timedelta(days=21), 14))
        _set(
            Enrolment,
            "enrolled_at",
            [
                (e.pk, self.at(klass.start - dt.timedelta(days=rng.randint(3, 14)), rng.randint(8, 16)))
                for e in enrolments
            ],
        )
        recorded = self.at(min(self.today, klass.end + dt.timedelta(days=1)), 10)
        Completion.objects.filter(pk__in=[c.pk for c in made]).update(recorded_at=recorded)

    def open_class(self) -> None:
        """The academy's next basic class: a few trainees enrolled, no results yet."""
        course_code, unit_code, starts_in, days, sessions, place, instructor = OPEN_CLASS
        unit = self.by_code.get(unit_code)
        if unit is None:
            return
        rng = random.Random(f"{SEED}-open-{unit_code}")
        have = set(Completion.objects.filter(course=self.courses[course_code]).values_list("person_id", flat=True))
        ids = [
            p.pk
            for p in self.people
            if self.path[p.pk].startswith(unit.path) and p.pk not in have and p.category != "lao_dong_hd"
        ]
        rng.shuffle(ids)
        people = list(Person.objects.filter(pk__in=ids[:8]).select_related("unit").order_by("unit__path", "full_name"))
        start = self.today + dt.timedelta(days=starts_in)
        user = self.users["nhaplieu.hvhc"]
        data = services.ClassData(
            code=f"{course_code}-{unit_code}-{start:%y}01",
            course=self.courses[course_code],
            start=start,
            end=start + dt.timedelta(days=days - 1),
            sessions=sessions,
            place=place,
            instructor=instructor,
            capacity=30,
        )
        with acting_as(user):
            klass = services.open_class(user, unit, data)
            enrolments = services.enrol(user, klass, people) if people else []
        TrainingClass.objects.filter(pk=klass.pk).update(created_at=self.at(self.ago(6), 15))
        _set(Enrolment, "enrolled_at", [(e.pk, self.at(self.ago(rng.randint(1, 5)), 10)) for e in enrolments])
        self.counts["classes"] += 1
        self.counts["enrolments"] += len(enrolments)

    # -- certificates imported from the national platform ---------------------------------------

    def imports(self) -> None:
        """The basic course taken on binhdanhocvuso.gov.vn by the other trained people,
        and the security course by some of the staff; each level-2 unit imports its
        people's certificates (the academy's by ``nhaplieu.hvhc``) every month."""
        basic, security = self.courses[BASIC], self.courses["BHVS-ATTT"]
        have = set(Completion.objects.values_list("person_id", "course_id"))
        academy = self.by_code.get(ACADEMY)
        rng = random.Random(f"{SEED}-imports")
        rows = []
        for p in self.people:
            day = self.trained.get(p.pk)
            if day is None:
                continue
            if (p.pk, basic.pk) not in have:
                rows.append((p, basic, day))
            if p.category in ("si_quan", "qncn", "cnvqp") and rng.random() < 0.22 and (p.pk, security.pk) not in have:
                later = day + dt.timedelta(days=rng.randint(5, 120))
                if later < self.today:
                    rows.append((p, security, later))
        rows.sort(key=lambda r: (r[2], r[0].identifier))
        serial: dict[int, int] = defaultdict(int)
        made = []
        for p, course, day in rows:
            serial[day.year] += 1
            l2 = self.level2(p.unit_id)
            in_academy = academy is not None and l2 == academy
            made.append(
                Completion(
                    person_id=p.pk,
                    course=course,
                    completed_on=day,
                    score=Decimal(rng.choice(range(60, 101, 5))) / 10,
                    is_basic=course.is_basic,
                    source=Completion.Source.IMPORT,
                    external_ref=f"BDHVS-{day.year}-{serial[day.year]:06d}",
                    issued_by=l2,
                    recorded_by=self.users["nhaplieu.hvhc"] if in_academy else None,
                )
            )
        if not made:
            return
        Completion.objects.bulk_create(made, batch_size=2000)
        # imported early in the month after
        _set(Completion, "recorded_at", [(c.pk, self.at(self.imported_on(c.completed_on, rng), 14)) for c in made])
        audit.record(
            "import",
            None,
            object_type="training.completion",
            object_repr=f"Dữ liệu mẫu: {number(len(made))} chứng nhận nhập từ nền tảng Bình dân học vụ số",
            after={"created": len(made), "basic": sum(c.is_basic for c in made)},
            unit=self.root,
        )
        self.counts["completions"] += len(made)

    def imported_on(self, day: dt.date, rng) -> dt.date:
        first = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return min(self.today, first + dt.timedelta(days=rng.randint(1, 6)))

    # -- the survey's answers ---------------------------------------------------------------

    def answers(self, survey: Survey) -> None:
        """About three people in four answer, more in some units than in others; the
        trained rate themselves at least at the basic step. Each answer is classified
        by the groups' rules, as ``services.answer`` does."""
        scale = services.Scale.of(survey.framework)
        rules = services.Rules.load()
        # who enters answers for others: the demo accounts where there is one (most specific first)
        entry = [(self.by_code[c].path, self.users[n]) for c, n in ENTRY_ACCOUNTS if c in self.by_code]
        last = min(self.today, survey.closes_on)
        window = (last - survey.opens_on).days
        l2_rate, sub_rate, sub_bias = {}, {}, {}
        responses, answered_on = [], []
        for p in self.people:
            unit = self.units[p.unit_id]
            l2 = self.level2(p.unit_id)
            rng = random.Random(f"{SEED}-answer-{p.identifier}")
            if l2.pk not in l2_rate:
                r = random.Random(f"{SEED}-rate-{l2.code}")
                share = COVERAGE.get(l2.code, DEFAULT_COVERAGE)
                l2_rate[l2.pk] = (min(0.98, 0.32 + 0.7 * share + r.uniform(-0.12, 0.12)), (share - 0.65) * 1.6)
            sub = unit.path[: 3 * tree.STEP]
            if sub not in sub_rate:
                r = random.Random(f"{SEED}-sub-{sub}")
                sub_rate[sub] = min(0.99, max(0.1, l2_rate[l2.pk][0] + r.gauss(0, 0.12)))
                sub_bias[sub] = l2_rate[l2.pk][1] + r.gauss(0, 0.25)
            if rng.random() >= sub_rate[sub] * (0.92 if p.category == "hsq_bs" else 1.0):
                continue
            day = survey.opens_on + dt.timedelta(days=int(window * rng.random() ** 0.7))
            ratings = self.rate(p, scale, sub_bias[sub], day, rng)
            officer = rng.random() < OFFICER_ENTRY.get(p.category, 0.05)
            who = next((user for path, user in entry if unit.path.startswith(path)), None)
            responses.append(
                Response(
                    survey=survey,
                    person=p,
                    unit_id=p.unit_id,
                    ratings=ratings,
                    domain_steps=scale.domain_steps(ratings),
                    source=Response.Source.OFFICER if officer else Response.Source.SELF,
                    entered_by=who if officer else None,
                )
            )
            answered_on.append(self.at(day, rng.randint(7, 20), rng.randint(0, 59)))
        if not responses:
            return
        Response.objects.bulk_create(responses, batch_size=1000)
        needs = [
            Need(survey=survey, response=r, person=r.person, unit_id=r.unit_id, group=g, reason=why)
            for r in responses
            for g, why in rules.classify(r.person, r.domain_steps, scale.domain_names)
        ]
        Need.objects.bulk_create(needs, batch_size=2000)
        _set(Response, "updated_at", [(r.pk, when) for r, when in zip(responses, answered_on, strict=True)])
        audit.record(
            "import",
            survey,
            object_repr=f"Dữ liệu mẫu: {number(len(responses))} phiếu tự đánh giá của đợt {survey.code}",
            after={"responses": len(responses), "needs": len(needs)},
            unit=survey.unit,
        )
        self.counts["responses"] = len(responses)
        self.counts["needs"] = len(needs)

    def rate(self, p: Person, scale, bias: float, day: dt.date, rng) -> dict[str, int]:
        level = CATEGORY_STEP.get(p.category, 2.5) + bias + rng.gauss(0, 0.5)
        if p.pk in self.it:
            level += 2.4
        if p.birth_year and self.today.year - p.birth_year > 35:
            level -= 0.03 * (self.today.year - p.birth_year - 35)
        trained = self.trained.get(p.pk)
        floor = 2 if trained is not None and trained <= day and rng.random() < 0.93 else 0
        out = {}
        for d, codes in scale.domains.items():
            for c in codes:
                step = round(level + DOMAIN_SHIFT.get(d, 0) + rng.gauss(0, 0.6))
                out[c] = min(scale.max_step, max(floor, step, 0))
        return out

    # -- the reports --------------------------------------------------------------------------

    def feed_reports(self) -> None:
        """From this quarter on, the reports take BHVS_TRAINED and BHVS_TRAINED_PCT from
        the training data; earlier quarters keep the figures typed then."""
        since = quarter_start(self.today)
        for ind in Indicator.objects.filter(code__in=FED).order_by("code"):
            before = {"source": ind.source, "source_from": ind.source_from}
            Indicator.objects.filter(pk=ind.pk).update(source=FED[ind.code], source_from=since)
            audit.record("update", ind, before=before, after={"source": FED[ind.code], "source_from": since})
        sources.refresh(coverage.SOURCES, None)


def _has(position: str, words) -> bool:
    folded = fold(position)
    return any(w in folded for w in words)
