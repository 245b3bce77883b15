"""Registration (RSVP) for meetings that are open to it, cancelling it, and the attendance list.

    register_for(meeting, name=…, email=…, organisation=…, user=…) -> Registration
    cancel_registration(registration) -> Registration | None (who moved up)

Capacity holds under concurrency: both functions lock the meeting's row (select_for_update)
before counting the registered, so two people cannot take the last place at once; whoever
comes second is put on the waiting list. Cancelling moves the first on the waiting list up.
Each registration carries a secret token: the cancel link, shown on the confirmation page and
sent by e-mail.
"""

import secrets
from typing import Any

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from regioagenda.audit.records import record
from regioagenda.core import exports as tabular
from regioagenda.meetings.forms import RegistrationForm
from regioagenda.meetings.models import Meeting, Registration
from regioagenda.meetings.views import meeting_for


class RegistrationRefused(ValueError):
    """The registration is not accepted; the message says why, in Dutch."""


def _open_for_registration(meeting: Meeting) -> bool:
    return (
        meeting.registration_open
        and meeting.status == Meeting.Status.SCHEDULED
        and (bool(meeting.recurrence) or meeting.end > timezone.now())
    )


def register_for(
    meeting: Meeting, *, name: str, email: str, organisation: str = "", user: Any = None
) -> Registration:
    """Register someone, or put them on the waiting list when the meeting is full."""
    email = email.strip().lower()
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not _open_for_registration(locked):
            raise RegistrationRefused(_("Aanmelden voor deze vergadering kan niet (meer)."))
        existing = locked.registrations.filter(email=email).first()
        if existing is not None and existing.status != Registration.Status.CANCELLED:
            raise RegistrationRefused(
                _("E-mailadres: %(email)s is al aangemeld voor deze vergadering.")
                % {"email": email}
            )
        taken = locked.registrations.filter(status=Registration.Status.REGISTERED).count()
        full = locked.capacity is not None and taken >= locked.capacity
        registration = existing or Registration(meeting=locked, email=email)
        registration.name = name.strip()
        registration.organisation = organisation.strip()
        registration.user = user if getattr(user, "is_authenticated", False) else None
        registration.status = (
            Registration.Status.WAITING if full else Registration.Status.REGISTERED
        )
        registration.attended = False
        registration.token = secrets.token_urlsafe(32)
        registration.save()
        transaction.on_commit(lambda: _send_confirmation(registration))
    return registration


def cancel_registration(registration: Registration) -> Registration | None:
    """Cancel; if that frees a place, the first on the waiting list moves up (returned)."""
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=registration.meeting_id)
        current = Registration.objects.get(pk=registration.pk)
        if current.status == Registration.Status.CANCELLED:
            return None
        freed = current.status == Registration.Status.REGISTERED
        current.status = Registration.Status.CANCELLED
        current.save(update_fields=["status"])
        registration.status = current.status
        if not freed:
            return None
        waiting = (
            Registration.objects.filter(
                meeting_id=registration.meeting_id, status=Registration.Status.WAITING
            )
            .order_by("created_at", "pk")
            .first()
        )
        if waiting is None:
            return None
        waiting.status = Registration.Status.REGISTERED
        waiting.save(update_fields=["status"])
        transaction.on_commit(lambda: _send_moved_up(waiting))
    return waiting


def _cancel_url(registration: Registration) -> str:
    path = reverse("meetings:cancel_registration", kwargs={"token": registration.token})
    return settings.SITE_URL.rstrip("/") + path if getattr(settings, "SITE_URL", "") else path


def _send_confirmation(registration: Registration) -> None:
    meeting = registration.meeting
    if registration.status == Registration.Status.WAITING:
        opening = (
            _("U staat op de wachtlijst voor „%(title)s”.")
            + " "
            + _("Komt er een plaats vrij, dan krijgt u bericht.")
        )
    else:
        opening = _("U bent aangemeld voor „%(title)s”.")
    body = "\n\n".join(
        [
            _("Beste %(name)s,") % {"name": registration.name},
            opening % {"title": meeting.title},
            _("Afmelden kan via deze link: %(url)s") % {"url": _cancel_url(registration)},
        ]
    )
    send_mail(
        _("Aanmelding: %(title)s") % {"title": meeting.title},
        body,
        None,
        [registration.email],
    )


def _send_moved_up(registration: Registration) -> None:
    meeting = registration.meeting
    body = "\n\n".join(
        [
            _("Beste %(name)s,") % {"name": registration.name},
            _("Er is een plaats vrijgekomen: u bent nu aangemeld voor „%(title)s”.")
            % {"title": meeting.title},
            _("Afmelden kan via deze link: %(url)s") % {"url": _cancel_url(registration)},
        ]
    )
    send_mail(
        _("Van de wachtlijst: %(title)s") % {"title": meeting.title},
        body,
        None,
        [registration.email],
    )


# -- pages -------------------------------------------------------------------------------------


def register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk)
    is_open = _open_for_registration(meeting)
    status = 200
    if request.method == "POST" and is_open:
        form = RegistrationForm(request.POST)
        if form.is_valid():
            try:
                registration = register_for(meeting, **form.cleaned_data, user=request.user)
            except RegistrationRefused as refusal:
                form.add_error("email", str(refusal))
            else:
                return render(
                    request,
                    "meetings/registered.html",
                    {
                        "meeting": meeting,
                        "registration": registration,
                        "waiting": registration.status == Registration.Status.WAITING,
                    },
                )
        status = 400
    else:
        initial = {}
        if request.user.is_authenticated:
            full_name = request.user.get_full_name() or request.user.get_username()
            initial = {"name": full_name, "email": request.user.email}
        form = RegistrationForm(initial=initial)
    taken = meeting.registrations.filter(status=Registration.Status.REGISTERED).count()
    full = meeting.capacity is not None and taken >= meeting.capacity
    return render(
        request,
        "meetings/register.html",
        {"meeting": meeting, "form": form, "is_open": is_open, "full": full},
        status=status if is_open else 404 if not meeting.registration_open else 200,
    )


def cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("meeting"), token=token)
    done = registration.status == Registration.Status.CANCELLED
    if request.method == "POST" and not done:
        cancel_registration(registration)
        done = True
    return render(
        request,
        "meetings/cancel.html",
        {"registration": registration, "meeting": registration.meeting, "done": done},
    )


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk)
    if not rules.test_rule("meetings.keep_meeting", request.user, meeting):
        raise PermissionDenied
    registrations = list(
        meeting.registrations.exclude(status=Registration.Status.CANCELLED).order_by(
            "status", "name", "pk"
        )
    )
    if request.GET.get("formaat") == "csv":
        rows = [
            [
                row.name,
                row.email,
                row.organisation,
                row.status,
                "ja" if row.attended else "nee",
                row.created_at.isoformat(),
            ]
            for row in registrations
        ]
        header = ["naam", "e-mailadres", "organisatie", "status", "aanwezig", "aangemeld_op"]
        response = HttpResponse(tabular.write_csv(header, rows), content_type=tabular.CSV)
        name = slugify(meeting.title) or f"vergadering-{meeting.pk}"
        response["Content-Disposition"] = f'attachment; filename="{name}-aanwezigheid.csv"'
        # A list of people: never kept by a shared cache.
        response["Cache-Control"] = "private, no-store"
        record("export", request=request, obj=meeting, detail={"rows": len(rows)})
        return response
    if request.method == "POST":
        present = {int(value) for value in request.POST.getlist("aanwezig") if value.isdigit()}
        with transaction.atomic():
            for row in registrations:
                attended = row.pk in present
                if row.attended != attended:
                    row.attended = attended
                    row.save(update_fields=["attended"])
        messages.success(request, _("De aanwezigheid is opgeslagen."))
        return redirect("meetings:attendance", pk=meeting.pk)
    return render(
        request,
        "meetings/attendance.html",
        {"meeting": meeting, "registrations": registrations},
    )
