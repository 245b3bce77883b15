"""A person's right of access and right to erasure (AVG art. 15, 17 and 20).

`export_person` gathers everything the inventory holds about a person, as JSON; `erase_person`
removes it. A person is an account, or only an e-mail address (a resident who registered for a
meeting or submitted an event without an account). Rows are found through the inventory's
`finds_person` marks: a link to the account, the e-mail address, the username or the pseudonym.

Erasure keeps rows that others rely on (a progress update, a meeting's number of registrations)
and removes the person from them. The account itself stays, deactivated and nameless, so that
links from what they did still resolve; it gets a new `audit_id`, so the security audit log,
which is never changed, keeps the old pseudonym that no longer points to anyone.
"""

import json
import secrets
import uuid
from collections import defaultdict
from typing import Any

from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django_otp import devices_for_user

from regioagenda.accounts.models import ApiToken, User
from regioagenda.audit.records import record
from regioagenda.core.page_cache import bump_generation
from regioagenda.events.models import Event
from regioagenda.initiatives.models import Initiative
from regioagenda.meetings.models import Invitation, Registration
from regioagenda.privacy import inventory
from regioagenda.privacy.retention import (
    ERASED,
    EVENT_CONTACT_FIELDS,
    anonymise_invitations,
    anonymise_registrations,
    scrub_history,
)
from regioagenda.proposals.models import DigestSubscription

EXPORT_FORMAT = "regio-agenda/persoonsgegevens/1"

# Values an export never shows: secrets, and what others' rows say (a change someone made
# repeats the data of whoever they changed).
LEFT_OUT_OF_EXPORT = {
    "*": {"password", "token", "key", "key_hash", "session_data", "post_data", "get_data"},
    "auditlog.LogEntry": {
        "changes",
        "changes_text",
        "serialized_data",
        "object_repr",
        "additional_data",
        "description",
    },
    "admin.LogEntry": {"object_repr", "change_message", "description"},
    # The account and its roles have sections of their own.
    "accounts.User": {"*"},
    "accounts.Membership": {"*"},
}

USER_HISTORY_FIELDS = ["username", "first_name", "last_name", "email", "audit_id"]


def export_person(person: User | str) -> dict[str, Any]:
    """Everything held about `person` (an account or an e-mail address), JSON-serialisable."""
    user, email = _who(person)
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "account": None,
        "memberships": [],
        "rows": {},
    }
    if user is not None:
        data["account"] = {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": user.is_active,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "audit_id": str(user.audit_id),
        }
        data["memberships"] = [
            {"role": membership.role, "scope": str(membership.scope or "")}
            for membership in user.memberships.select_related(
                "municipality", "region", "organisation"
            )
        ]
    for label, rows in _rows_of(user, email).items():
        left_out = LEFT_OUT_OF_EXPORT["*"] | LEFT_OUT_OF_EXPORT.get(label, set())
        if "*" in left_out:
            continue
        data["rows"][label] = [_serialise(row, left_out) for row in rows]
    record("person.exported", obj=user, detail={"rows": _counts(data["rows"])})
    return _plain(data)


@transaction.atomic
def erase_person(person: User | str) -> dict[str, int]:
    """Remove `person` (an account or an e-mail address) from everything the inventory holds;
    returns how many rows each step changed or deleted."""
    user, email = _who(person)
    by_email = _matching_email(email)
    counts: dict[str, int] = {}

    registrations = Registration.objects.filter(by_email("email"))
    if user is not None:
        registrations |= Registration.objects.filter(user=user)
    counts["meetings.Registration"] = anonymise_registrations(registrations)
    counts["meetings.Invitation"] = anonymise_invitations(
        Invitation.objects.filter(by_email("email"))
    )

    events = Event.objects.filter(by_email("organiser_email"))
    if user is not None:
        events |= Event.objects.filter(organiser=user)
    event_pks = list(events.values_list("pk", flat=True))
    counts["events.Event"] = Event.objects.filter(pk__in=event_pks).update(
        organiser_name=ERASED, organiser_email="", organiser=None
    )
    scrub_history(Event, event_pks, EVENT_CONTACT_FIELDS, name_in_repr=False)

    initiatives = list(
        Initiative.objects.filter(by_email("submitter_email")).values_list("pk", flat=True)
    )
    counts["initiatives.Initiative"] = Initiative.objects.filter(pk__in=initiatives).update(
        submitter_name=ERASED, submitter_email="", organisation=""
    )
    scrub_history(Initiative, initiatives, ["submitter_name", "organisation"], name_in_repr=False)

    if user is not None:
        counts.update(_erase_account(user))
    bump_generation()  # the updates above send no signals; public pages show organiser names
    record("person.erased", obj=user, detail={"rows": counts})
    return counts


def _erase_account(user: User) -> dict[str, int]:
    counts = {
        "axes": sum(
            model.objects.filter(username=user.username).delete()[1].get(model._meta.label, 0)
            for model in (AccessAttempt, AccessLog, AccessFailureLog)
        ),
        "auditlog.LogEntry": LogEntry.objects.filter(actor=user).update(
            actor_email="", remote_addr=None
        ),
        "sessions.Session": _delete_sessions(user),
        "otp.devices": 0,
        "accounts.ApiToken": ApiToken.objects.filter(user=user).delete()[0],
        "proposals.DigestSubscription": DigestSubscription.objects.filter(user=user).delete()[0],
        "accounts.Membership": user.memberships.all().delete()[0],
    }
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        counts["otp.devices"] += 1

    user.username = f"verwijderd-{secrets.token_hex(6)}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.audit_id = uuid.uuid4()
    user.save()
    # The save wrote a history entry from the old values to the new: the old name and the old
    # pseudonym side by side. Scrub it with the earlier ones.
    scrub_history(User, [user.pk], USER_HISTORY_FIELDS, name_in_repr=True)
    # The admin's own log names the account as it was called when it was changed there.
    AdminLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=ERASED)
    counts["accounts.User"] = 1
    return counts


def _delete_sessions(user: User) -> int:
    mine = [
        session.pk
        for session in Session.objects.filter(expire_date__gte=timezone.now())
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    return Session.objects.filter(pk__in=mine).delete()[0]


def _who(person: User | str) -> tuple[User | None, str]:
    if isinstance(person, User):
        return person, person.email.strip()
    return None, person.strip()


def _matching_email(email: str) -> Any:
    def matching(field: str) -> Q:
        # An empty address matches nobody (many rows have none).
        return Q(**{f"{field}__iexact": email}) if email else Q(pk__in=[])

    return matching


def _rows_of(user: User | None, email: str) -> dict[str, list[models.Model]]:
    """The rows that belong to the person, per model, found through the inventory."""
    conditions: dict[str, Q] = defaultdict(lambda: Q(pk__in=[]))
    for entry in inventory.INVENTORY:
        if entry.finds_person == "account" and user is not None:
            conditions[entry.model] |= Q(**{entry.field: user})
        elif entry.finds_person == "email" and email:
            conditions[entry.model] |= Q(**{f"{entry.field}__iexact": email})
        elif entry.finds_person == "username" and user is not None:
            conditions[entry.model] |= Q(**{entry.field: user.username})
        elif entry.finds_person == "pseudonym" and user is not None:
            conditions[entry.model] |= Q(**{entry.field: user.audit_id})
    found = {}
    for label, condition in sorted(conditions.items()):
        model = apps.get_model(label)
        rows = list(model._default_manager.filter(condition).order_by("pk"))
        if rows:
            found[label] = rows
    return found


def _serialise(row: models.Model, left_out: set[str]) -> dict[str, Any]:
    values: dict[str, Any] = {"id": row.pk}
    if "description" not in left_out:
        values["description"] = str(row)
    for field in row._meta.concrete_fields:
        if field.name in left_out:
            continue
        value = field.value_from_object(row)
        values[field.name] = value.name if isinstance(value, FieldFile) else value
    return values


def _counts(rows: dict[str, list[Any]]) -> dict[str, int]:
    return {label: len(items) for label, items in rows.items()}


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """The data as plain JSON types (dates as ISO 8601, decimals and UUIDs as text)."""
    plain: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return plain
