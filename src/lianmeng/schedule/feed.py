"""The personal iCalendar feed (RFC 5545): ``/calendar/feed/<token>.ics``.

The token is 32 random bytes shown once to its owner; only its SHA-256 is stored, so the
database alone does not open anyone's feed. Regenerating replaces it, revoking deletes it; both
are audited. The feed needs no session (calendar apps subscribe to it) and lists the deadlines
its owner may see now, as all-day events.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import transaction

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.models import User

from .models import FeedToken
from .selectors import Entry

PRODID = "-//lianmeng//联盟管理平台//ZH"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def feed_token_create(*, actor: User) -> str:
    """A new secret for ``actor``'s feed (the old one stops working); returned once."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        existed = FeedToken.objects.filter(user=actor).exists()
        row, _created = FeedToken.objects.update_or_create(
            user=actor,
            defaults={"digest": _digest(token), "created_at": clock.now(), "last_used_at": None},
        )
        audit_record(
            actor=actor,
            action="lianmeng.calendar.feed.regenerated"
            if existed
            else "lianmeng.calendar.feed.created",
            obj=row,
        )
    return token


def feed_token_revoke(*, actor: User) -> bool:
    with transaction.atomic():
        row = FeedToken.objects.filter(user=actor).first()
        if row is None:
            return False
        audit_record(actor=actor, action="lianmeng.calendar.feed.revoked", obj=row)
        row.delete()
    return True


def feed_owner(token: str) -> User | None:
    """The active account whose feed ``token`` opens, or None."""
    if not token or len(token) > 100:
        return None
    row = (
        FeedToken.objects.filter(digest=_digest(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    if row is None:
        return None
    FeedToken.objects.filter(pk=row.pk).update(last_used_at=clock.now())
    return row.user


# -- RFC 5545 ---------------------------------------------------------------------------------


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    out: list[str] = []
    current = b""
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            out.append(current.decode("utf-8"))
            current = b""
            limit = 74  # a continuation line starts with one space
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def render_calendar(entries: Iterable[Entry], *, name: str, host: str) -> bytes:
    """A VCALENDAR of all-day VEVENTs, CRLF line endings, folded, UTF-8."""
    from lianmeng.core.site import absolute_url

    stamp = _utc(clock.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for entry in entries:
        day = entry.due_date
        summary = f"{entry.title}：{entry.name}"
        if entry.overdue:
            summary = f"【已逾期】{summary}"
        description = f"{entry.subject_label}：{entry.title}\n{entry.name}：{day.isoformat()}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:deadline-{entry.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(summary)}",
            f"DESCRIPTION:{escape(description)}",
        ]
        if entry.url:
            lines.append(f"URL:{absolute_url(entry.url)}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
