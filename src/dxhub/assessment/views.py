"""Pages of the assessment module: thin wrappers over ``services`` and ``results``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import covers
from dxhub.audit import services as audit
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.paging import paginate, query_without_page
from dxhub.core.xlsx import write_xlsx
from dxhub.org.models import PeerGroup, Unit
from dxhub.reporting.validation import ValueProblem, to_decimal

from . import frameworks, results, services
from .forms import EvidenceForm, ImportForm, RoundForm
from .models import Criterion, Evidence, Framework, Participant, Result, Round

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round(request, pk) -> Round:
    round_ = services.rounds_for(request.user).filter(pk=pk).first()
    if round_ is None:
        raise Http404
    return round_


def _flash(request, exc: DomainError) -> None:
    """A refused operation on the next page: the message, then its first problems."""
    messages.error(request, exc.message)
    for problem in exc.problem_list[:20]:
        messages.warning(request, problem)


def _participant(request, round_, code, action=Action.VIEW) -> Participant:
    try:
        return services.participant_in_scope(request.user, round_, code, action)
    except NotInScope:
        raise Http404 from None


@login_required
def index(request):
    rounds = list(services.rounds_for(request.user))
    todo_self = services.self_todo(request.user)
    return render(
        request,
        "assessment/index.html",
        {
            "rounds": rounds,
            "todo_self": list(todo_self[:50]),
            "to_review": services.review_queue(request.user).count(),
            "can_manage": frameworks.can_manage(request.user),
            "frameworks": Framework.objects.filter(is_active=True),
        },
    )


# --- frameworks ---------------------------------------------------------------------------------


@login_required
def framework_list(request):
    form = ImportForm()
    can_manage = frameworks.can_manage(request.user)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = (
                    frameworks.read_json(upload)
                    if upload.name.lower().endswith(".json")
                    else frameworks.read_excel(upload)
                )
                fw = frameworks.import_framework(request.user, data)
            except DomainError as exc:
                messages.error(request, exc.message)
                return render(
                    request,
                    "assessment/frameworks.html",
                    {"form": form, "problems": exc.problems, "frameworks": Framework.objects.all(), "can_manage": True},
                )
            messages.success(request, _("Đã nhập bộ tiêu chí %(fw)s.") % {"fw": fw})
            return redirect("assessment:framework", pk=fw.pk)
    return render(
        request,
        "assessment/frameworks.html",
        {"form": form, "frameworks": Framework.objects.all(), "can_manage": can_manage},
    )


@login_required
def framework_detail(request, pk):
    fw = get_object_or_404(Framework, pk=pk)
    fmt = request.GET.get("format")
    if fmt in ("json", "xlsx"):
        body = frameworks.to_json(fw) if fmt == "json" else frameworks.to_excel(fw)
        kind = "application/json" if fmt == "json" else XLSX_TYPE
        response = HttpResponse(body, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="{fw.code}-v{fw.version}.{fmt}"'
        audit.record("export", fw, after={"format": fmt})
        return response
    criteria = Criterion.objects.filter(framework=fw).select_related("indicator").order_by("position")
    return render(request, "assessment/framework.html", {"fw": fw, "criteria": criteria, "spec": fw.spec})


# --- rounds ---------------------------------------------------------------------------------------


@login_required
def round_new(request):
    if not frameworks.can_manage(request.user):
        raise Http404
    form = RoundForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            round_ = services.open_round(
                request.user,
                d["framework"],
                d["owner"],
                d["year"],
                d["name"],
                form.selected_units(),
                d.get("self_deadline"),
                d.get("review_deadline"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã mở kỳ đánh giá “%(name)s”.") % {"name": round_.name})
            return redirect("assessment:round", pk=round_.pk)
    return render(request, "assessment/round_new.html", {"form": form})


@login_required
def round_detail(request, pk):
    round_ = _round(request, pk)
    participants = (
        Participant.objects.restrict(request.user).filter(round=round_).select_related("unit").order_by("unit__path")
    )
    version = results.shown_version(round_)
    page = paginate(request, participants)
    indices = dict(
        Result.objects.filter(round=round_, version=version, participant__in=[p.pk for p in page]).values_list(
            "participant_id", "index"
        )
    )
    groups = dict(PeerGroup.objects.values_list("code", "name"))
    for p in page:
        p.shown_index = indices.get(p.pk)
        p.group_name = groups.get(p.peer_group)
    return render(
        request,
        "assessment/round.html",
        {
            "round": round_,
            "page": page,
            "query": query_without_page(request),
            "can_manage": services.can_manage(request.user, round_),
            "publications": round_.publications.select_related("published_by"),
            "counts": {
                "all": participants.count(),
                "submitted": participants.filter(submitted_at__isnull=False).count(),
                "reviewed": participants.filter(reviewed_at__isnull=False).count(),
            },
        },
    )


@login_required
@require_POST
def round_advance(request, pk):
    round_ = _round(request, pk)
    if request.POST.get("phase") != round_.phase:  # a stale page or a double click: do nothing
        messages.warning(request, _("Kỳ đánh giá đã chuyển giai đoạn; hãy xem lại trước khi thao tác."))
        return redirect("assessment:round", pk=round_.pk)
    try:
        if round_.phase == Round.Phase.SELF:
            services.start_review(request.user, round_)
            messages.success(request, _("Đã chuyển sang giai đoạn thẩm định."))
        else:
            services.publish(request.user, round_, request.POST.get("reason", ""))
            messages.success(request, _("Đã công bố kết quả."))
    except DomainError as exc:
        _flash(request, exc)
    return redirect("assessment:round", pk=round_.pk)


# --- one unit ----------------------------------------------------------------------------------------


@login_required
def unit_page(request, pk, code):
    """The unit's scorecard; during self-assessment and review it is also where the unit
    enters its values and the assessor reviews them."""
    round_ = _round(request, pk)
    participant = _participant(request, round_, code)
    if request.method == "POST":
        return _unit_post(request, round_, participant)
    wanted = request.GET.get("v", "")
    card = results.scorecard(participant, int(wanted) if wanted.isdigit() else None)
    radar = {
        "indicators": [{"name": _two_lines(p["name"]), "max": 1} for p in card["pillars"]],
        "series": [
            {
                "name": str(participant.unit.short_name or participant.unit.code),
                "values": [p["index"] for p in card["pillars"]],
            }
        ],
    }
    trend = {
        "labels": [str(y) for y, _i in card["trend"]],
        "values": [float(i) if i is not None else None for _y, i in card["trend"]],
        "name": _("Chỉ số"),
        "unit": "",
    }
    editing = (
        round_.phase == Round.Phase.SELF
        and participant.submitted_at is None
        and services.can_self_assess(request.user, participant)
    )
    reviewing = round_.phase == Round.Phase.REVIEW and services.can_review(request.user, participant)
    return render(
        request,
        "assessment/unit.html",
        {
            "round": round_,
            "participant": participant,
            "card": card,
            "radar": radar,
            "trend": trend,
            "editing": editing,
            "reviewing": reviewing,
            "missing": services.missing_for_submit(participant) if editing else [],
            "can_correct": round_.phase == Round.Phase.PUBLISHED and services.can_manage(request.user, round_),
            "can_withdraw": round_.phase != Round.Phase.PUBLISHED and services.can_manage(request.user, round_),
        },
    )


def _two_lines(name: str) -> str:
    """A long pillar name broken at the space nearest its middle (radar axis labels)."""
    if len(name) <= 14 or " " not in name:
        return name
    middle = len(name) // 2
    cut = min((i for i, ch in enumerate(name) if ch == " "), key=lambda i: abs(i - middle))
    return name[:cut] + "\n" + name[cut + 1 :]


def _unit_post(request, round_, participant):
    action = request.POST.get("action")
    code = request.POST.get("criterion", "")
    criterion = Criterion.objects.filter(framework_id=round_.framework_id, code=code, is_leaf=True).first()
    try:
        if action == "withdraw":
            services.withdraw(request.user, participant, request.POST.get("reason"))
            messages.success(request, _("Đã rút đơn vị khỏi kỳ đánh giá."))
            return redirect("assessment:round", pk=round_.pk)
        if action == "submit":
            services.submit_self(request.user, participant)
            messages.success(request, _("Đã gửi kết quả tự đánh giá."))
        elif action == "finish":
            services.finish_review(request.user, [participant])
            messages.success(request, _("Đã hoàn thành thẩm định đơn vị."))
        elif criterion is None:
            raise DomainError(_("Không có tiêu chí “%(code)s” trong bộ tiêu chí.") % {"code": code})
        elif action == "self":
            services.save_self(
                request.user, participant, criterion, request.POST.get("value"), request.POST.get("note")
            )
            messages.success(request, _("Đã lưu tiêu chí %(code)s.") % {"code": criterion.code})
        elif action == "review":
            services.review_score(
                request.user, participant, criterion, request.POST.get("value"), request.POST.get("comment")
            )
            messages.success(request, _("Đã lưu ý kiến thẩm định tiêu chí %(code)s.") % {"code": criterion.code})
        elif action == "evidence":
            form = EvidenceForm(request.POST, request.FILES)
            if not form.is_valid():
                raise DomainError(" ".join(e for errs in form.errors.values() for e in errs))
            services.add_evidence(
                request.user,
                participant,
                criterion,
                form.cleaned_data["title"],
                form.cleaned_data.get("file"),
                form.cleaned_data.get("link"),
            )
            messages.success(request, _("Đã thêm minh chứng cho tiêu chí %(code)s.") % {"code": criterion.code})
        elif action == "correct":
            services.correct(
                request.user, participant, criterion, request.POST.get("value"), request.POST.get("reason")
            )
            messages.success(request, _("Đã điều chỉnh và công bố phiên bản mới."))
        else:
            raise DomainError(_("Thao tác không hợp lệ."))
    except DomainError as exc:
        _flash(request, exc)
    anchor = f"#tc-{code}" if code else ""
    return redirect(request.path + anchor)


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence = get_object_or_404(
        Evidence.objects.select_related("score__participant__unit", "score__participant__round"), pk=pk
    )
    participant = evidence.score.participant
    if not covers(request.user, Action.VIEW, participant.unit):
        raise Http404
    try:
        services.remove_evidence(request.user, evidence)
        messages.success(request, _("Đã xóa minh chứng."))
    except DomainError as exc:
        _flash(request, exc)
    return redirect("assessment:unit", pk=participant.round_id, code=participant.unit.code)


@login_required
def evidence_file(request, pk):
    evidence = get_object_or_404(Evidence.objects.select_related("score__participant__unit"), pk=pk)
    if not covers(request.user, Action.VIEW, evidence.score.participant.unit) or not evidence.file:
        raise Http404
    name = evidence.file.name.rsplit("/", 1)[-1]
    audit.record(
        "export", evidence, after={"file": name, "sha256": evidence.sha256}, unit=evidence.score.participant.unit
    )
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=name)


# --- review queue --------------------------------------------------------------------------------


@login_required
def review_queue(request):
    queue = services.review_queue(request.user)
    if request.method == "POST":
        ids = {int(i) for i in request.POST.getlist("ids") if i.isdigit()}
        chosen = list(queue.filter(pk__in=ids))
        if not chosen:
            messages.error(request, _("Chưa chọn đơn vị nào."))
            return redirect("assessment:queue")
        by_round: dict[int, list] = {}
        for p in chosen:
            by_round.setdefault(p.round_id, []).append(p)
        try:
            with transaction.atomic():  # all chosen units, or none
                done = sum(services.finish_review(request.user, group) for group in by_round.values())
            messages.success(request, _("Đã hoàn thành thẩm định %(n)s đơn vị.") % {"n": done})
        except DomainError as exc:
            _flash(request, exc)
        return redirect("assessment:queue")
    page = paginate(request, queue.annotate(n_reviewed=Count("scores", filter=Q(scores__reviewed_at__isnull=False))))
    return render(request, "assessment/queue.html", {"page": page, "query": query_without_page(request)})


# --- ranking ------------------------------------------------------------------------------------------


@login_required
def ranking(request, pk):
    round_ = _round(request, pk)
    version = results.shown_version(round_)
    if request.GET.get("v", "").isdigit() and 0 < int(request.GET["v"]) <= round_.published_version:
        version = int(request.GET["v"])
    peer_group = request.GET.get("nhom", "")
    parent = None
    if request.GET.get("don_vi"):
        parent = Unit.objects.restrict(request.user).filter(code=request.GET["don_vi"]).first()
        if parent is None:
            raise Http404
    visible = Result.objects.restrict(request.user)
    sort = request.GET.get("sap_xep", "rank")
    sort = sort if sort in results.SORTS else "rank"
    order = results.ranking_order(round_, version, visible, peer_group, parent, sort)
    spec = round_.framework.spec
    bands = {b.code: b for b in spec.bands}
    # the parent's index covers all its units in the round, whatever group is shown
    subtree = (
        (order if not peer_group else results.ranking_order(round_, version, visible, "", parent)) if parent else []
    )
    if request.GET.get("format") == "xlsx":
        return _ranking_xlsx(round_, version, results.rows_for(order), spec, bands)
    page = paginate(request, order, 50)
    page.object_list = results.rows_for(list(page.object_list))
    groups = PeerGroup.objects.filter(code__in=round_.participants.values_list("peer_group", flat=True)).order_by(
        "name"
    )
    return render(
        request,
        "assessment/ranking.html",
        {
            "round": round_,
            "version": version,
            "page": page,
            "query": query_without_page(request),
            "bands": bands,
            "groups": groups,
            "peer_group": peer_group,
            "parent": parent,
            "sort": sort,
            "subtree_index": results.subtree_index(round_, subtree) if parent else None,
            "n_subtree": len(subtree),
            "pillars": spec.pillars,
            "n_total": len(order),
        },
    )


def _ranking_xlsx(round_, version, rows, spec, bands):
    headers = [
        _("Hạng"),
        _("Khoảng hạng 5–95 %"),
        _("Hạng trong nhóm"),
        _("Khoảng hạng trong nhóm"),
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Nhóm đơn vị"),
        *[p.name for p in spec.pillars],
        _("Điểm"),
        _("Điểm tối đa áp dụng"),
        _("Chỉ số"),
        _("Xếp loại"),
        _("Chỉ số năm trước"),
    ]
    data = []
    group_names = dict(PeerGroup.objects.values_list("code", "name"))
    for row in rows:
        r = row.result
        interval = f"{r.rank_lo}–{r.rank_hi}" if r.rank_lo else ""
        group_interval = f"{r.group_rank_lo}–{r.group_rank_hi}" if r.group_rank_lo else ""
        data.append(
            [
                row.rank,
                interval,
                row.group_rank,
                group_interval,
                r.participant.unit.code,
                r.participant.unit.name,
                group_names.get(r.participant.peer_group, r.participant.peer_group),
                *[round(p / m, 4) if m else None for p, m in r.pillars],
                float(r.points),
                float(r.max_points),
                float(r.index) if r.index is not None else None,
                bands[r.band].name if r.band in bands else "",
                float(r.previous_index) if r.previous_index is not None else None,
            ]
        )
    name = f"xep-hang-{round_.framework.code}-{round_.year}-v{version}"
    response = HttpResponse(
        write_xlsx(_("Xếp hạng"), headers, data),
        content_type=XLSX_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    audit.record("export", round_, after={"table": "ranking", "version": version, "rows": len(data)})
    return response


# --- what-if ----------------------------------------------------------------------------------------------


@login_required
def whatif(request, pk, code):
    round_ = _round(request, pk)
    participant = _participant(request, round_, code)
    spec = round_.framework.spec
    current = results.current_values(participant)
    criteria = {
        c.code: c
        for c in Criterion.objects.filter(framework_id=round_.framework_id, is_leaf=True).select_related("indicator")
    }
    result = Result.objects.filter(participant=participant, version=results.shown_version(round_)).first()
    applicable = [p is not None for p in (result.leaf_points if result else [])]
    outcome, problems, changes = None, [], {}
    if request.method == "POST":
        for j, leaf in enumerate(spec.leaves):
            raw = request.POST.get(f"v_{leaf.code}")
            if raw is None or raw.strip() == "" or (applicable and not applicable[j]):
                continue
            try:
                typed = leaf.method in ("levels", "expert", "fraction") or (
                    leaf.method == "yes_no" and not leaf.indicator
                )
                value = services.parse_value(criteria[leaf.code], raw) if typed else _figure(leaf.code, raw)
                if leaf.method == "yes_no" and leaf.indicator and not 0 <= value <= 1:
                    raise DomainError(
                        _("Tiêu chí %(code)s: tỷ lệ đơn vị trả lời “có” phải từ 0 đến 1.") % {"code": leaf.code}
                    )
            except DomainError as exc:
                problems.append(exc.message)
                continue
            if value is not None and (current.get(leaf.code) is None or float(value) != current[leaf.code]):
                changes[leaf.code] = float(value)
        if not problems:
            outcome = results.whatif(participant, changes)
    rows = []
    for j, leaf in enumerate(spec.leaves):
        if applicable and not applicable[j]:
            continue
        rows.append(
            {
                "leaf": leaf,
                "criterion": criteria[leaf.code],
                "value": current.get(leaf.code),
                "points": result.leaf_points[j] if result else None,
                "posted": request.POST.get(f"v_{leaf.code}", "") if request.method == "POST" else "",
            }
        )
    context = {
        "round": round_,
        "participant": participant,
        "result": result,
        "priorities": results.priorities(participant)[:10],
        "rows": rows,
        "outcome": outcome,
        "outcome_band": spec.bands[outcome.band] if outcome is not None and outcome.band >= 0 else None,
        "problems": problems,
        "changes": changes,
        "bands": {b.code: b for b in spec.bands},
    }
    template = "assessment/_whatif_result.html" if request.htmx else "assessment/whatif.html"
    return render(request, template, context)


def _figure(code, raw) -> float:
    """A figure typed on the what-if page, read like every number in dxhub (1.234,5)."""
    try:
        value = float(to_decimal(raw))
    except ValueProblem as exc:
        raise DomainError(_("Tiêu chí %(code)s: %(problem)s.") % {"code": code, "problem": exc}) from None
    if value != value or abs(value) >= 1e12:
        raise DomainError(_("Tiêu chí %(code)s: giá trị không hợp lệ.") % {"code": code})
    return value
