"""Domain operations on units and personnel. Views, API and commands call these;
each checks the actor's scope, validates, writes in one transaction and audits."""

import re
from functools import cache

from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dxhub.accounts.roles import Action
from dxhub.accounts.scoping import covers, scope_paths
from dxhub.audit import services as audit
from dxhub.core.errors import DomainError, NotInScope
from dxhub.core.text import fold, nfc

from . import identifiers, tree
from .choices import RANK_CATEGORIES, PersonnelCategory, Rank, UnitKind
from .models import PeerGroup, Person, Unit
from .signals import unit_moved

# Whether a unit is active and until when changes only through dissolve_unit.
UNIT_FIELDS = ("code", "name", "short_name", "kind", "peer_group", "valid_from", "note")
# Changing these changes the unit's identity or ranking group: a right held above the unit.
GOVERNED_FIELDS = {
    "code": gettext_lazy("mã đơn vị"),
    "peer_group": gettext_lazy("nhóm tương đồng"),
    "valid_from": gettext_lazy("ngày bắt đầu hiệu lực"),
}


def _holds_root(user) -> bool:
    return any(tree.depth_of(p) == 1 for p in scope_paths(user, Action.CHANGE_UNIT))


def _require(user, action, unit, message=None):
    if not covers(user, action, unit):
        raise NotInScope(message) if message else NotInScope()


# --- units ------------------------------------------------------------------


def code_problem(code: str) -> str | None:
    """Why a unit code (already NFC and upper-case) is not acceptable, or None."""
    if not code:
        return _("Mã đơn vị không được để trống.")
    if len(code) > 40 or not code.isascii() or not all(ch.isalnum() or ch in "-_." for ch in code):
        return _("Mã đơn vị chỉ gồm tối đa 40 chữ cái không dấu, chữ số và dấu - _ .")
    return None


def _check_unit(values: dict, instance: Unit | None = None) -> dict[str, str]:
    errors = {}
    code = nfc(values.get("code", instance.code if instance else "")).upper()
    if (problem := code_problem(code)) is not None:
        errors["code"] = problem
    elif Unit.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
        errors["code"] = _("Mã đơn vị “%(code)s” đã được dùng cho đơn vị khác.") % {"code": code}
    if "name" in values and not nfc(values["name"]):
        errors["name"] = _("Tên đơn vị không được để trống.")
    if "kind" in values and values["kind"] not in UnitKind.values:
        errors["kind"] = _("Loại hình đơn vị không hợp lệ.")
    vf = values.get("valid_from", getattr(instance, "valid_from", None))
    vt = values.get("valid_to", getattr(instance, "valid_to", None))
    if vf and vt and vt < vf:
        errors["valid_to"] = _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")
    pg = values.get("peer_group")
    if pg is not None and not isinstance(pg, PeerGroup):
        errors["peer_group"] = _("Nhóm tương đồng không hợp lệ.")
    return errors


@transaction.atomic
def create_unit(user, parent: Unit | None, **values) -> Unit:
    if parent is None:
        if Unit.objects.exists() or not (user is None or user.is_superuser):
            raise DomainError(_("Chỉ có một đơn vị gốc; hãy chọn đơn vị cấp trên."))
    else:
        _require(user, Action.CHANGE_UNIT, parent)
    errors = _check_unit(values)
    if errors:
        raise DomainError(_("Thông tin đơn vị chưa hợp lệ."), errors)
    unit = Unit(parent=parent, **{k: v for k, v in values.items() if k in UNIT_FIELDS})
    unit.path, unit.depth = _next_child_path(parent)
    unit.save()
    audit.record("create", unit, after=audit.snapshot(unit), unit=unit)
    return unit


def _next_child_path(parent: Unit | None) -> tuple[str, int]:
    """The path for a new child of ``parent``, read under the parent's row lock, so a
    concurrent move or dissolution of the parent is seen before the child is placed."""
    if parent is None:
        return tree.child_path("", 1), 1
    locked = Unit.objects.select_for_update().get(pk=parent.pk)
    if not locked.is_active:
        raise DomainError(
            _("“%(name)s” đã ngừng hoạt động; không thể đặt đơn vị trực thuộc vào đó.") % {"name": locked.name}
        )
    Unit.objects.filter(pk=parent.pk).update(child_seq=F("child_seq") + 1)
    seq = locked.child_seq + 1
    return tree.child_path(locked.path, seq), locked.depth + 1


@transaction.atomic
def update_unit(user, unit: Unit, **values) -> Unit:
    _require(user, Action.CHANGE_UNIT, unit)
    unit = Unit.objects.select_for_update(of=("self",)).select_related("parent").get(pk=unit.pk)
    governed = [k for k in GOVERNED_FIELDS if k in values and values[k] != getattr(unit, k)]
    if governed and not (covers(user, Action.CHANGE_UNIT, unit.parent) if unit.parent else _holds_root(user)):
        raise DomainError(
            _("Chỉ đơn vị cấp trên mới được đổi %(fields)s.")
            % {"fields": ", ".join(str(GOVERNED_FIELDS[k]) for k in governed)},
            {k: _("Cần quyền quản trị của đơn vị cấp trên.") for k in governed},
        )
    errors = _check_unit(values, unit)
    if errors:
        raise DomainError(_("Thông tin đơn vị chưa hợp lệ."), errors)
    before = audit.snapshot(unit)
    for key, value in values.items():
        if key in UNIT_FIELDS:
            setattr(unit, key, value)
    unit.save()
    after = audit.snapshot(unit)
    if after != before:
        audit.record("update", unit, before=before, after=after, unit=unit)
    return unit


@transaction.atomic
def move_unit(user, unit: Unit, new_parent: Unit) -> Unit:
    """Move ``unit`` and its whole subtree under ``new_parent``.

    The actor needs the right to change units both where the unit is now (its
    parent) and where it goes. A unit cannot go under itself or a descendant.
    """
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.parent_id is None:
        raise DomainError(_("Không thể chuyển đơn vị gốc (Bộ Quốc phòng)."))
    _require(user, Action.CHANGE_UNIT, unit.parent)
    _require(user, Action.CHANGE_UNIT, new_parent, _("Đơn vị cấp trên mới không tồn tại hoặc ngoài phạm vi của bạn."))
    new_parent = Unit.objects.get(pk=new_parent.pk)
    if new_parent.pk == unit.pk or new_parent.path.startswith(unit.path):
        raise DomainError(
            _("Không thể chuyển “%(name)s” vào chính nó hoặc vào đơn vị cấp dưới của nó (“%(target)s”).")
            % {"name": unit.name, "target": new_parent.name}
        )
    if new_parent.pk == unit.parent_id:
        raise DomainError(_("“%(name)s” đã trực thuộc “%(parent)s”.") % {"name": unit.name, "parent": new_parent.name})
    old_path, old_parent_id, old_depth = unit.path, unit.parent_id, unit.depth
    # Lock the whole subtree: a child being added under it meanwhile waits, then sees the new path.
    list(Unit.objects.select_for_update().filter(path__gte=old_path, path__lt=tree.successor(old_path)).values("pk"))
    new_path, new_depth = _next_child_path(new_parent)
    moved = Unit.objects.filter(path__gte=old_path, path__lt=tree.successor(old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + (new_depth - old_depth),
    )
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.refresh_from_db()
    unit_moved.send(sender=Unit, unit=unit, old_path=old_path)
    audit.record(
        "move",
        unit,
        before={"parent_id": old_parent_id, "path": old_path, "depth": old_depth},
        after={"parent_id": new_parent.pk, "path": unit.path, "depth": unit.depth, "units_moved": moved},
        unit=unit,
    )
    return unit


@transaction.atomic
def delete_unit(user, unit: Unit) -> None:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.parent_id is None:
        raise DomainError(_("Không thể xóa đơn vị gốc."))
    _require(user, Action.CHANGE_UNIT, unit.parent)
    problems = []
    if (n := unit.children.count()) > 0:
        problems.append(_("còn %(n)s đơn vị trực thuộc") % {"n": n})
    if (n := unit.people.count()) > 0:
        problems.append(_("còn %(n)s quân nhân") % {"n": n})
    from dxhub.accounts.models import RoleAssignment

    if (n := RoleAssignment.objects.filter(unit=unit).count()) > 0:
        problems.append(_("còn %(n)s phân quyền tài khoản gắn với đơn vị") % {"n": n})
    if problems:
        raise DomainError(
            _(
                "Không thể xóa “%(name)s”: %(problems)s. Hãy chuyển hoặc xóa chúng trước, "
                "hoặc đánh dấu đơn vị ngừng hoạt động (giải thể)."
            )
            % {"name": unit.name, "problems": "; ".join(problems)},
            problems,
        )
    before = audit.snapshot(unit)
    audit.record("delete", unit, before=before, unit=unit)
    try:
        with transaction.atomic():
            unit.delete()
    except ProtectedError:
        raise DomainError(
            _(
                "Không thể xóa “%(name)s”: đơn vị đã có dữ liệu báo cáo. "
                "Hãy đánh dấu đơn vị ngừng hoạt động (giải thể) để giữ lịch sử."
            )
            % {"name": unit.name}
        ) from None


@transaction.atomic
def dissolve_unit(user, unit: Unit, on_date, successor: Unit | None = None, note: str = "") -> Unit:
    """Dissolve (giải thể) or merge (sáp nhập) a unit without losing its history.

    With a ``successor``, the unit's children and people move there first (each
    move audited). The unit itself stays in the tree, inactive, valid until
    ``on_date``, so past reports and audit records still point at it.
    """
    unit = Unit.objects.select_for_update(of=("self",)).select_related("parent").get(pk=unit.pk)
    if unit.parent_id is None:
        raise DomainError(_("Không thể giải thể đơn vị gốc."))
    _require(user, Action.CHANGE_UNIT, unit.parent)
    if not unit.is_active:
        raise DomainError(_("“%(name)s” đã ngừng hoạt động từ trước.") % {"name": unit.name})
    if unit.valid_from and on_date < unit.valid_from:
        raise DomainError(_("Ngày giải thể phải sau ngày bắt đầu hiệu lực của đơn vị."))
    if successor is not None:
        _require(user, Action.CHANGE_UNIT, successor, _("Đơn vị tiếp nhận không tồn tại hoặc ngoài phạm vi của bạn."))
        successor = Unit.objects.select_for_update().get(pk=successor.pk)
        if successor.path.startswith(unit.path):
            raise DomainError(_("Đơn vị tiếp nhận không được là chính đơn vị hoặc đơn vị cấp dưới của nó."))
        if not successor.is_active:
            raise DomainError(_("Đơn vị tiếp nhận “%(name)s” đã ngừng hoạt động.") % {"name": successor.name})
        for child in unit.children.filter(is_active=True).order_by("path"):
            move_unit(user, child, successor)
        people = list(unit.people.filter(is_active=True))
        changes, now = [], timezone.now()
        for person in people:
            before = audit.snapshot(person)
            person.unit, person.updated_at = successor, now  # bulk_update skips auto_now
            changes.append(audit.Change("move", person, before, audit.snapshot(person), successor.pk))
        Person.objects.bulk_update(people, ["unit", "updated_at"], batch_size=1000)
        audit.record_many(changes)
    else:
        problems = []
        if (n := unit.children.filter(is_active=True).count()) > 0:
            problems.append(_("còn %(n)s đơn vị trực thuộc đang hoạt động") % {"n": n})
        if (n := unit.people.filter(is_active=True).count()) > 0:
            problems.append(_("còn %(n)s quân nhân") % {"n": n})
        if problems:
            raise DomainError(
                _(
                    "Chưa thể giải thể “%(name)s”: %(problems)s. "
                    "Hãy chọn đơn vị tiếp nhận (sáp nhập) hoặc chuyển chúng đi trước."
                )
                % {"name": unit.name, "problems": "; ".join(problems)},
                problems,
            )
    before = audit.snapshot(unit)
    unit.is_active = False
    unit.valid_to = on_date
    if note:
        unit.note = (unit.note + "\n" if unit.note else "") + nfc(note)
    unit.save()
    after = audit.snapshot(unit) | ({"successor_id": successor.pk} if successor else {})
    audit.record("update", unit, before=before, after=after, unit=unit)
    return unit


def headcount(unit: Unit) -> dict:
    """People in the unit itself and in its whole subtree, by category."""
    from django.db.models import Count

    sub = Person.objects.in_subtree(unit).filter(is_active=True)
    by_cat = dict(sub.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    return {
        "own": unit.people.filter(is_active=True).count(),
        "subtree": sum(by_cat.values()),
        "by_category": [(label, by_cat.get(code, 0)) for code, label in PersonnelCategory.choices],
    }


# --- people -----------------------------------------------------------------

PERSON_FIELDS = (
    "identifier",
    "full_name",
    "gender",
    "birth_year",
    "category",
    "rank",
    "position",
    "unit",
    "is_active",
)


_GENDER_BY_FOLD = {"m": "M", "nam": "M", "f": "F", "nu": "F", "": ""}
_CATEGORY_ALIASES = {"si quan": "si_quan", "hsq-bs": "hsq_bs", "hsq - bs": "hsq_bs", "hsqbs": "hsq_bs"}


@cache
def _category_lookup() -> dict[str, str]:
    with translation.override("vi"):
        labels = {fold(label): code for code, label in PersonnelCategory.choices}
    return {fold(code): code for code in PersonnelCategory.values} | labels | _CATEGORY_ALIASES


@cache
def _rank_lookup() -> dict[str, str]:
    return {fold(code): code for code in RANK_CATEGORIES} | {fold(Rank(code).label): code for code in RANK_CATEGORIES}


def parse_category(raw) -> str | None:
    """A category code from a code or a Vietnamese label typed any way ("Sĩ quan", "si quan", "HSQ-BS")."""
    return _category_lookup().get(fold(raw))


def parse_rank(raw) -> str | None:
    """A rank code from a code or label; "" for no rank; None when not recognised."""
    return "" if raw in (None, "") else _rank_lookup().get(fold(raw))


def parse_gender(raw) -> str | None:
    return _GENDER_BY_FOLD.get(fold(raw))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _whole_number(value) -> int | None:
    """An int from 1990, 1990.0 or "1990"; None for 1990.7, True, "199O" and the like."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() else None


def check_person(data: dict, existing: Person | None = None) -> dict[str, str]:
    """Field errors (Vietnamese) for person values; the one rule set for forms, API and import.

    ``data`` holds already-parsed values; uniqueness against the database is
    checked by the callers that know which rows are being replaced.
    """
    errors: dict[str, str] = {}
    ident = identifiers.normalise(data.get("identifier"))
    if (msg := identifiers.problem(ident)) is not None:
        errors["identifier"] = _("Mã định danh “%(value)s”: %(problem)s.") % {
            "value": data.get("identifier") or "",
            "problem": msg,
        }
    name = data.get("full_name")
    if name is not None and not isinstance(name, str):
        errors["full_name"] = _("Họ và tên phải là chữ, không phải “%(value)s”.") % {"value": name}
    elif not nfc(name):
        errors["full_name"] = _("Họ và tên không được để trống.")
    elif len(nfc(name)) > 120:
        errors["full_name"] = _("Họ và tên quá dài (tối đa 120 ký tự).")
    elif _CONTROL.search(name):
        errors["full_name"] = _("Họ và tên chứa ký tự điều khiển không hợp lệ.")
    position = data.get("position") or ""
    if not isinstance(position, str):
        position = str(position)
    if len(nfc(position)) > 160:
        errors["position"] = _("Chức vụ quá dài (tối đa 160 ký tự).")
    elif _CONTROL.search(position):
        errors["position"] = _("Chức vụ chứa ký tự điều khiển không hợp lệ.")
    category = data.get("category")
    if category not in PersonnelCategory.values:
        errors["category"] = _("Đối tượng không hợp lệ (sĩ quan, QNCN, CNVQP, HSQ-BS, học viên, lao động hợp đồng).")
    rank = data.get("rank") or ""
    if rank:
        if rank not in RANK_CATEGORIES:
            errors["rank"] = _("Cấp bậc không hợp lệ.")
        elif category in PersonnelCategory.values and category not in RANK_CATEGORIES[rank]:
            errors["rank"] = _("Cấp bậc “%(rank)s” không áp dụng cho đối tượng “%(category)s”.") % {
                "rank": Rank(rank).label,
                "category": PersonnelCategory(category).label,
            }
    if data.get("gender") not in ("", "M", "F", None):
        errors["gender"] = _("Giới tính phải là Nam hoặc Nữ.")
    by = data.get("birth_year")
    if by not in (None, ""):
        year = _whole_number(by)
        if year is None:
            errors["birth_year"] = _("Năm sinh “%(value)s” phải là một số nguyên (ví dụ 1990).") % {"value": by}
        elif not 1940 <= year <= 2012:
            errors["birth_year"] = _("Năm sinh %(year)s nằm ngoài khoảng hợp lệ (1940–2012).") % {"year": year}
    unit = data.get("unit")
    if unit is None:
        errors.setdefault("unit", _("Chưa chọn đơn vị."))
    elif not unit.is_active and (existing is None or existing.unit_id != unit.pk):
        errors["unit"] = _("Đơn vị “%(name)s” đã ngừng hoạt động; không thể bổ sung quân nhân vào đơn vị này.") % {
            "name": unit.name
        }
    return errors


def _unique_identifier(ident: str, existing: Person | None) -> str | None:
    if Person.objects.filter(identifier=ident).exclude(pk=getattr(existing, "pk", None)).exists():
        return _("Mã định danh %(identifier)s đã được dùng cho một quân nhân khác.") % {
            "identifier": identifiers.display(ident)
        }
    return None


def _apply(person: Person, data: dict) -> Person:
    person.identifier = identifiers.normalise(data["identifier"])
    person.full_name = nfc(data["full_name"])
    person.gender = data.get("gender") or ""
    by = data.get("birth_year")
    person.birth_year = _whole_number(by) if by not in (None, "") else None
    person.category = data["category"]
    person.rank = data.get("rank") or ""
    person.position = str(data.get("position") or "")
    person.unit = data["unit"]
    if "is_active" in data and data["is_active"] is not None:
        person.is_active = bool(data["is_active"])
    return person.prepare()


@transaction.atomic
def create_person(user, **data) -> Person:
    unit = data.get("unit")
    if unit is not None:
        _require(user, Action.CHANGE_PERSON, unit, _("Đơn vị không tồn tại hoặc ngoài phạm vi quản lý của bạn."))
        data["unit"] = Unit.objects.select_for_update().get(pk=unit.pk)  # a dissolution meanwhile is seen
    errors = check_person(data)
    if not errors and (msg := _unique_identifier(identifiers.normalise(data["identifier"]), None)):
        errors["identifier"] = msg
    if errors:
        raise DomainError(_("Thông tin quân nhân chưa hợp lệ."), errors)
    person = _apply(Person(), data)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise DomainError(_("Mã định danh đã tồn tại."), {"identifier": _("Mã định danh đã tồn tại.")}) from None
    audit.record("create", person, after=audit.snapshot(person), unit=person.unit)
    return person


@transaction.atomic
def update_person(user, person: Person, **changes) -> Person:
    person = Person.objects.select_for_update(of=("self",)).select_related("unit").get(pk=person.pk)
    _require(user, Action.CHANGE_PERSON, person.unit)
    data = {f: getattr(person, f) for f in PERSON_FIELDS} | changes
    if data["unit"] is not None and data["unit"].pk != person.unit_id:
        _require(user, Action.CHANGE_PERSON, data["unit"], _("Đơn vị mới không tồn tại hoặc ngoài phạm vi của bạn."))
        data["unit"] = Unit.objects.select_for_update().get(pk=data["unit"].pk)
    errors = check_person(data, person)
    if not errors and (msg := _unique_identifier(identifiers.normalise(data["identifier"]), person)):
        errors["identifier"] = msg
    if errors:
        raise DomainError(_("Thông tin quân nhân chưa hợp lệ."), errors)
    before = audit.snapshot(person)
    _apply(person, data).save()
    after = audit.snapshot(person)
    if {k: v for k, v in after.items() if k != "updated_at"} != {k: v for k, v in before.items() if k != "updated_at"}:
        audit.record("update", person, before=before, after=after, unit=person.unit)
    return person


@transaction.atomic
def delete_person(user, person: Person) -> None:
    person = Person.objects.select_related("unit").get(pk=person.pk)
    _require(user, Action.CHANGE_PERSON, person.unit)
    audit.record("delete", person, before=audit.snapshot(person), unit=person.unit)
    person.delete()
