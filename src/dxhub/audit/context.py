"""Who is acting and under which request id: set by the middleware for web
requests and by management commands, read by the audit service."""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    request_id: str


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("dxhub_actor", default=None)


def current() -> Actor:
    return _current.get() or Actor(None, "system", "")


@contextmanager
def acting_as(user=None, request_id: str | None = None, username: str | None = None):
    actor = Actor(
        getattr(user, "pk", None),
        username or getattr(user, "username", None) or "system",
        request_id or uuid.uuid4().hex,
    )
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def bind_user(user) -> None:
    """Attach a user authenticated late (API token) to the running request's context."""
    actor = current()
    _current.set(Actor(user.pk, user.username, actor.request_id or uuid.uuid4().hex))
