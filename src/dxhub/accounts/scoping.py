"""The one scoping service: which units a user may see or change.

Every page, API endpoint and export asks this module. A role granted on a unit
holds for its subtree; the scope for an action is the set of subtree roots
(materialised paths) of the user's roles that allow the action. Objects outside
the scope are answered with 404 by callers, never with their data.
"""

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from django.http import Http404

from dxhub.org import tree

from .roles import roles_allowing

_CACHE_ATTR = "_dxhub_scope_cache"


def scope_paths(user, action: str) -> list[str]:
    """Minimal list of subtree-root paths where ``user`` may do ``action``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    if action not in cache:
        if "roles" not in cache:  # one query per user and request, whatever the actions asked
            cache["roles"] = _role_paths(user)
        allowed = roles_allowing(action)
        cache[action] = _outermost([path for role, path in cache["roles"] if role in allowed or role == "*"])
    return cache[action]


def _role_paths(user) -> list[tuple[str, str]]:
    if user.is_superuser:
        from dxhub.org.models import Unit

        return [("*", p) for p in Unit.objects.filter(depth=1).values_list("path", flat=True)]
    return list(user.role_assignments.filter(is_active=True).values_list("role", "unit__path"))


def forget(user) -> None:
    """Drop the cached scope (after the user's roles changed)."""
    user.__dict__.pop(_CACHE_ATTR, None)


def _outermost(paths: list[str]) -> list[str]:
    out: list[str] = []
    for p in sorted(paths):
        if not out or not p.startswith(out[-1]):
            out.append(p)
    return out


def path_q(paths: list[str], field: str) -> Q:
    """Rows whose ``field`` lies in one of the subtrees. A scope that holds the root
    of the tree is no filter at all (and costs no join)."""
    if not paths:
        return Q(pk__in=[])
    if any(tree.depth_of(p) == 1 for p in paths):
        return Q()
    return reduce(or_, (Q(**{f"{field}__gte": p, f"{field}__lt": tree.successor(p)}) for p in paths))


def covers(user, action: str, unit) -> bool:
    """May ``user`` do ``action`` on ``unit`` (a Unit or None)?"""
    return unit is not None and any(unit.path.startswith(p) for p in scope_paths(user, action))


class ScopedQuerySet(models.QuerySet):
    """A queryset of unit-owned rows; ``scope_path_field`` names the owning unit's path."""

    scope_path_field = "unit__path"

    def restrict(self, user, action: str = "view"):
        return self.filter(path_q(scope_paths(user, action), self.scope_path_field))

    def get_in_scope(self, user, action: str = "view", **lookup):
        """The object, or Http404 if it does not exist or lies outside the user's scope."""
        try:
            return self.restrict(user, action).get(**lookup)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
