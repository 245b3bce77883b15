"""The security audit log: who did what to which object, with what result, from where, when.

`record(...)` appends one row and links it to the row before by its hash; `verify_chain()` walks
the rows and names the first one whose content or link no longer matches.
"""

import ipaddress
import json
import logging
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from regioagenda.audit.models import GENESIS, AuditRecord

logger = logging.getLogger(__name__)

# The request being handled, set by `middleware.AuditMiddleware`, so that signal receivers
# (which Django calls without the request) can name the actor and the origin.
current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)

# An arbitrary constant: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 0x5245_4741_4744  # "REGAGD"
_DETAIL_MAX_CHARS = 2000
# Keys a detail must never carry; they are dropped (with a warning), never stored.
_SECRET_KEYS = {"key", "token", "api_key", "session", "session_key", "sessionid", "otp", "otp_code"}
_SECRET_WORDS = ("password", "passwd", "secret", "authorization", "cookie", "credential")


def record(
    action: str,
    *,
    request: Any = None,
    actor: Any = None,
    obj: Any = None,
    result: str = "success",
    detail: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one audit record.

    `actor` defaults to the request's user (or the user of its API token); without a request
    and actor the actor is the system (a command or a task). `obj` is a model instance, or a
    string naming what was addressed (such as a path). `detail` is small and never holds secrets.
    """
    if request is None:
        request = current_request.get()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    object_type, object_id, object_repr = _describe(obj)
    row = AuditRecord(
        actor_id=getattr(actor, "audit_id", None),
        actor_kind=_actor_kind(actor, request),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        result=AuditRecord.Result(result).value,
        origin=_origin(request),
        detail=_clean_detail(detail or {}),
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Held to the end of the transaction, so that two appends never link to the same
            # row. SQLite needs no lock: its transactions (IMMEDIATE here) write one at a time.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        previous = AuditRecord.objects.order_by("-id").values_list("hash", flat=True).first()
        row.at = timezone.now()
        row.previous_hash = previous or GENESIS
        row.hash = row.computed_hash()
        row.save()
    return row


def verify_chain() -> AuditRecord | None:
    """The first row whose content was changed or whose predecessor is gone; None if intact.

    Removing rows at the end leaves the chain intact; compare the last hash with one kept
    elsewhere to see that.
    """
    previous = GENESIS
    for row in AuditRecord.objects.order_by("id").iterator(chunk_size=2000):
        if row.previous_hash != previous or row.hash != row.computed_hash():
            return row
        previous = row.hash
    return None


def _actor_kind(actor: Any, request: Any) -> str:
    kind = AuditRecord.ActorKind
    if actor is None:
        return (kind.ANONYMOUS if request is not None else kind.SYSTEM).value
    # django-ninja puts what the authentication returned on `request.auth`; only the API's
    # token authentication sets it (see api/auth.py).
    if request is not None and getattr(request, "auth", None) is not None:
        return kind.TOKEN.value
    return kind.USER.value


def _describe(obj: Any) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    if isinstance(obj, str):
        return "path", obj[:255], ""
    if isinstance(obj, Model):
        meta = obj._meta
        if hasattr(obj, "audit_id"):
            # A person is named by the same pseudonym as an actor, never by name or key.
            return meta.label_lower, str(obj.audit_id), ""
        if any(field.get_internal_type() == "EmailField" for field in meta.fields):
            # Rows that hold someone's e-mail address tend to show their name too.
            return meta.label_lower, str(obj.pk), ""
        return meta.label_lower, str(obj.pk), str(obj)[:200]
    return type(obj).__name__, "", ""


def _origin(request: Any) -> str:
    # REMOTE_ADDR: the visitor's address, also behind a trusted proxy (ClientAddressMiddleware).
    address = getattr(request, "META", {}).get("REMOTE_ADDR", "") if request is not None else ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def _clean_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """The detail as plain JSON that reads back exactly as written (floats become text, since
    PostgreSQL's jsonb may write them differently), without secret-looking keys."""
    kept = {}
    for key, value in detail.items():
        name = str(key).lower()
        if name in _SECRET_KEYS or any(word in name for word in _SECRET_WORDS):
            logger.warning("Audit detail key %r dropped: it may hold a secret.", key)
            continue
        kept[str(key)] = value
    text = json.dumps(kept, default=str, sort_keys=True)
    cleaned: dict[str, Any] = json.loads(text, parse_float=str)
    if len(text) > _DETAIL_MAX_CHARS:
        return {"truncated": text[:_DETAIL_MAX_CHARS]}
    return cleaned
