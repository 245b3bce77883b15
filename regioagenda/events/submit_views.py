"""Organisers' pages: submit an event, confirm the e-mail address, edit one's own event.

Every write goes through `events.submission`. Clashes with other events are shown as a warning
after submitting and on the edit page, never as a refusal.
"""

from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from regioagenda.core.concurrency import EditConflict
from regioagenda.events import submission
from regioagenda.events.clashes import find_clashes
from regioagenda.events.forms import EventForm
from regioagenda.events.models import Event
from regioagenda.regions.current import current_region

SUBMITTED_KEY = "events_submitted"


def submit(request: HttpRequest) -> HttpResponse:
    region = current_region()
    user = request.user if request.user.is_authenticated else None
    initial = {}
    if user is not None:
        initial = {"organiser_name": user.get_full_name(), "organiser_email": user.email}
    form = EventForm(request.POST or None, request.FILES or None, region=region, initial=initial)
    status = 200
    if request.method == "POST":
        guards = [
            submission.stamp_problem(request.POST.get(submission.FORM_STAMP, "")),
            submission.honeypot_problem(request.POST.get(submission.HONEYPOT, "")),
        ]
        valid = form.is_valid()
        for problem in filter(None, guards):
            form.add_error(None, problem)
        if valid and not any(guards):
            try:
                event = submission.submit_event(
                    region,
                    form.values(),
                    user=user,
                    address=submission.client_address(request),
                )
            except ValidationError as error:
                _add_errors(form, error)
            except submission.TooManySubmissions as refusal:
                form.add_error(None, refusal.message)
                status = 429
            else:
                request.session[SUBMITTED_KEY] = event.pk
                return redirect("events:submitted")
    return render(
        request,
        "events/submit.html",
        {
            "form": form,
            "stamp": submission.form_stamp(),
            "stamp_name": submission.FORM_STAMP,
            "honeypot_name": submission.HONEYPOT,
        },
        status=status,
    )


def submitted(request: HttpRequest) -> HttpResponse:
    """What happens next, and the events the new one clashes with."""
    pk = request.session.get(SUBMITTED_KEY)
    event = Event.objects.filter(pk=pk, region=current_region()).first() if pk else None
    if event is None:
        return redirect("events:submit")
    return render(
        request,
        "events/submit_done.html",
        {"event": event, "clashes": find_clashes(event, published_only=True)},
    )


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the e-mail; confirming takes a button press (POST), so a mail scanner that
    opens the link confirms nothing."""
    event = get_object_or_404(Event, token=token)
    if request.method == "POST":
        submission.confirm_event(token)
        messages.success(
            request, _("Uw e-mailadres is bevestigd. De redactie beoordeelt nu het evenement.")
        )
        return redirect("events:confirm", token=token)
    return render(request, "events/submit_confirm.html", {"event": event})


def edit_by_token(request: HttpRequest, token: str) -> HttpResponse:
    """Editing with the secret link from the e-mail (organisers without an account)."""
    event = get_object_or_404(_events(), token=token)
    return _edit(request, event, user=None)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(_events().filter(region=current_region()), pk=pk)
    if not rules.test_rule("events.edit", request.user, event):
        raise PermissionDenied
    return _edit(request, event, user=request.user)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    events = Event.objects.filter(organiser_id=request.user.pk).order_by("-start")
    return render(request, "events/edit_mine.html", {"events": events})


def _events() -> Any:
    return Event.objects.select_related("region", "municipality").prefetch_related(
        "categories", "audiences", "themes"
    )


def _edit(request: HttpRequest, event: Event, *, user: Any) -> HttpResponse:
    form = EventForm(request.POST or None, request.FILES or None, region=event.region, event=event)
    conflict: EditConflict | None = None
    conflict_rows: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            event, sent_back = submission.update_event(
                event,
                form.values(),
                user=user,
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as exc:
            conflict = exc
            conflict_rows = _conflict_rows(exc, form)
            status = 409
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if sent_back:
                messages.warning(
                    request,
                    _(
                        "De wijzigingen zijn opgeslagen. Omdat ze wezenlijk zijn, beoordeelt "
                        "de redactie het evenement opnieuw; tot dan staat het niet in de "
                        "agenda."
                    ),
                )
            else:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
            return redirect(request.path)
    return render(
        request,
        "events/edit.html",
        {
            "event": event,
            "form": form,
            "clashes": find_clashes(event, published_only=True),
            "conflict": conflict,
            "conflict_rows": conflict_rows,
        },
        status=status,
    )


def _conflict_rows(conflict: EditConflict, form: EventForm) -> list[dict[str, Any]]:
    submitted = form.values()
    rows = []
    for name in conflict.changed_fields:
        if name in ("sequence", "moderation", "image", "image_format"):
            continue
        rows.append(
            {
                "label": getattr(Event._meta.get_field(name), "verbose_name", name),
                "stored": getattr(conflict.current, name),
                "submitted": submitted.get(name),
            }
        )
    return rows


def _add_errors(form: EventForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        form.add_submission_errors(error.message_dict)
    else:
        form.add_error(None, error.messages)
