from django.db import connections, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dxhub.accounts.scoping import ScopedQuerySet
from dxhub.core.text import nfc, search_key, search_terms

from . import tree
from .choices import PersonnelCategory, Rank, UnitKind


class PeerGroup(models.Model):
    """Units that are compared with each other in rankings (hospitals with hospitals …)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên nhóm"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("nhóm đơn vị tương đồng")
        verbose_name_plural = _("nhóm đơn vị tương đồng")

    def __str__(self):
        return self.name


class SearchableQuerySet(ScopedQuerySet):
    def search(self, query):
        """Rows whose words start with every word of ``query``, accents and case ignored."""
        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_text__contains=term)
        return qs


class UnitQuerySet(SearchableQuerySet):
    scope_path_field = "path"

    def subtree(self, unit, include_self=True):
        qs = self.filter(path__gte=unit.path, path__lt=tree.successor(unit.path))
        return qs if include_self else qs.exclude(pk=unit.pk)


class Unit(models.Model):
    """A unit of the organisation (Bộ, Tổng cục, Quân khu, Học viện, Sư đoàn, Đại đội …).

    The tree is a parent key plus a materialised ``path`` (see ``tree.py``);
    ``depth`` 1 is the ministry. Reorganisations keep history: a dissolved or
    merged unit is deactivated with ``valid_to`` set, never deleted while it
    still carries people, children or reported data.
    """

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=80, blank=True)
    kind = models.CharField(_("loại hình"), max_length=20, choices=UnitKind.choices)
    peer_group = models.ForeignKey(
        PeerGroup,
        verbose_name=_("nhóm tương đồng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    child_seq = models.PositiveIntegerField(default=0, editable=False)  # last step handed to a child
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    search_text = models.CharField(max_length=400, editable=False, db_index=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        indexes = [models.Index(fields=["parent", "path"], name="org_unit_parent_path")]
        constraints = [
            # One root: a scope holding depth 1 is the whole tree (see accounts.scoping.path_q).
            models.UniqueConstraint(fields=["depth"], condition=Q(depth=1), name="org_unit_single_root"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="org_unit_valid_range",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.code = nfc(self.code).upper()
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        self.search_text = search_key(self.code, self.short_name, self.name)
        super().save(*args, **kwargs)

    def ancestors(self):
        return Unit.objects.filter(path__in=tree.ancestor_paths(self.path)).order_by("path")


class PersonQuerySet(SearchableQuerySet):
    scope_path_field = "unit__path"

    def search(self, query):
        """By name words, or by the leading digits of an identifier ("25-0000123" works)."""
        from .identifiers import normalise

        digits = normalise(query)
        if len(digits) >= 4 and digits.isdigit():
            return self.filter(identifier__startswith=digits)
        if connections[self.db].vendor == "postgresql":
            return super().search(query)  # the trigram index finds the matches, then a top-N sort
        # SQLite: as a subquery, so the matches are found first and sorted after, instead
        # of walking the name index row by row until a page is full (see bench/).
        return self.filter(pk__in=SearchableQuerySet.search(Person.objects.all(), query).values("pk"))

    def in_subtree(self, unit):
        if unit.depth == 1:  # the whole tree: no join needed
            return self.all()
        return self.filter(unit__path__gte=unit.path, unit__path__lt=tree.successor(unit.path))


class Person(models.Model):
    """A member of the personnel (quân nhân, CNVQP, lao động hợp đồng).

    ``identifier`` is the personnel identifier (mã định danh quân nhân), twelve
    digits with a check digit: see ``docs/personnel-identifier.md`` and ``identifiers.py``.
    """

    class Gender(models.TextChoices):
        MALE = "M", _("Nam")
        FEMALE = "F", _("Nữ")

    identifier = models.CharField(_("mã định danh quân nhân"), max_length=12, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    category = models.CharField(_("đối tượng"), max_length=20, choices=PersonnelCategory.choices)
    rank = models.CharField(_("cấp bậc"), max_length=20, choices=Rank.choices, blank=True)
    position = models.CharField(_("chức vụ"), max_length=160, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="people")
    is_active = models.BooleanField(_("đang công tác"), default=True)
    search_text = models.CharField(max_length=300, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "identifier"]
        verbose_name = _("quân nhân")
        verbose_name_plural = _("quân số")
        indexes = [
            # headcounts: by category within a subtree, and over the whole tree
            models.Index(fields=["unit", "is_active", "category"], name="org_person_unit_active_cat"),
            models.Index(fields=["is_active", "category"], name="org_person_active_cat"),
            models.Index(fields=["full_name", "identifier"], name="org_person_name"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.identifier})"

    def save(self, *args, **kwargs):
        self.prepare()
        super().save(*args, **kwargs)

    def prepare(self):
        """Normalise text and derive the search column (also called before bulk_create)."""
        self.full_name = nfc(self.full_name)
        self.position = nfc(self.position)
        self.search_text = search_key(self.full_name, self.identifier)
        return self
