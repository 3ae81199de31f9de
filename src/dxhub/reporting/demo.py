"""Loading the demo indicator catalogue (``demo_indicators.INDICATORS``), idempotently."""

from django.db import transaction

from . import catalogue
from .demo_indicators import INDICATORS
from .models import Indicator

FIRST_PERIOD = "2021-Q1"  # the 2021-2025 programme's first quarter
FIELDS = (
    "code",
    "name",
    "definition",
    "unit",
    "topic",
    "value_type",
    "min_value",
    "max_value",
    "direction",
    "aggregation",
    "applies_to",
)


@transaction.atomic
def load_catalogue(user=None) -> list[Indicator]:
    """Create the demo indicators that do not exist yet; returns those created."""
    existing = set(Indicator.objects.values_list("code", flat=True))
    todo = [spec for spec in INDICATORS if spec["code"] not in existing]
    created = []
    # weights first: a weighted average needs its weight indicator to exist
    for spec in sorted(todo, key=lambda s: s["weight"] is not None):
        data = {k: spec[k] for k in FIELDS}
        data["applies_to"] = spec["applies_to"] or []
        data["weight"] = Indicator.objects.get(code=spec["weight"]) if spec["weight"] else None
        data["is_computed"] = spec["formula"] is not None
        created.append(catalogue.save_indicator(user, data))
    for indicator in created:
        spec = next(s for s in INDICATORS if s["code"] == indicator.code)
        if spec["formula"]:
            catalogue.add_formula(user, indicator, spec["formula"], FIRST_PERIOD, note="Danh mục mẫu")
    return created
