"""Submitting an initiative: the checks against spam and unsafe input, and the one write path.

The site's form and the API call the same checks and `submit_initiative`. Every check refuses
with a Dutch message that names the field; a refused submission stores nothing.

- Text is plain text: anything that looks like HTML or a script link is refused, not cleaned.
- A description may hold at most `MAX_LINKS` links.
- The form carries a signed time stamp; a form sent back within `MIN_SECONDS` is refused (people
  need longer to type an idea, robots do not) and so is one older than `MAX_AGE`.
- A honeypot field, hidden from people and assistive technology, must stay empty.
- One address may submit `PER_HOUR` initiatives an hour (counted in Django's cache).
"""

import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.competences.models import Place, PolicyDomain
from regioagenda.initiatives.models import Initiative, InitiativeEvent, Status
from regioagenda.initiatives.routing import route
from regioagenda.regions.models import Municipality, Region

MAX_LINKS = 2
MIN_SECONDS = 3
MAX_AGE = 60 * 60 * 12
PER_HOUR = getattr(settings, "INITIATIVES_PER_HOUR", 5)
HONEYPOT = "website"
FORM_STAMP = "formulier"
SALT = "regioagenda.initiatives.form"

LIMITS = {
    "title": 150,
    "description": 4000,
    "submitter_name": 150,
    "organisation": 200,
    "submitter_email": 254,
}

# Tags (`<script`, `<a href`, `</b>`, `<img onerror`), comments, entities, script links and
# inline event handlers. Plain text never needs them; a "<" followed by a space or digit
# ("3 < 5") is allowed.
MARKUP = re.compile(
    r"<\s*/?\s*[a-z!?]|&#?[a-z0-9]+;|javascript\s*:|vbscript\s*:|data\s*:\s*text/html"
    r"|\bon[a-z]+\s*=",
    re.IGNORECASE,
)
LINK = re.compile(r"\b(?:https?://|www\.)", re.IGNORECASE)


def _labels() -> dict[str, str]:
    return {
        "title": _("Titel"),
        "description": _("Omschrijving"),
        "submitter_name": _("Naam"),
        "organisation": _("Organisatie"),
        "submitter_email": _("E-mailadres"),
    }


def text_problems(values: dict[str, Any]) -> dict[str, str]:
    """Per field, why its text is refused: markup, too many links, too long."""
    labels = _labels()
    problems: dict[str, str] = {}
    for name, label in labels.items():
        value = values.get(name) or ""
        if not isinstance(value, str):
            continue
        if MARKUP.search(value):
            problems[name] = _(
                "%(field)s bevat HTML, code of een scriptlink. Schrijf gewone tekst, zonder "
                "tekens als < > en zonder “javascript:”."
            ) % {"field": label}
        elif len(value) > LIMITS[name]:
            problems[name] = _(
                "%(field)s is te lang: hoogstens %(limit)s tekens, nu %(length)s."
            ) % {
                "field": label,
                "limit": LIMITS[name],
                "length": len(value),
            }
        elif name == "description" and len(LINK.findall(value)) > MAX_LINKS:
            problems[name] = _(
                "%(field)s bevat meer dan %(limit)s links. Laat er een paar weg."
            ) % {"field": label, "limit": MAX_LINKS}
    return problems


def form_stamp(at: float | None = None) -> str:
    """A signed time stamp for the form; `check_form_stamp` reads it back."""
    return signing.dumps({"t": time.time() if at is None else at}, salt=SALT)


def stamp_problem(stamp: str, *, now: float | None = None) -> str:
    """Why the form's time stamp is refused, or "" when it is fine."""
    now = time.time() if now is None else now
    try:
        served = float(signing.loads(stamp, salt=SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return _(
            "Het formulier is ongeldig of verlopen. Laad de pagina opnieuw en probeer het nog eens."
        )
    if now - served < MIN_SECONDS:
        return _(
            "Het formulier is te snel verstuurd. Wacht een paar seconden en verstuur het opnieuw."
        )
    if now - served > MAX_AGE:
        return _("Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.")
    return ""


def honeypot_problem(value: str) -> str:
    if value:
        return _(
            "Het verborgen veld ‘Laat dit veld leeg’ is ingevuld. Daarom denken we dat een "
            "programma dit formulier verstuurde."
        )
    return ""


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "onbekend"


def _rate_key(address: str) -> str:
    return f"initiatives:submissions:{address}"


def rate_problem(address: str) -> str:
    if cache.get(_rate_key(address), 0) >= PER_HOUR:
        return _(
            "Vanaf dit adres zijn het afgelopen uur al %(limit)s initiatieven ingediend. "
            "Probeer het later opnieuw."
        ) % {"limit": PER_HOUR}
    return ""


def _count_submission(address: str) -> None:
    key = _rate_key(address)
    if cache.add(key, 1, timeout=60 * 60):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=60 * 60)


class TooManySubmissions(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass
class Submission:
    title: str
    description: str
    submitter_kind: str
    submitter_name: str
    submitter_email: str
    organisation: str = ""
    domain: PolicyDomain | None = None
    municipality: Municipality | None = None
    place: Place | None = None


def _where_problems(region: Region, submission: Submission) -> dict[str, str]:
    problems = {}
    if submission.domain is not None and submission.domain.region_id != region.pk:
        problems["domain"] = _("Dit beleidsdomein hoort bij een andere regio.")
    if submission.municipality is not None and submission.municipality.region_id != region.pk:
        problems["municipality"] = _("Deze gemeente hoort niet bij de regio.")
    if submission.place is not None:
        if submission.municipality is None:
            submission.municipality = submission.place.municipality
        elif submission.place.municipality_id != submission.municipality.pk:
            problems["place"] = _("Deze wijk of buurt ligt niet in de gekozen gemeente.")
    return problems


@transaction.atomic
def submit_initiative(region: Region, submission: Submission, *, address: str) -> Initiative:
    """Check, route and store a new initiative; it waits for moderation.

    Raises ValidationError (per field) for unsafe or invalid input and TooManySubmissions when
    the address has reached its hourly limit; nothing is stored then.
    """
    values = submission.__dict__
    problems = text_problems(values) | _where_problems(region, submission)
    if problems:
        raise ValidationError(problems)
    limit = rate_problem(address)
    if limit:
        raise TooManySubmissions(limit)
    routing = route(
        region,
        text=f"{submission.title} {submission.description}",
        domain=submission.domain,
        municipality=submission.municipality,
        place=submission.place,
    )
    initiative = Initiative(
        region=region,
        title=submission.title.strip(),
        description=submission.description.strip(),
        submitter_kind=submission.submitter_kind,
        submitter_name=submission.submitter_name.strip(),
        organisation=submission.organisation.strip(),
        submitter_email=submission.submitter_email.strip(),
        domain=routing.domain,
        municipality=submission.municipality,
        place=submission.place,
        topic=routing.topic,
    )
    initiative.full_clean()
    initiative.save()
    initiative.competences.set(routing.competences)
    InitiativeEvent.objects.create(
        initiative=initiative,
        status=Status.SUBMITTED,
        happened_on=timezone.localdate(),
        note="",
        public=False,
    )
    _count_submission(address)
    return initiative
