import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from dxhub.accounts.roles import Action
from dxhub.audit import services as audit
from dxhub.core.errors import NotInScope

from . import identifiers, services
from .choices import PersonnelCategory, Rank, UnitKind
from .models import Person, Unit

router = Router()


class Paging(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10**9)


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: UnitKind
    parent_id: int | None
    depth: int
    path: str
    peer_group: str | None = Field(None, alias="peer_group.code")
    is_active: bool
    valid_from: dt.date | None
    valid_to: dt.date | None


class MoveIn(Schema):
    new_parent_id: int


class PersonOut(Schema):
    id: int
    identifier: str
    full_name: str
    gender: str
    birth_year: int | None
    category: PersonnelCategory
    rank: str
    position: str
    unit_id: int
    unit_code: str = Field(..., alias="unit.code")
    is_active: bool


class PersonIn(Schema):
    identifier: str
    full_name: str
    category: PersonnelCategory
    unit_id: int
    gender: str = ""
    birth_year: int | None = None
    rank: Rank | None = None
    position: str = ""
    is_active: bool = True


class PersonPatch(Schema):
    identifier: str | None = None
    full_name: str | None = None
    category: PersonnelCategory | None = None
    unit_id: int | None = None
    gender: str | None = None
    birth_year: int | None = None
    rank: Rank | None = None
    position: str | None = None
    is_active: bool | None = None


def _unit_for(request, pk: int, action: str) -> Unit:
    unit = Unit.objects.restrict(request.user, action).filter(pk=pk).first()
    if unit is None:
        raise NotInScope(_("Đơn vị id=%(pk)s không tồn tại hoặc ngoài phạm vi quản lý của bạn.") % {"pk": pk})
    return unit


@router.get("/units", response=list[UnitOut], tags=["units"])
@paginate(Paging)
def list_units(
    request,
    subtree_of: int | None = None,
    q: str = "",
    kind: UnitKind | None = None,
    depth: int | None = None,
    active: bool | None = None,
):
    """Units in the caller's scope; ``subtree_of`` limits to one unit and all below it."""
    qs = Unit.objects.restrict(request.user, Action.VIEW).select_related("peer_group")
    if subtree_of is not None:
        qs = qs.subtree(_unit_for(request, subtree_of, Action.VIEW))
    if q:
        qs = qs.search(q)
    if kind:
        qs = qs.filter(kind=kind)
    if depth is not None:
        qs = qs.filter(depth=depth)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("path")


@router.get("/units/{int:pk}", response=UnitOut, tags=["units"])
def get_unit(request, pk: int):
    return get_object_or_404(Unit.objects.restrict(request.user, Action.VIEW).select_related("peer_group"), pk=pk)


@router.get("/units/{int:pk}/children", response=list[UnitOut], tags=["units"])
@paginate(Paging)
def unit_children(request, pk: int):
    unit = _unit_for(request, pk, Action.VIEW)
    return unit.children.select_related("peer_group").order_by("path")


@router.post("/units/{int:pk}/move", response=UnitOut, tags=["units"])
def move_unit(request, pk: int, body: MoveIn):
    unit = _unit_for(request, pk, Action.VIEW)
    new_parent = _unit_for(request, body.new_parent_id, Action.CHANGE_UNIT)
    moved = services.move_unit(request.user, unit, new_parent)
    return Unit.objects.select_related("peer_group").get(pk=moved.pk)


@router.get("/people", response=list[PersonOut], tags=["people"])
@paginate(Paging)
def list_people(request, unit_id: int | None = None, q: str = "", category: PersonnelCategory | None = None):
    qs = Person.objects.restrict(request.user, Action.VIEW).select_related("unit")
    if unit_id is not None:
        qs = qs.in_subtree(_unit_for(request, unit_id, Action.VIEW))
    if q:
        qs = qs.search(q)
    if category:
        qs = qs.filter(category=category)
    # Paging through personal data by API is an export: leave a trace of who took which slice.
    audit.record(
        "export",
        None,
        object_type="org.person",
        object_repr=_("API: danh sách quân số"),
        after={
            "filters": {"unit_id": unit_id, "q": q, "category": category or ""},
            "limit": request.GET.get("limit", "50"),
            "offset": request.GET.get("offset", "0"),
        },
    )
    return qs.order_by("full_name", "identifier")


@router.get("/people/{int:pk}", response=PersonOut, tags=["people"])
def get_person(request, pk: int):
    return Person.objects.select_related("unit").get_in_scope(request.user, Action.VIEW, pk=pk)


@router.post("/people", response={201: PersonOut}, tags=["people"])
def create_person(request, body: PersonIn):
    data = body.dict()
    data["unit"] = _unit_for(request, data.pop("unit_id"), Action.CHANGE_PERSON)
    data["rank"] = data["rank"] or ""
    data["identifier"] = identifiers.normalise(data["identifier"])
    person = services.create_person(request.user, **data)
    return Status(201, Person.objects.select_related("unit").get(pk=person.pk))


@router.patch("/people/{int:pk}", response=PersonOut, tags=["people"])
def update_person(request, pk: int, body: PersonPatch):
    person = Person.objects.select_related("unit").get_in_scope(request.user, Action.CHANGE_PERSON, pk=pk)
    changes = body.dict(exclude_unset=True)
    if "unit_id" in changes:
        changes["unit"] = _unit_for(request, changes.pop("unit_id"), Action.CHANGE_PERSON)
    if "rank" in changes:
        changes["rank"] = changes["rank"] or ""
    if "identifier" in changes:
        changes["identifier"] = identifiers.normalise(changes["identifier"])
    person = services.update_person(request.user, person, **changes)
    return Person.objects.select_related("unit").get(pk=person.pk)
