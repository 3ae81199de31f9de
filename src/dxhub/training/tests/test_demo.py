"""The training demo ``seed_demo`` loads: coverage that differs between units, an open
survey answered and classified by the rules, closed and open classes, imported
certificates, the reports fed from them, and nothing new on a second load."""

import datetime as dt
import io
import re
import unicodedata

from django.core.management import call_command
from django.utils import timezone

from dxhub.accounts.models import User
from dxhub.audit.models import AuditEvent
from dxhub.org.models import Unit
from dxhub.reporting import submissions
from dxhub.reporting.models import Indicator, ReportForm, Value
from dxhub.reporting.periods import Period
from dxhub.training import coverage, demo, services
from dxhub.training.models import (
    BasicSkills,
    Completion,
    Course,
    Enrolment,
    Need,
    Response,
    Survey,
    TrainingClass,
)


def _counts():
    models = (Course, Survey, Response, Need, TrainingClass, Enrolment, Completion, BasicSkills, AuditEvent)
    return tuple(m.objects.count() for m in models)


def test_seed_demo_loads_the_training_demo(db):
    call_command("seed_demo", quiet=True)
    today = timezone.localdate()
    root = Unit.objects.get(code="BQP")

    # Coverage: clearly different between level-2 units, about two thirds overall.
    cov = coverage.coverage(root, today)
    level2 = [u for u in Unit.objects.filter(parent=root, is_active=True) if cov.subtree[u.pk].people >= 30]
    shares = {u.code: cov.subtree[u.pk].pct for u in level2}
    assert max(shares.values()) - min(shares.values()) >= 30, shares
    assert shares["HVHC"] >= 85 and min(shares.values()) <= 45
    assert 58 <= cov.total.pct <= 72
    assert cov.by_category["hsq_bs"].pct < cov.by_category["si_quan"].pct

    # The survey: the ministry's, still open, answered by about three in four.
    survey = Survey.objects.get(code=demo.SURVEY)
    assert survey.unit == root and survey.framework.code == "TT02-2025"
    assert survey.opens_on < today < survey.closes_on and not survey.is_closed
    result = services.results(survey, root)
    assert 0.65 <= result.answered / result.expected <= 0.85
    rates = [answered / people for _u, people, answered, _g in result.by_unit if people >= 30]
    assert max(rates) >= 0.95 and min(rates) <= 0.6
    groups = {line.group.code: line for line in result.groups}
    assert {"pho-cap", "lanh-dao", "chuyen-sau", "nang-cao"} <= set(groups)
    assert all(line.people >= 20 for line in groups.values())
    assert groups["pho-cap"].people > groups["chuyen-sau"].people
    assert 0 < groups["lanh-dao"].done < groups["lanh-dao"].people  # the commanders' class after the survey opened
    assert {"self", "officer"} == set(Response.objects.values_list("source", flat=True))
    assert all(survey.opens_on <= timezone.localdate(r.updated_at) <= today for r in Response.objects.all()[:300])
    # the needs are what the rules say
    scale, rules = services.Scale.of(survey.framework), services.Rules.load()
    for r in Response.objects.filter(survey=survey).select_related("person").order_by("pk")[::40]:
        assert scale.check(r.ratings)[1] == []
        assert r.domain_steps == scale.domain_steps(r.ratings)
        expected = {g.code for g, _why in rules.classify(r.person, r.domain_steps, scale.domain_names)}
        assert set(r.needs.values_list("group__code", flat=True)) == expected

    # Classes: closed ones with a few failures, and the academy's open one.
    closed = TrainingClass.objects.filter(is_closed=True)
    assert closed.filter(course__code=demo.BASIC).values("unit").distinct().count() >= 5
    assert {"LD-CDS", "CS-CNTT", "AI-CB"} <= set(closed.values_list("course__code", flat=True))
    assert Enrolment.objects.filter(training_class__in=closed, passed=False).count() >= 5
    assert all(e.score is not None or e.attended == 0 for e in Enrolment.objects.filter(training_class__in=closed))
    fresh = TrainingClass.objects.get(unit__code="HVHC", course__code=demo.BASIC, is_closed=False)
    assert fresh.start <= today <= fresh.end and 3 <= fresh.enrolments.count() <= 10  # results can be recorded today
    assert not fresh.enrolments.exclude(score=None).exists()
    clerk = User.objects.get(username="nhaplieu.hvhc")
    assert services.can_manage(clerk, fresh.unit)
    assert not Completion.objects.filter(course__code=demo.BASIC, person__in=fresh.enrolments.values("person")).exists()

    # Certificates: from classes and imported from the national platform, over a year.
    by_source = {s: Completion.objects.filter(source=s) for s in ("class", "import")}
    assert by_source["class"].filter(is_basic=True).count() >= 100
    assert by_source["import"].filter(is_basic=True).count() >= 2000
    assert all(
        re.fullmatch(r"BDHVS-20\d\d-\d{6}", ref) for ref in by_source["import"].values_list("external_ref", flat=True)
    )
    days = Completion.objects.values_list("completed_on", flat=True)
    assert min(days) >= today - dt.timedelta(days=366) and max(days) <= today
    assert len({(d.year, d.month) for d in days}) >= 11
    assert BasicSkills.objects.count() == Completion.objects.filter(is_basic=True).count()
    kept = set(BasicSkills.objects.values_list("person_id", "completion_id"))
    services.update_basic_skills(list(BasicSkills.objects.values_list("person_id", flat=True)))
    assert set(BasicSkills.objects.values_list("person_id", "completion_id")) == kept

    texts = [t for pair in Course.objects.values_list("title", "description") for t in pair]
    texts += [survey.title, survey.note] + list(TrainingClass.objects.values_list("place", flat=True))
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)

    # The reports take the BHVS indicators from these data from this quarter on.
    since = demo.quarter_start(today)
    fed = {i.code: (i.source, i.source_from) for i in Indicator.objects.filter(code__in=demo.FED)}
    assert fed == {
        "BHVS_TRAINED": (coverage.BASIC_TRAINED, since),
        "BHVS_TRAINED_PCT": (coverage.BASIC_COVERAGE, since),
    }

    # Loading again adds nothing (and says so).
    before = _counts()
    assert demo.load_training() == dict.fromkeys(demo.KEYS, 0)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == before
    assert re.search(
        r"Bình dân học vụ số: 5 khóa học, \d+ phiếu .*\(lần này thêm 0 phiếu, 0 chứng nhận\)", out.getvalue()
    )

    # The current quarter's report of the academy's office is filled from them.
    form = ReportForm.objects.get(code="BC-CDS-QUY")
    office = Unit.objects.get(code="HVHC-VP")
    entry = User.objects.get(username="nhaplieu.vphvhc")
    draft = submissions.open_submission(entry, office, form, Period.containing(form.periodicity, today).code)
    values = dict(Value.objects.filter(submission=draft).values_list("indicator__code", "num"))
    own = coverage.coverage(office).own[office.pk]
    assert values["BHVS_TRAINED"] == own.trained and values["BHVS_TRAINED_PCT"] == own.pct
