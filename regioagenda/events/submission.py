"""Submitting and editing an event: the one write path for the site's form and the API.

`submit_event` checks and stores a new event; `update_event` applies an organiser's edit. Both
raise ValidationError with a dict {model field name: [Dutch message]} on bad input and store
nothing then.

- The end may not lie before the start; the municipality must belong to the region, or the
  venue lies outside the region and `place_outside_region` names the place (allowed, flagged by
  `Event.outside_region`).
- The description is organisers' HTML, cleaned by `clean_description` (only safe formatting).
- An image is checked by its content with Pillow: JPEG, PNG or WebP only, at most
  `EVENTS_IMAGE_MAX_BYTES` bytes (5 MB) and `EVENTS_IMAGE_MAX_PIXELS` pixels (no decompression
  bombs); an image needs a text alternative.
- A recurrence is an RFC 5545 RRULE (core/recurrence.parse_rule).
- Without an account the event waits, UNCONFIRMED, until the organiser follows the link in the
  e-mail we send; with an account it waits for moderation (PENDING) directly. An anonymous
  address may submit `PER_HOUR` events an hour (TooManySubmissions otherwise).
- A substantial change (when, where, what, the status, the description's words) of a published
  event sends it back to moderation; every change bumps the iCalendar `sequence`.

The public form's guards (form stamp, honeypot) are the views' job; `check_form_guards=True`
makes `submit_event` check them too, from `values[FORM_STAMP]` and `values[HONEYPOT]`.
"""

import contextlib
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from regioagenda.core import scanning
from regioagenda.core.concurrency import save_with_version_check
from regioagenda.core.recurrence import parse_rule
from regioagenda.events.models import Event
from regioagenda.events.text import changed_substantially, clean_description
from regioagenda.initiatives.submission import (
    FORM_STAMP,
    HONEYPOT,
    TooManySubmissions,
    client_address,
    form_stamp,
    honeypot_problem,
    stamp_problem,
)
from regioagenda.regions.models import Region

__all__ = [
    "FORM_STAMP",
    "HONEYPOT",
    "TooManySubmissions",
    "check_image",
    "client_address",
    "confirm_event",
    "form_stamp",
    "rate_problem",
    "submit_event",
    "update_event",
]

PER_HOUR = 5
DESCRIPTION_LIMIT = 10_000
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

# Fields an organiser sets (the API and the form use these names).
SCALAR_FIELDS = (
    "title",
    "description",
    "start",
    "end",
    "all_day",
    "recurrence",
    "venue",
    "address",
    "municipality",
    "place_outside_region",
    "organiser_name",
    "organiser_email",
    "expected_visitors",
    "accessibility",
    "url",
    "status",
    "image_alt",
)
MANY_FIELDS = ("categories", "audiences", "themes")
# A change in one of these sends a published event back to moderation (and the description
# when its words change).
SUBSTANTIAL_FIELDS = ("start", "end", "venue", "municipality", "title", "status", "recurrence")


def per_hour() -> int:
    return int(getattr(settings, "EVENTS_PER_HOUR", PER_HOUR))


def image_max_bytes() -> int:
    return int(getattr(settings, "EVENTS_IMAGE_MAX_BYTES", 5 * 1024 * 1024))


def image_max_pixels() -> int:
    limit = int(getattr(settings, "EVENTS_IMAGE_MAX_PIXELS", 40_000_000))
    return min(limit, Image.MAX_IMAGE_PIXELS or limit)


# Rate limit per address, counted in Django's cache (like initiatives, own key and message).
def _rate_key(address: str) -> str:
    return f"events:submissions:{address}"


def rate_problem(address: str) -> str:
    if cache.get(_rate_key(address), 0) >= per_hour():
        return _(
            "Vanaf dit adres zijn het afgelopen uur al %(limit)s evenementen aangemeld. "
            "Probeer het later opnieuw."
        ) % {"limit": per_hour()}
    return ""


def _count_submission(address: str) -> None:
    key = _rate_key(address)
    if cache.add(key, 1, timeout=60 * 60):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=60 * 60)


def check_image(upload: Any) -> str:
    """The image's format as a file extension (jpg, png, webp); ValidationError on field
    "image" when the upload is too large, not an image, of another format or a bomb."""
    size = getattr(upload, "size", None)
    limit = image_max_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            {
                "image": [
                    _("Afbeelding: het bestand is te groot (%(size)s MB). Hoogstens %(limit)s MB.")
                    % {"size": round(size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)}
                ]
            }
        )
    not_an_image = _(
        "Afbeelding: dit bestand is geen afbeelding die we kunnen tonen. "
        "Kies een JPEG-, PNG- of WebP-bestand."
    )
    too_many_pixels = _(
        "Afbeelding: de afbeelding is te groot (te veel beeldpunten). Verklein haar eerst."
    )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format or ""
            width, height = image.size
            if width * height > image_max_pixels():
                raise ValidationError({"image": [too_many_pixels]})
            image.verify()
    except Image.DecompressionBombError as error:
        raise ValidationError({"image": [too_many_pixels]}) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError({"image": [not_an_image]}) from error
    finally:
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)
    if fmt not in IMAGE_FORMATS:
        raise ValidationError({"image": [not_an_image]})
    upload.seek(0)
    if reason := scanning.refusal(upload, name=getattr(upload, "name", "") or _("afbeelding")):
        raise ValidationError({"image": [_("Afbeelding: %(reason)s") % {"reason": reason}]})
    return IMAGE_FORMATS[fmt]


def _label(name: str) -> str:
    return str(getattr(Event._meta.get_field(name), "verbose_name", name))


def _add(problems: dict[str, list[str]], name: str, message: str) -> None:
    problems.setdefault(name, []).append(message)


def _clean(region: Region, values: dict[str, Any]) -> dict[str, Any]:
    """The organiser's values checked and normalised (scalar fields only); raises
    ValidationError per field."""
    problems: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = values.get(name)
        if isinstance(value, str):
            value = value.strip()
        cleaned[name] = value
    for name in ("title", "venue", "organiser_name", "organiser_email"):
        if not cleaned[name]:
            label = _label(name)
            _add(problems, name, _("Vul %(field)s in.") % {"field": label})
    for name in (
        "description",
        "recurrence",
        "address",
        "place_outside_region",
        "accessibility",
        "url",
        "image_alt",
    ):
        cleaned[name] = cleaned[name] or ""
    cleaned["all_day"] = bool(cleaned["all_day"])
    cleaned["status"] = cleaned["status"] or Event.Status.SCHEDULED

    start, end = cleaned["start"], cleaned["end"]
    if start is None:
        _add(problems, "start", _("Begin: vul een datum en tijd in."))
    if end is None:
        _add(problems, "end", _("Einde: vul een datum en tijd in."))
    if start is not None and end is not None and end < start:
        _add(problems, "end", _("Einde: het einde ligt voor het begin. Kies een later einde."))

    municipality = cleaned["municipality"]
    if municipality is not None:
        if municipality.region_id != region.pk:
            _add(
                problems,
                "municipality",
                _(
                    "Gemeente: %(name)s hoort niet bij deze regio. Kies een gemeente van de "
                    "regio, of laat de gemeente leeg en vul de plaats buiten de regio in."
                )
                % {"name": municipality.name},
            )
        cleaned["place_outside_region"] = ""
    elif not cleaned["place_outside_region"]:
        _add(
            problems,
            "municipality",
            _(
                "Gemeente: kies de gemeente van de locatie, of vul de plaats in als de "
                "locatie buiten de regio ligt."
            ),
        )

    if len(cleaned["description"]) > DESCRIPTION_LIMIT:
        _add(
            problems,
            "description",
            _("Omschrijving: hoogstens %(limit)s tekens.") % {"limit": DESCRIPTION_LIMIT},
        )
    cleaned["description"] = clean_description(cleaned["description"])

    if cleaned["recurrence"] and start is not None:
        try:
            parse_rule(cleaned["recurrence"], start)
        except ValidationError as error:
            _add(problems, "recurrence", _("Herhaling: %(why)s") % {"why": error.messages[0]})
        else:
            rule = cleaned["recurrence"]
            cleaned["recurrence"] = (
                rule[len("RRULE:") :] if rule.upper().startswith("RRULE:") else rule
            )

    visitors = cleaned["expected_visitors"]
    if visitors is not None and (not isinstance(visitors, int) or visitors < 0):
        _add(
            problems,
            "expected_visitors",
            _("Verwachte bezoekers: vul een heel getal van 0 of meer in."),
        )
    if cleaned["status"] not in Event.Status.values:
        _add(problems, "status", _("Status: kies gepland, afgelast, uitgesteld of verplaatst."))

    for name in MANY_FIELDS:
        for item in values.get(name) or []:
            if getattr(item, "region_id", region.pk) != region.pk:
                label = _label(name)
                _add(
                    problems,
                    name,
                    _("%(field)s: %(item)s hoort bij een andere regio.")
                    % {"field": label.capitalize(), "item": item},
                )
    if problems:
        raise ValidationError(problems)
    return cleaned


def _check_image_values(values: dict[str, Any], *, has_image: bool) -> str | None:
    """The checked format of a new image (or None), and a text alternative when there is one."""
    upload = values.get("image")
    image_format = check_image(upload) if upload else None
    if (upload or (has_image and upload is not False)) and not (
        values.get("image_alt") or ""
    ).strip():
        raise ValidationError(
            {
                "image_alt": [
                    _(
                        "Tekstalternatief van de afbeelding: beschrijf kort wat er op de "
                        "afbeelding staat, voor wie haar niet kan zien."
                    )
                ]
            }
        )
    return image_format


def _model_errors(error: ValidationError) -> ValidationError:
    """Constraint errors (NON_FIELD_ERRORS) put on the field they are about."""
    if not hasattr(error, "error_dict"):
        return ValidationError({"__all__": error.messages})
    return error


def confirmation_links(event: Event) -> tuple[str, str]:
    base = settings.SITE_URL.rstrip("/")
    return (
        base + reverse("events:confirm", kwargs={"token": event.token}),
        base + reverse("events:edit_by_token", kwargs={"token": event.token}),
    )


def send_confirmation(event: Event) -> None:
    confirm, edit = confirmation_links(event)
    body = _(
        "Beste %(name)s,\n\n"
        "U heeft het evenement ‘%(title)s’ aangemeld bij de Regio-agenda. Bevestig uw "
        "e-mailadres met deze link; daarna beoordeelt de redactie het evenement:\n\n"
        "%(confirm)s\n\n"
        "Met deze link kunt u het evenement later wijzigen (bewaar hem goed, deel hem niet):\n\n"
        "%(edit)s\n\n"
        "Heeft u niets aangemeld? Dan kunt u dit bericht negeren.\n"
    ) % {"name": event.organiser_name, "title": event.title, "confirm": confirm, "edit": edit}
    send_mail(
        _("Bevestig de aanmelding van uw evenement"),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [event.organiser_email],
    )


def submit_event(
    region: Region,
    values: dict[str, Any],
    *,
    user: Any = None,
    address: str,
    check_form_guards: bool = False,
) -> Event:
    """Check and store a new event from an organiser.

    With an account (`user` authenticated) the event waits for moderation (PENDING) and belongs
    to the user; without one it is UNCONFIRMED and we e-mail the confirmation link. Raises
    ValidationError (per model field) on bad input and TooManySubmissions when an anonymous
    address has reached its hourly limit; nothing is stored then.
    """
    if check_form_guards:
        guard = honeypot_problem(values.get(HONEYPOT) or "") or stamp_problem(
            values.get(FORM_STAMP) or ""
        )
        if guard:
            raise ValidationError({"__all__": [guard]})
    with_account = user is not None and getattr(user, "is_authenticated", False)
    values = dict(values)
    if with_account and not (values.get("organiser_email") or "").strip():
        values["organiser_email"] = user.email
    cleaned = _clean(region, values)
    image_format = _check_image_values(values, has_image=False)
    if not with_account:
        limit = rate_problem(address)
        if limit:
            raise TooManySubmissions(limit)
    event = Event(
        region=region,
        token=secrets.token_urlsafe(32),
        moderation=Event.Moderation.PENDING if with_account else Event.Moderation.UNCONFIRMED,
        organiser=user if with_account else None,
        **cleaned,
    )
    if image_format:
        event.image = values["image"]
        event.image_format = image_format
    else:
        event.image_alt = ""
    try:
        event.full_clean(exclude=["image"])
    except ValidationError as error:
        raise _model_errors(error) from error
    with transaction.atomic():
        event.save()
        for name in MANY_FIELDS:
            items = values.get(name) or []
            if items:
                getattr(event, name).set(items)
    if not with_account:
        _count_submission(address)
        send_confirmation(event)
    return event


def confirm_event(token: str) -> Event | None:
    """The event of `token`, moved from UNCONFIRMED to PENDING; None for an unknown token."""
    if not token:
        return None
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(token=token).first()
        if event is None:
            return None
        if event.moderation == Event.Moderation.UNCONFIRMED:
            event.moderation = Event.Moderation.PENDING
            event.version += 1
            event.save(update_fields=["moderation", "version", "updated_at"])
    return event


def _ids(items: Any) -> set[int]:
    return {item.pk for item in items}


def update_event(
    event: Event, values: dict[str, Any], *, user: Any, expected_version: int
) -> tuple[Event, bool]:
    """Apply an organiser's edit; returns the stored event and whether it went back to
    moderation.

    `values` has the same keys as for `submit_event`; a missing key keeps the current value,
    `image=None` keeps the current image and `image=False` removes it. Raises ValidationError
    (per model field) on bad input and core.concurrency.EditConflict when someone saved the
    event after `expected_version`; nothing is stored then. Who may edit is the caller's check.
    """
    merged: dict[str, Any] = {name: getattr(event, name) for name in SCALAR_FIELDS}
    merged.update({name: values[name] for name in SCALAR_FIELDS if name in values})
    # A stored image (FieldFile) handed back unchanged is no new upload.
    image = values.get("image")
    merged["image"] = None if isinstance(image, FieldFile) else image
    cleaned = _clean(event.region, merged)
    image_format = _check_image_values(merged, has_image=bool(event.image))

    changes: dict[str, Any] = {
        name: value for name, value in cleaned.items() if getattr(event, name) != value
    }
    if image_format:
        changes["image"] = merged["image"]
        changes["image_format"] = image_format
    elif merged["image"] is False and event.image:
        changes["image"] = ""
        changes["image_format"] = ""
        changes["image_alt"] = ""
    many_changes = {
        name: list(values[name])
        for name in MANY_FIELDS
        if name in values and _ids(values[name]) != _ids(getattr(event, name).all())
    }
    substantial = any(name in changes for name in SUBSTANTIAL_FIELDS) or (
        "description" in changes
        and changed_substantially(event.description, changes["description"])
    )
    back_to_moderation = substantial and event.moderation in (
        Event.Moderation.PUBLISHED,
        Event.Moderation.REJECTED,
    )
    if back_to_moderation:
        changes["moderation"] = Event.Moderation.PENDING
    if changes or many_changes:
        changes["sequence"] = event.sequence + 1
    elif event.version == expected_version:
        return event, False
    with transaction.atomic():
        try:
            saved = save_with_version_check(
                event, expected_version=expected_version, changes=changes
            )
        except ValidationError as error:
            raise _model_errors(error) from error
        for name, items in many_changes.items():
            getattr(saved, name).set(items)
    return Event.objects.get(pk=saved.pk), back_to_moderation
