"""Loading the demo indicator catalogue (``demo_indicators.INDICATORS``), idempotently."""

from django.db import transaction

from . import catalogue
from .demo_indicators import INDICATORS
from .models import Indicator

FIRST_PERIOD = "2021-Q1"  # the 2021-2025 programme's first quarter


@transaction.atomic
def load_catalogue(user=None) -> list[Indicator]:
    """Create the demo indicators that do not exist yet; returns those created."""
    specs = {spec["code"]: spec for spec in INDICATORS}
    existing = set(Indicator.objects.values_list("code", flat=True))
    todo = [spec for code, spec in specs.items() if code not in existing]
    created = []
    # weights first: a weighted average needs its weight indicator to exist
    for spec in sorted(todo, key=lambda s: s["weight"] is not None):
        data = {k: spec[k] for k in catalogue.FIELDS if k in spec and k != "weight"}
        data["applies_to"] = spec["applies_to"] or []
        data["weight"] = Indicator.objects.get(code=spec["weight"]) if spec["weight"] else None
        data["is_computed"] = spec["formula"] is not None
        created.append(catalogue.save_indicator(user, data))
    for indicator in created:
        if expression := specs[indicator.code]["formula"]:
            catalogue.add_formula(user, indicator, expression, FIRST_PERIOD, note="Danh mục mẫu")
    return created
