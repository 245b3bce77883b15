"""Delete or anonymise personal data whose retention period (see inventory.py) has passed.

`apply_retention()` runs nightly (`manage.py apply_retention`, or the `apply_retention_task`
task). Rows that others rely on stay and lose only their personal values: a meeting keeps its
number of registrations, a published event its organiser's name. The change history
(django-auditlog) repeats the values it saw, so it is scrubbed of the same fields. The security
audit log (regioagenda.audit) is never touched: its rows name people by pseudonym only.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import CharField, Max, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from regioagenda.core.recurrence import last_end
from regioagenda.events.models import Event
from regioagenda.initiatives.models import Initiative, InitiativeStatus
from regioagenda.meetings.models import Invitation, Meeting, Registration
from regioagenda.privacy import inventory

# What an erased name becomes; e-mail addresses become empty, or unique and undeliverable
# where the model requires one per meeting.
ERASED = "[verwijderd]"
ERASED_EMAIL_DOMAIN = "verwijderd.invalid"

# Initiatives that have reached one of these have had their answer.
FINISHED_INITIATIVES = (
    InitiativeStatus.ANSWERED,
    InitiativeStatus.ON_AGENDA,
    InitiativeStatus.CLOSED,
    InitiativeStatus.REJECTED,
)


def apply_retention(now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove what has expired at `now`; returns how many rows each step deleted or changed."""
    now = now or timezone.now()
    with transaction.atomic():
        return {
            "events.unconfirmed_deleted": _delete_events(
                Event.objects.filter(
                    moderation=Event.Moderation.UNCONFIRMED,
                    created_at__lt=now - inventory.UNCONFIRMED_EVENT,
                )
            ),
            # No rejection date is stored: the last change of a rejected event is its rejection,
            # since an organiser's edit sends it back to moderation.
            "events.rejected_deleted": _delete_events(
                Event.objects.filter(
                    moderation=Event.Moderation.REJECTED,
                    updated_at__lt=now - inventory.REJECTED_EVENT,
                )
            ),
            "events.contact_erased": _erase_event_contacts(now),
            "meetings.registrations_anonymised": _anonymise_registrations(now),
            "meetings.invitations_anonymised": _anonymise_invitations(now),
            "initiatives.contact_erased": _erase_initiative_contacts(now),
            "axes.records_deleted": _delete_login_records(now - inventory.LOGIN_RECORDS),
            "auditlog.addresses_erased": LogEntry.objects.filter(
                timestamp__lt=now - inventory.CHANGE_HISTORY_ADDRESS, remote_addr__isnull=False
            ).update(remote_addr=None),
            "admin.entries_deleted": AdminLogEntry.objects.filter(
                action_time__lt=now - inventory.ADMIN_LOG
            ).delete()[0],
            "sessions.deleted": Session.objects.filter(expire_date__lt=now).delete()[0],
        }


def ended_before(items: Iterable[Any], moment: datetime.datetime) -> list[int]:
    """The keys of the events or meetings whose last occurrence ended before `moment`; an
    endless series never ends."""
    found = []
    for item in items:
        end = last_end(item.start, item.end, item.recurrence) if item.recurrence else item.end
        if end is not None and end < moment:
            found.append(item.pk)
    return found


def scrub_history(
    model: type[models.Model], pks: Iterable[Any], fields: Iterable[str], *, name_in_repr: bool
) -> int:
    """Overwrite `fields` in the change history of these rows; with `name_in_repr`, also the
    rows' names as the history shows them (their __str__ is a person's name)."""
    keys = [str(pk) for pk in pks]
    if not keys:
        return 0
    fields = list(fields)
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    changed = 0
    for entry in LogEntry.objects.filter(content_type=content_type, object_pk__in=keys):
        update: dict[str, Any] = {}
        if isinstance(entry.changes, dict) and any(name in entry.changes for name in fields):
            update["changes"] = {
                name: ([ERASED, ERASED] if name in fields else values)
                for name, values in entry.changes.items()
            }
        if entry.changes_text and any(name in entry.changes_text for name in fields):
            update["changes_text"] = ""
        data = entry.serialized_data
        data_fields = data.get("fields") if isinstance(data, dict) else None
        if isinstance(data_fields, dict) and any(name in data_fields for name in fields):
            update["serialized_data"] = {
                **data,
                "fields": {
                    name: (ERASED if name in fields else value)
                    for name, value in data_fields.items()
                },
            }
        if name_in_repr and entry.object_repr != ERASED:
            update["object_repr"] = ERASED
        if update:
            # update() rather than save(): the log entry is history, not a change to record.
            LogEntry.objects.filter(pk=entry.pk).update(**update)
            changed += 1
    return changed


EVENT_CONTACT_FIELDS = ["organiser_name", "organiser_email", "organiser"]


def _delete_events(events: models.QuerySet[Event]) -> int:
    pks = list(events.values_list("pk", flat=True))
    if not pks:
        return 0
    for event in Event.objects.filter(pk__in=pks).exclude(image=""):
        event.image.delete(save=False)
    deleted = Event.objects.filter(pk__in=pks).delete()[1].get(Event._meta.label, 0)
    # Deleting wrote one more history entry per event, with the values it had.
    scrub_history(Event, pks, [*EVENT_CONTACT_FIELDS, "address"], name_in_repr=False)
    return deleted


def _erase_event_contacts(now: datetime.datetime) -> int:
    moment = now - inventory.EVENT_CONTACT_AFTER_END
    candidates = Event.objects.filter(end__lt=moment).exclude(organiser_email="")
    pks = ended_before(candidates.only("pk", "start", "end", "recurrence"), moment)
    if not pks:
        return 0
    # The organiser's account stays linked (it lasts as long as the account); the name stays
    # public with the event.
    changed = Event.objects.filter(pk__in=pks).update(organiser_email="")
    scrub_history(Event, pks, ["organiser_email"], name_in_repr=False)
    return changed


def _meetings_ended_before(moment: datetime.datetime) -> list[int]:
    return ended_before(
        Meeting.objects.filter(end__lt=moment).only("pk", "start", "end", "recurrence"), moment
    )


REGISTRATION_FIELDS = ["name", "email", "organisation", "user"]


def anonymise_registrations(registrations: models.QuerySet[Registration]) -> int:
    """Blank the person in these registrations; the rows (and so the counts) stay."""
    pks = list(registrations.exclude(name=ERASED).values_list("pk", flat=True))
    if not pks:
        return 0
    changed = Registration.objects.filter(pk__in=pks).update(
        name=ERASED,
        # One registration per address and meeting: the placeholder must differ per row.
        email=Concat(
            Value("registratie-"),
            Cast("pk", output_field=CharField()),
            Value(f"@{ERASED_EMAIL_DOMAIN}"),
            output_field=CharField(),
        ),
        organisation="",
        user=None,
    )
    scrub_history(Registration, pks, REGISTRATION_FIELDS, name_in_repr=True)
    return changed


INVITATION_FIELDS = ["name", "email", "organisation"]


def anonymise_invitations(invitations: models.QuerySet[Invitation]) -> int:
    """Blank the invited person; an invitation of a body as a whole holds no person."""
    pks = list(
        invitations.filter(body__isnull=True).exclude(name=ERASED).values_list("pk", flat=True)
    )
    if not pks:
        return 0
    changed = Invitation.objects.filter(pk__in=pks).update(name=ERASED, email="", organisation="")
    scrub_history(Invitation, pks, INVITATION_FIELDS, name_in_repr=True)
    return changed


def _anonymise_registrations(now: datetime.datetime) -> int:
    meetings = _meetings_ended_before(now - inventory.MEETING_CONTACT_AFTER_END)
    return anonymise_registrations(Registration.objects.filter(meeting__in=meetings))


def _anonymise_invitations(now: datetime.datetime) -> int:
    meetings = _meetings_ended_before(now - inventory.MEETING_CONTACT_AFTER_END)
    return anonymise_invitations(Invitation.objects.filter(meeting__in=meetings))


def _erase_initiative_contacts(now: datetime.datetime) -> int:
    finished = (
        Initiative.objects.filter(status__in=FINISHED_INITIATIVES)
        .annotate(finished_at=Coalesce(Max("events__recorded_at"), "submitted_at"))
        .filter(finished_at__lt=now - inventory.INITIATIVE_CONTACT_AFTER_CLOSING)
    )
    public = list(finished.exclude(status=InitiativeStatus.REJECTED).exclude(submitter_email=""))
    rejected = list(
        finished.filter(status=InitiativeStatus.REJECTED).exclude(
            Q(submitter_email="") & Q(submitter_name=ERASED)
        )
    )
    # A published initiative keeps its submitter's name, as published; an unpublished one
    # keeps nobody's.
    changed = Initiative.objects.filter(pk__in=[i.pk for i in public]).update(submitter_email="")
    changed += Initiative.objects.filter(pk__in=[i.pk for i in rejected]).update(
        submitter_email="", submitter_name=ERASED, organisation=""
    )
    scrub_history(
        Initiative,
        [i.pk for i in rejected],
        ["submitter_name", "organisation"],
        name_in_repr=False,
    )
    return changed


def _delete_login_records(moment: datetime.datetime) -> int:
    return sum(
        model.objects.filter(attempt_time__lt=moment).delete()[1].get(model._meta.label, 0)
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    )
