"""Moderating events: the queue of pending events with their clashes, and publishing, rejecting
or marking one as "regio-evenement".

An event is moderated by the region's coordinator and the editors of its municipality (an event
outside the region by the coordinator); only the coordinator marks regional events. Every
decision is a POST checked against the version the moderator saw; the organiser gets an e-mail
when the event is published or rejected.
"""

from typing import Any, cast

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from regioagenda.accounts.predicates import roles_of
from regioagenda.core.concurrency import EditConflict, save_with_version_check
from regioagenda.events.clashes import find_clashes
from regioagenda.events.forms import ModerationForm
from regioagenda.events.models import Event
from regioagenda.events.text import clean_description
from regioagenda.regions.current import current_region

PUBLISH = "publiceren"
REJECT = "afwijzen"
REGIONAL = "regio-evenement"


def _events() -> Any:
    return Event.objects.select_related("region", "municipality", "organiser").prefetch_related(
        "categories", "audiences", "themes"
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    region = current_region()
    if not rules.test_rule("events.see_queue", request.user, region):
        raise PermissionDenied
    pending = _events().filter(region=region, moderation=Event.Moderation.PENDING)
    roles = roles_of(request.user)
    if not (roles.administrator or region.pk in roles.coordinator_of):
        pending = pending.filter(municipality_id__in=roles.editor_of)
    rows = [
        {"event": event, "clashes": find_clashes(event)}
        for event in pending.order_by("created_at", "pk")
    ]
    return render(request, "events/moderation_queue.html", {"rows": rows})


@login_required
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(_events().filter(region=current_region()), pk=pk)
    if not rules.test_rule("events.moderate", request.user, event):
        raise PermissionDenied
    may_mark = rules.test_rule("events.mark_regional", request.user, event)
    form = ModerationForm(
        request.POST or None,
        initial={"version": event.version, "regional": event.regional},
    )
    if not may_mark:
        del form.fields["regional"]
    conflict: EditConflict | None = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("handeling")
        data = form.cleaned_data
        changes: dict[str, Any] = {}
        if action == PUBLISH:
            if event.moderation == Event.Moderation.UNCONFIRMED:
                form.add_error(
                    None,
                    _("Het e-mailadres van de organisator is nog niet bevestigd; wacht daarop."),
                )
            else:
                changes = {
                    "moderation": Event.Moderation.PUBLISHED,
                    "moderation_note": data["note"],
                }
        elif action == REJECT:
            if not data["note"].strip():
                form.add_error(
                    "note",
                    _(
                        "Toelichting voor de organisator: schrijf waarom het evenement is "
                        "afgewezen."
                    ),
                )
            else:
                changes = {"moderation": Event.Moderation.REJECTED, "moderation_note": data["note"]}
        elif action == REGIONAL and may_mark:
            changes = {"regional": data.get("regional", False)}
        else:
            form.add_error(None, _("Kies publiceren, afwijzen of regio-evenement."))
        if changes:
            try:
                saved = cast(
                    Event,
                    save_with_version_check(
                        event, expected_version=data["version"], changes=changes
                    ),
                )
            except EditConflict as exc:
                conflict = exc
            else:
                _tell_organiser(saved, action)
                messages.success(request, _message(action, saved))
                if action == REGIONAL:
                    return redirect("events:moderate", pk=event.pk)
                return redirect("events:moderation")
    return render(
        request,
        "events/moderation.html",
        {
            "event": event,
            # Stored sanitised; cleaned again on the way out, as on the public page.
            "description": mark_safe(clean_description(event.description)),  # noqa: S308 — nh3 sanitised  # nosec B308 B703
            "form": form,
            "may_mark": may_mark,
            "clashes": find_clashes(event),
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


def _message(action: str | None, event: Event) -> str:
    if action == PUBLISH:
        return _("‘%(title)s’ is gepubliceerd.") % {"title": event.title}
    if action == REJECT:
        return _("‘%(title)s’ is afgewezen; de organisator krijgt bericht.") % {
            "title": event.title
        }
    if event.regional:
        return _("‘%(title)s’ is nu een regio-evenement.") % {"title": event.title}
    return _("‘%(title)s’ is geen regio-evenement meer.") % {"title": event.title}


def _tell_organiser(event: Event, action: str | None) -> None:
    base = settings.SITE_URL.rstrip("/")
    if action == PUBLISH:
        subject = _("Uw evenement staat in de Regio-agenda")
        body = _(
            "Beste %(name)s,\n\n‘%(title)s’ is beoordeeld en staat nu in de Regio-agenda:\n"
            "%(url)s\n"
        ) % {
            "name": event.organiser_name,
            "title": event.title,
            "url": base + event.get_absolute_url(),
        }
    elif action == REJECT:
        subject = _("Uw evenement is niet opgenomen in de Regio-agenda")
        body = _(
            "Beste %(name)s,\n\n‘%(title)s’ is beoordeeld en niet opgenomen in de Regio-agenda. "
            "De redactie schrijft:\n\n%(note)s\n"
        ) % {"name": event.organiser_name, "title": event.title, "note": event.moderation_note}
    else:
        return
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [event.organiser_email])
