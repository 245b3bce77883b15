"""The data inventory: every model field that holds personal data, why, on what basis, how long.

This list is the register of processing (AVG art. 30) as far as the database goes. The tests
hold it to the models (a field that looks personal must be listed here or in NOT_PERSONAL, and
every listed field must exist); `manage.py privacy_inventory` writes it as docs/data-inventory.md;
`retention.py` applies the periods below and `people.py` finds a person's rows through the
`finds_person` marks.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

# Periods applied by retention.py; the texts below quote them.
UNCONFIRMED_EVENT = timedelta(days=7)
REJECTED_EVENT = timedelta(days=30)
EVENT_CONTACT_AFTER_END = timedelta(days=30)
MEETING_CONTACT_AFTER_END = timedelta(days=90)
INITIATIVE_CONTACT_AFTER_CLOSING = timedelta(days=365)
LOGIN_RECORDS = timedelta(days=90)
CHANGE_HISTORY_ADDRESS = timedelta(days=90)
ADMIN_LOG = timedelta(days=365)

# Categories.
NAME = "naam"
EMAIL = "e-mailadres"
ADDRESS = "adres"
IP = "IP-adres"
DEVICE = "apparaatgegevens"
FREE_TEXT = "vrije tekst over een persoon"
ACCOUNT = "account"
ORGANISATION = "organisatie van een persoon"
PSEUDONYM = "pseudoniem"

# Legal bases (AVG art. 6 lid 1).
PUBLIC_TASK = "AVG art. 6 lid 1 sub e (publieke taak)"
CONSENT = "AVG art. 6 lid 1 sub a (toestemming)"

# Who can see a value.
ADMINISTRATORS = "beheerders"
STAFF = "medewerkers met een account"
MODERATORS = "regiocoördinator (moderatie)"
EVERYONE = "iedereen (openbaar)"
MEETING_ORGANISERS = "organisatoren van de vergadering (regiocoördinator, redacteuren)"
NOBODY = "niemand in de applicatie; alleen de serverbeheerder"

# Retention rules in words.
WHILE_ACCOUNT = "zolang het account bestaat"
WHILE_ROW = (
    "zolang het gegeven waar het bij hoort bestaat; na verwijdering van het account wijst het "
    "naar een account zonder naam"
)
WHILE_HISTORY = (
    "zolang de wijzigingsgeschiedenis; persoonsgegevens erin worden gewist zodra ze in het "
    "gegeven zelf verlopen of op verzoek worden verwijderd"
)

AUDIT_LOG = (
    "zolang het beveiligingslog; de regels worden nooit gewijzigd, een verwijderde persoon "
    "krijgt een nieuw pseudoniem"
)

FindsPerson = Literal["account", "email", "username", "pseudonym", ""]


@dataclass(frozen=True)
class PersonalField:
    model: str  # app_label.ModelName
    field: str
    category: str
    purpose: str
    basis: str
    retention: str
    visible_to: str
    # How export and erasure find a person's rows: this field points to their account, holds
    # their e-mail address, their username or their pseudonym (audit_id).
    finds_person: FindsPerson = ""


def _days(period: timedelta) -> int:
    return period.days


def _by(model: str, field: str, purpose: str, visible_to: str = STAFF) -> PersonalField:
    """A link from a row to the account of the person who made or changed it."""
    return PersonalField(
        model,
        field,
        ACCOUNT,
        purpose,
        PUBLIC_TASK,
        WHILE_ROW,
        visible_to,
        finds_person="account",
    )


def _login_record(model: str) -> list[PersonalField]:
    retention = f"{_days(LOGIN_RECORDS)} dagen na de poging"
    purpose = "Raden van wachtwoorden herkennen en blokkeren."
    return [
        PersonalField(
            model, "username", ACCOUNT, purpose, PUBLIC_TASK, retention, ADMINISTRATORS, "username"
        ),
        PersonalField(model, "ip_address", IP, purpose, PUBLIC_TASK, retention, ADMINISTRATORS),
        PersonalField(model, "user_agent", DEVICE, purpose, PUBLIC_TASK, retention, ADMINISTRATORS),
    ]


def _history(model: str, fields: Iterable[str]) -> list[PersonalField]:
    purpose = "Verantwoorden wie wat wanneer heeft gewijzigd."
    return [
        PersonalField(model, name, FREE_TEXT, purpose, PUBLIC_TASK, WHILE_HISTORY, STAFF)
        for name in fields
    ]


_EVENT_CONTACT = (
    f"{_days(EVENT_CONTACT_AFTER_END)} dagen na het (laatste) einde van het evenement; "
    f"een afgewezen aanmelding {_days(REJECTED_EVENT)} dagen na de afwijzing, een niet "
    f"bevestigde na {_days(UNCONFIRMED_EVENT)} dagen"
)
_MEETING_CONTACT = (
    f"{_days(MEETING_CONTACT_AFTER_END)} dagen na (het laatste deel van) de vergadering"
)
_INITIATIVE_CONTACT = (
    f"{_days(INITIATIVE_CONTACT_AFTER_CLOSING)} dagen nadat het initiatief is beantwoord, "
    "afgesloten of niet gepubliceerd"
)

INVENTORY: list[PersonalField] = [
    # Accounts.
    PersonalField(
        "accounts.User",
        "username",
        ACCOUNT,
        "Inloggen en laten zien wie iets heeft gewijzigd.",
        PUBLIC_TASK,
        WHILE_ACCOUNT + "; bij verwijderen vervangen door 'verwijderd-…'",
        STAFF,
    ),
    PersonalField(
        "accounts.User",
        "first_name",
        NAME,
        "Medewerkers en partners herkenbaar maken voor collega's.",
        PUBLIC_TASK,
        WHILE_ACCOUNT,
        STAFF,
    ),
    PersonalField(
        "accounts.User",
        "last_name",
        NAME,
        "Medewerkers en partners herkenbaar maken voor collega's.",
        PUBLIC_TASK,
        WHILE_ACCOUNT,
        STAFF,
    ),
    PersonalField(
        "accounts.User",
        "email",
        EMAIL,
        "Berichten over het account en de nieuwsbrief van voorstellen sturen.",
        PUBLIC_TASK,
        WHILE_ACCOUNT,
        ADMINISTRATORS,
    ),
    PersonalField(
        "accounts.User",
        "last_login",
        ACCOUNT,
        "Ongebruikte accounts herkennen.",
        PUBLIC_TASK,
        WHILE_ACCOUNT,
        ADMINISTRATORS,
    ),
    PersonalField(
        "accounts.User",
        "audit_id",
        PSEUDONYM,
        "Een persoon in het beveiligingslog aanduiden zonder naam.",
        PUBLIC_TASK,
        "zolang het account bestaat; bij verwijderen vervangen, zodat het oude log naar "
        "niemand meer wijst",
        ADMINISTRATORS,
    ),
    _by("accounts.Membership", "user", "Bepalen wie wat mag wijzigen.", ADMINISTRATORS),
    _by("accounts.ApiToken", "user", "Bepalen namens wie de API wordt gebruikt.", ADMINISTRATORS),
    _by(
        "accounts.ApiToken",
        "created_by",
        "Verantwoorden wie een API-sleutel uitgaf.",
        ADMINISTRATORS,
    ),
    _by("otp_totp.TOTPDevice", "user", "Tweestapsverificatie bij het inloggen.", NOBODY),
    PersonalField(
        "otp_totp.TOTPDevice",
        "name",
        FREE_TEXT,
        "Het apparaat voor tweestapsverificatie herkennen.",
        PUBLIC_TASK,
        WHILE_ACCOUNT,
        NOBODY,
        "",
    ),
    PersonalField(
        "sessions.Session",
        "session_data",
        ACCOUNT,
        "Ingelogd blijven tijdens een bezoek.",
        PUBLIC_TASK,
        "tot de sessie verloopt (na uitloggen of na een werkdag)",
        NOBODY,
    ),
    # Security: login attempts (django-axes).
    *_login_record("axes.AccessAttempt"),
    PersonalField(
        "axes.AccessAttempt",
        "get_data",
        FREE_TEXT,
        "Raden van wachtwoorden herkennen en blokkeren.",
        PUBLIC_TASK,
        f"{_days(LOGIN_RECORDS)} dagen na de poging",
        ADMINISTRATORS,
    ),
    PersonalField(
        "axes.AccessAttempt",
        "post_data",
        FREE_TEXT,
        "Raden van wachtwoorden herkennen en blokkeren (zonder wachtwoord).",
        PUBLIC_TASK,
        f"{_days(LOGIN_RECORDS)} dagen na de poging",
        ADMINISTRATORS,
    ),
    *_login_record("axes.AccessLog"),
    *_login_record("axes.AccessFailureLog"),
    # The security audit log: append-only and hash-chained, so its rows are never changed.
    # It names people by pseudonym only; erasing a person replaces their pseudonym instead.
    PersonalField(
        "audit.AuditRecord",
        "actor_id",
        PSEUDONYM,
        "Verantwoorden wie iets deed dat de beveiliging raakt (inloggen, rechten, verwijderen).",
        PUBLIC_TASK,
        AUDIT_LOG,
        ADMINISTRATORS,
        "pseudonym",
    ),
    PersonalField(
        "audit.AuditRecord",
        "object_id",
        PSEUDONYM,
        "Verantwoorden wiens account of rechten een handeling raakte.",
        PUBLIC_TASK,
        AUDIT_LOG,
        ADMINISTRATORS,
        "pseudonym",
    ),
    PersonalField(
        "audit.AuditRecord",
        "origin",
        IP,
        "Misbruik en inbraakpogingen kunnen onderzoeken.",
        PUBLIC_TASK,
        AUDIT_LOG,
        ADMINISTRATORS,
    ),
    # Change history (django-auditlog and the admin's own log).
    _by("auditlog.LogEntry", "actor", "Verantwoorden wie wat wanneer heeft gewijzigd."),
    PersonalField(
        "auditlog.LogEntry",
        "actor_email",
        EMAIL,
        "Verantwoorden wie wat wanneer heeft gewijzigd.",
        PUBLIC_TASK,
        WHILE_HISTORY,
        ADMINISTRATORS,
        "email",
    ),
    PersonalField(
        "auditlog.LogEntry",
        "remote_addr",
        IP,
        "Misbruik van een account kunnen onderzoeken.",
        PUBLIC_TASK,
        f"{_days(CHANGE_HISTORY_ADDRESS)} dagen na de wijziging",
        ADMINISTRATORS,
    ),
    *_history("auditlog.LogEntry", ["object_repr", "changes", "changes_text", "serialized_data"]),
    _by("admin.LogEntry", "user", "Verantwoorden wat in het beheer is gewijzigd.", ADMINISTRATORS),
    PersonalField(
        "admin.LogEntry",
        "object_repr",
        FREE_TEXT,
        "Verantwoorden wat in het beheer is gewijzigd.",
        PUBLIC_TASK,
        f"{_days(ADMIN_LOG)} dagen na de wijziging",
        ADMINISTRATORS,
    ),
    PersonalField(
        "admin.LogEntry",
        "change_message",
        FREE_TEXT,
        "Verantwoorden wat in het beheer is gewijzigd.",
        PUBLIC_TASK,
        f"{_days(ADMIN_LOG)} dagen na de wijziging",
        ADMINISTRATORS,
    ),
    # Who did what in the domain.
    _by("agenda.StatusChange", "changed_by", "Verantwoorden wie de status van een actie wijzigde."),
    _by("agenda.ProgressUpdate", "author", "Laten zien wie de voortgang meldde."),
    _by("prioritisation.Round", "adopted_by", "Verantwoorden wie de volgorde vaststelde."),
    _by("prioritisation.Ballot", "cast_by", "Verantwoorden wie een stembiljet invoerde."),
    _by("cooperation.Assessment", "entered_by", "Verantwoorden wie een beoordeling invoerde."),
    _by("initiatives.InitiativeEvent", "recorded_by", "Verantwoorden wie een stap vastlegde."),
    _by("monitor.Observation", "recorded_by", "Verantwoorden wie een cijfer vastlegde."),
    _by("monitor.ImportRun", "created_by", "Verantwoorden wie een import startte."),
    _by("proposals.Proposal", "created_by", "Verantwoorden wie een voorstel vastlegde."),
    _by("proposals.ProposalDocument", "uploaded_by", "Verantwoorden wie een bestand toevoegde."),
    _by("proposals.ImpactCheck", "created_by", "Verantwoorden wie een regionale toets opstelde."),
    _by("proposals.ImpactCheck", "submitted_by", "Verantwoorden wie een regionale toets indiende."),
    _by("proposals.DigestSubscription", "user", "De nieuwsbrief van voorstellen sturen."),
    _by("meetings.Meeting", "created_by", "Verantwoorden wie een vergadering vastlegde."),
    _by("meetings.FollowUp", "created_by", "Verantwoorden wie een vervolgafspraak vastlegde."),
    # Residents and partners who take part.
    PersonalField(
        "events.Event",
        "organiser_name",
        NAME,
        "Bezoekers laten zien wie een evenement organiseert.",
        CONSENT,
        "zolang het evenement in de agenda staat; een afgewezen of niet bevestigde aanmelding "
        "wordt verwijderd (zie het e-mailadres)",
        EVERYONE,
    ),
    PersonalField(
        "events.Event",
        "organiser_email",
        EMAIL,
        "Het e-mailadres bevestigen en de organisator vragen stellen over de aanmelding.",
        CONSENT,
        _EVENT_CONTACT,
        MODERATORS,
        "email",
    ),
    PersonalField(
        "events.Event",
        "organiser",
        ACCOUNT,
        "De organisator met een account laat het evenement zelf bijwerken.",
        CONSENT,
        WHILE_ACCOUNT,
        MODERATORS,
        "account",
    ),
    PersonalField(
        "events.Event",
        "address",
        ADDRESS,
        "Bezoekers laten zien waar het evenement is (meestal een openbare locatie).",
        CONSENT,
        "zolang het evenement in de agenda staat",
        EVERYONE,
    ),
    PersonalField(
        "meetings.Registration",
        "user",
        ACCOUNT,
        "Een aanmelding voor een vergadering aan het account koppelen.",
        CONSENT,
        _MEETING_CONTACT + " (het aantal aanmeldingen blijft)",
        MEETING_ORGANISERS,
        "account",
    ),
    PersonalField(
        "meetings.Registration",
        "name",
        NAME,
        "Weten wie er komt (deelnemerslijst).",
        CONSENT,
        _MEETING_CONTACT + " (het aantal aanmeldingen blijft)",
        MEETING_ORGANISERS,
    ),
    PersonalField(
        "meetings.Registration",
        "email",
        EMAIL,
        "Deelnemers berichten over de vergadering sturen en laten afmelden.",
        CONSENT,
        _MEETING_CONTACT + " (het aantal aanmeldingen blijft)",
        MEETING_ORGANISERS,
        "email",
    ),
    PersonalField(
        "meetings.Registration",
        "organisation",
        ORGANISATION,
        "Weten namens wie iemand komt.",
        CONSENT,
        _MEETING_CONTACT,
        MEETING_ORGANISERS,
    ),
    PersonalField(
        "meetings.Invitation",
        "name",
        NAME,
        "Laten zien wie voor een vergadering is uitgenodigd.",
        PUBLIC_TASK,
        _MEETING_CONTACT,
        STAFF,
    ),
    PersonalField(
        "meetings.Invitation",
        "email",
        EMAIL,
        "Een uitgenodigde persoon de uitnodiging sturen.",
        PUBLIC_TASK,
        _MEETING_CONTACT,
        MEETING_ORGANISERS,
        "email",
    ),
    PersonalField(
        "meetings.Invitation",
        "organisation",
        ORGANISATION,
        "Laten zien namens wie iemand is uitgenodigd.",
        PUBLIC_TASK,
        _MEETING_CONTACT,
        STAFF,
    ),
    PersonalField(
        "initiatives.Initiative",
        "submitter_name",
        NAME,
        "Laten zien wie een initiatief indiende.",
        CONSENT,
        "zolang het initiatief bestaat; niet gepubliceerde: " + _INITIATIVE_CONTACT,
        EVERYONE + ", na moderatie",
    ),
    PersonalField(
        "initiatives.Initiative",
        "submitter_email",
        EMAIL,
        "De indiener laten weten wat er met het initiatief gebeurt.",
        CONSENT,
        _INITIATIVE_CONTACT,
        MODERATORS,
        "email",
    ),
    PersonalField(
        "initiatives.Initiative",
        "organisation",
        ORGANISATION,
        "Laten zien namens welke organisatie een initiatief is ingediend.",
        CONSENT,
        "zolang het initiatief bestaat",
        EVERYONE + ", na moderatie",
    ),
    PersonalField(
        "registry.Representative",
        "person",
        NAME,
        "Laten zien welke bestuurder een gemeente vertegenwoordigt in een verbonden partij "
        "(openbare functie).",
        PUBLIC_TASK,
        "zolang de vertegenwoordiging in het register staat",
        EVERYONE,
    ),
]


# Fields that match the pattern below but hold no data about a person. Most are names of
# things (municipalities, themes, bodies); the rest say why.
NOT_PERSONAL: dict[str, str] = {
    "auth.Permission.name": "naam van een recht",
    "auth.Group.name": "naam van een groep",
    "auth.Permission.codename": "code van een recht",
    "contenttypes.ContentType.model": "naam van een model",
    "django_tasks_database.DBTaskResult.queue_name": "naam van een wachtrij",
    "django_tasks_database.DBTaskResult.backend_name": "naam van een takenserver",
    "regions.Region.name": "naam van de regio",
    "regions.Region.name_en": "naam van de regio",
    "regions.Municipality.name": "naam van een gemeente",
    "regions.Organisation.name": "naam van een organisatie",
    "accounts.ApiToken.name": "naam die de beheerder aan een sleutel geeft",
    "registry.JointBody.name": "naam van een verbonden partij",
    "registry.Participation.outside_name": "naam van een gemeente buiten de regio",
    "registry.Contribution.participation": "verwijzing naar een deelname (Nederlands: deelname)",
    "registry.GoverningBody.name": "naam van een bestuursorgaan",
    "competences.PolicyDomain.name": "naam van een beleidsdomein",
    "competences.PolicyDomain.name_en": "naam van een beleidsdomein",
    "competences.Place.name": "naam van een wijk of buurt",
    "monitor.Indicator.name": "naam van een indicator",
    "monitor.Indicator.name_en": "naam van een indicator",
    "proposals.ProposalDocument.name": "bestandsnaam van een openbaar stuk",
    "proposals.AffectedMunicipality.name": "naam van een gemeente",
    "proposals.GazetteerEntry.name": "naam van een plaats",
    "proposals.GazetteerEntry.municipality_name": "naam van een gemeente",
    "meetings.Body.name": "naam van een bestuursorgaan",
    "meetings.Body.name_en": "naam van een bestuursorgaan",
    "meetings.AgendaDocument.name": "bestandsnaam van een vergaderstuk",
    "events.Category.name": "naam van een categorie",
    "events.Category.name_en": "naam van een categorie",
    "events.Audience.name": "naam van een doelgroep",
    "events.Audience.name_en": "naam van een doelgroep",
}


# A field looks personal when its name or its (untranslated) verbose name says so, or its type
# holds nothing else. Links (URLField), files and slugs are addresses and names of documents and
# things, never of a person, so they are left out: "adres van de bron" is a web address.
PERSONAL_WORDS = re.compile(
    r"name(?![a-z])|naam|e-?mail|phone|telefoon|mobiel|address|adres|\baddr\b|(^|[_\s])ip([_\s]|$)"
    r"|postcode|zip|birth|geboorte|person|persoon|user_agent|user agent|\bbsn\b",
    re.IGNORECASE,
)
PERSONAL_TYPES = (models.EmailField, models.GenericIPAddressField)
NEVER_PERSONAL_TYPES = (models.URLField, models.FileField, models.SlugField)


@dataclass(frozen=True)
class FieldInfo:
    """What the check needs to know of a model field."""

    label: str  # app_label.Model.field
    verbose_name: str
    kind: type[models.Field]  # type: ignore[type-arg]
    links_to_user: bool


def label(entry: PersonalField) -> str:
    return f"{entry.model}.{entry.field}"


def looks_personal(info: FieldInfo) -> bool:
    if info.links_to_user:
        return True
    if issubclass(info.kind, PERSONAL_TYPES):
        return True
    if issubclass(info.kind, NEVER_PERSONAL_TYPES):
        return False
    name = info.label.rsplit(".", 1)[1]
    return bool(PERSONAL_WORDS.search(name) or PERSONAL_WORDS.search(info.verbose_name))


def installed_fields() -> list[FieldInfo]:
    """Every concrete field of every installed model (ours and third-party)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = []
    with translation.override(None):  # the verbose names as written in the code
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                found.append(
                    FieldInfo(
                        label=f"{model._meta.label}.{field.name}",
                        verbose_name=str(field.verbose_name),
                        kind=type(field),
                        links_to_user=field.is_relation and field.related_model is user_model,
                    )
                )
    return found


def inventory_problems(
    fields: Iterable[FieldInfo],
    inventory: Iterable[PersonalField] = INVENTORY,
    not_personal: Iterable[str] = NOT_PERSONAL,
) -> list[str]:
    """What is wrong between the models and the inventory, one sentence per field."""
    fields = list(fields)
    existing = {info.label for info in fields}
    listed = [label(entry) for entry in inventory]
    excused = set(not_personal)
    problems = []
    for info in fields:
        if looks_personal(info) and info.label not in listed and info.label not in excused:
            problems.append(
                f"{info.label} ({info.verbose_name}) lijkt een persoonsgegeven: zet het in "
                "INVENTORY of, met de reden, in NOT_PERSONAL."
            )
    for name in sorted(set(listed) | excused):
        if name not in existing:
            problems.append(f"{name} staat in de inventaris maar bestaat niet (meer).")
    for name in sorted({name for name in listed if listed.count(name) > 1}):
        problems.append(f"{name} staat meer dan eens in de inventaris.")
    for name in sorted(excused & set(listed)):
        problems.append(f"{name} staat zowel in INVENTORY als in NOT_PERSONAL.")
    return problems


def entries_for(model: str) -> list[PersonalField]:
    return [entry for entry in INVENTORY if entry.model == model]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def as_markdown() -> str:
    """The inventory as the document docs/data-inventory.md (`manage.py privacy_inventory`)."""
    lines = [
        "# Gegevensinventaris",
        "",
        "<!-- Gegenereerd door `manage.py privacy_inventory --write` uit "
        "regioagenda/privacy/inventory.py; niet met de hand wijzigen. -->",
        "",
        "Elk veld in de database dat persoonsgegevens bevat: wat het is, waarvoor het nodig is, "
        "op welke grondslag (AVG art. 6), hoe lang het bewaard blijft en wie het kan zien. "
        "`manage.py apply_retention` verwijdert of anonimiseert wat verlopen is; "
        "`manage.py export_person` en `manage.py erase_person` geven iemand inzage of "
        "verwijderen diens gegevens.",
        "",
    ]
    with translation.override("nl"):
        for model_label in sorted({entry.model for entry in INVENTORY}):
            model = apps.get_model(model_label)
            lines += [
                f"## {model_label} ({model._meta.verbose_name})",
                "",
                "| veld | categorie | doel | grondslag | bewaartermijn | zichtbaar voor |",
                "|---|---|---|---|---|---|",
            ]
            for entry in entries_for(model_label):
                field = model._meta.get_field(entry.field)
                name = f"`{entry.field}` ({getattr(field, 'verbose_name', entry.field)})"
                cells = [
                    name,
                    entry.category,
                    entry.purpose,
                    entry.basis,
                    entry.retention,
                    entry.visible_to,
                ]
                lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
            lines.append("")
    lines += [
        "## Velden die op een persoonsgegeven lijken maar het niet zijn",
        "",
        "| veld | waarom niet |",
        "|---|---|",
        *(f"| `{name}` | {_cell(reason)} |" for name, reason in sorted(NOT_PERSONAL.items())),
        "",
    ]
    return "\n".join(lines)
