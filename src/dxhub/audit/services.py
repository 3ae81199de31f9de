"""Writing and verifying the audit chain."""

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from .context import current
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64


def snapshot(obj, fields: Iterable[str] | None = None) -> dict:
    """JSON-safe dict of a model instance's concrete fields (FKs as ids)."""
    out = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in {"password", "digest", "search_text"}:
            continue
        out[f.attname] = _jsonable(getattr(obj, f.attname))
    return out


def _jsonable(value):
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, float, uuid.UUID)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return str(value)


def _canonical(fields: dict) -> bytes:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    at = event.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    payload = {
        "seq": event.seq,
        "at": at,
        "user_id": event.user_id,
        "username": event.username,
        "request_id": event.request_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "unit_id": event.unit_id,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(_canonical(payload)).hexdigest()


@dataclass
class Change:
    """One change to append: what happened to which object, before and after."""

    action: str
    obj: models.Model | None = None
    before: dict | None = None
    after: dict | None = None
    unit_id: int | None = None
    object_type: str | None = None
    object_id: str | None = None
    object_repr: str | None = None


def record(action, obj=None, *, before=None, after=None, unit=None, **kw) -> AuditEvent:
    unit_id = unit.pk if isinstance(unit, models.Model) else unit
    return record_many([Change(action, obj, before, after, unit_id, **kw)])[0]


def record_many(changes: list[Change]) -> list[AuditEvent]:
    """Append changes to the chain in one statement, inside the caller's transaction."""
    if not changes:
        return []
    actor = current()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        seq, prev = head.last_seq, head.last_hash
        now = timezone.now()
        events = []
        for ch in changes:
            obj = ch.obj
            seq += 1
            event = AuditEvent(
                seq=seq,
                at=now,
                user_id=actor.user_id,
                username=actor.username[:150],
                request_id=actor.request_id,
                action=ch.action,
                object_type=ch.object_type or (obj._meta.label_lower if obj is not None else ""),
                object_id=ch.object_id if ch.object_id is not None else (str(obj.pk) if obj is not None else ""),
                object_repr=(ch.object_repr if ch.object_repr is not None else str(obj or ""))[:255],
                unit_id=ch.unit_id,
                before=_jsonable(ch.before),
                after=_jsonable(ch.after),
                prev_hash=prev,
            )
            event.hash = compute_hash(event)
            prev = event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=500)
        head.last_seq, head.last_hash = seq, prev
        head.save(update_fields=["last_seq", "last_hash"])
    return events


@dataclass
class Verification:
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def verify_chain(batch: int = 5000) -> Verification:
    """Walk the chain in order; report the first record whose hash or link is wrong."""
    prev, expected_seq, checked = GENESIS, 1, 0
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            break
        for ev in rows:
            if ev.seq != expected_seq:
                return Verification(checked, expected_seq, "missing")
            if ev.prev_hash != prev:
                return Verification(checked, ev.seq, "link")
            if compute_hash(ev) != ev.hash:
                return Verification(checked, ev.seq, "content")
            prev, expected_seq, last = ev.hash, ev.seq + 1, ev.seq
            checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.last_seq != last or head.last_hash != prev):
        return Verification(checked, last + 1, "truncated")
    return Verification(checked)
