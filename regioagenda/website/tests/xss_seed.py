"""Put the XSS corpus into every user-editable text field of the loaded region.

`seed(region, offset)` makes sure every model has a row (the data set leaves many empty), then
fills each editable text field of every row of each model with one payload, rotating through the
corpus by `offset`. Each stored value starts with a tag naming its field ("x017 "), so the test can
tell which field a page shows. Upload file names go through the product's own write functions
(`store_document`, `store_agenda_document`), which clean names as production does.
"""

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from regioagenda.accounts.models import Membership, User
from regioagenda.core.xss_corpus import PAYLOADS, Payload
from regioagenda.regions.models import Municipality, Region

# Fields that are not free text a user types: keys, hashes, codes, parsed rules, file metadata.
NOT_TEXT = {
    "password",
    "username",
    "key_prefix",
    "key_hash",
    "sha256",
    "token",
    "media_type",
    "image_format",
    "code",
    "area_key",
    "kind",
    "recurrence",
    "outside_code",
    "municipality_code",
}
# Set from the upload's name by the write function, not by the generic fill.
FILE_NAMES = {("proposals.ProposalDocument", "name"), ("meetings.AgendaDocument", "name")}

# A one-pixel PNG, for the event's image (its alt text is the payload).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a0e5cd8e0000000049454e44ae426082"
)


@dataclass(frozen=True)
class Placement:
    model: str
    field: str
    payload: Payload
    value: str


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """The free-text fields of `model` a form, the admin or the API lets a user write."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.EmailField | models.URLField)
        and not field.choices
        and field.editable
        and field.name not in NOT_TEXT
    ]


# Rows no user writes: the audit trail is written by the system and refuses changes.
NOT_EDITABLE = {"audit.AuditRecord"}


def product_models() -> list[type[models.Model]]:
    return sorted(
        (
            model
            for model in apps.get_models()
            if model.__module__.startswith("regioagenda.") and model._meta.label not in NOT_EDITABLE
        ),
        key=lambda model: model._meta.label,
    )


def all_text_fields() -> set[tuple[str, str]]:
    return {
        (model._meta.label, field.name)
        for model in product_models()
        for field in text_fields(model)
    }


def _fitting(index: int, max_length: int | None, prefix: str, without: str = "") -> Payload:
    """The corpus' payload at `index`, or the next one that fits the field."""
    for step in range(len(PAYLOADS)):
        payload = PAYLOADS[(index + step) % len(PAYLOADS)]
        fits = max_length is None or len(prefix) + len(payload.text) <= max_length
        if fits and not (without and without in payload.text):
            return payload
    raise ValueError(f"no payload fits in {max_length} characters")


def seed(region: Region, offset: int = 0) -> list[Placement]:
    """Fill every editable text field; the rows are created on the first call only."""
    if not apps.get_model("agenda", "Action").objects.exists():
        _create_rows(region)
    # Uploads first: the generic fill then reaches the stored documents' other fields too.
    placements = _upload_names(region, offset, 0)
    index = offset + len(placements)
    for model in product_models():
        for field in text_fields(model):
            if (model._meta.label, field.name) in FILE_NAMES:
                continue
            prefix = f"x{len(placements):03d} "
            payload = _fitting(index, field.max_length, prefix)
            index += 1
            value = prefix + payload.text
            if _fill(model, field.name, value):
                placements.append(Placement(model._meta.label, field.name, payload, value))
    return placements


def _fill(model: type[models.Model], name: str, value: str) -> bool:
    """Write `value` into `name` of every row; rows a constraint keeps empty stay empty."""
    rows = model._base_manager.order_by("pk")
    first = rows.values_list("pk", flat=True)[:1]
    for chosen in (rows, rows.exclude(**{name: ""}), rows.filter(pk__in=list(first))):
        try:
            with transaction.atomic():
                if chosen.update(**{name: value}):
                    return True
        except IntegrityError:
            continue
    return False


def _upload_names(region: Region, offset: int, start: int) -> list[Placement]:
    """Two uploads whose file names are payloads (without a slash: a name is its last path
    part), stored by the product's write functions."""
    from regioagenda.meetings.edit_views import store_agenda_document
    from regioagenda.meetings.models import AgendaDocument, AgendaItem
    from regioagenda.proposals.documents import store_document
    from regioagenda.proposals.models import Proposal, ProposalDocument

    ProposalDocument.objects.all().delete()
    AgendaDocument.objects.filter(url="").delete()
    names = []
    for n in range(2):
        prefix = f"x{start + n:03d} "
        payload = _fitting(offset + start + n, 200, prefix, without="/")
        names.append((payload, prefix + payload.text + ".txt"))

    def content() -> bytes:
        return f"Stuk met een vijandige naam {secrets.token_hex(8)}.\n".encode() * 3

    (proposal_payload, proposal_name), (item_payload, item_name) = names
    document = store_document(Proposal.objects.get(), content(), name=proposal_name)
    upload = SimpleUploadedFile(item_name, content(), content_type="text/plain")
    agenda_document = store_agenda_document(AgendaItem.objects.get(), "Stuk", upload)
    return [
        Placement("proposals.ProposalDocument", "name", proposal_payload, document.name),
        Placement("meetings.AgendaDocument", "name", item_payload, agenda_document.name),
    ]


def _create_rows(region: Region) -> None:
    """One row of each model the data set leaves empty, linked as the pages show them."""
    from regioagenda.agenda.models import ActionLink, BudgetLine
    from regioagenda.agenda.tests.factories import make_action, milestone, report
    from regioagenda.cooperation.models import Assessment, Score
    from regioagenda.cooperation.tests.factories import make_comparison
    from regioagenda.dossiers.tests.factories import decide, make_dossier
    from regioagenda.events.tests.factories import make_event
    from regioagenda.initiatives.tests.factories import make_initiative
    from regioagenda.meetings.models import AgendaDocument, AgendaItem, Invitation, Registration
    from regioagenda.meetings.tests.factories import make_meeting
    from regioagenda.monitor.models import ImportRun, Target
    from regioagenda.monitor.tests.factories import make_observation
    from regioagenda.prioritisation.models import Ballot, BallotEntry
    from regioagenda.prioritisation.tests.factories import make_round
    from regioagenda.proposals.models import AffectedMunicipality, ImpactCheck, ProposalLink
    from regioagenda.proposals.tests.factories import make_proposal
    from regioagenda.registry.models import (
        BodyDocument,
        GoverningBody,
        JointBody,
        Participation,
        Representative,
    )
    from regioagenda.registry.tests.factories import contribute, make_budget_request
    from regioagenda.registry.tests.factories import decide as decide_budget

    leiden = Municipality.objects.get(code="GM0546")
    author = User.objects.create_user(username="xss-auteur", first_name="A", last_name="B")
    Membership.objects.create(user=author, role=Membership.Role.EDITOR, municipality=leiden)
    today = timezone.localdate()

    action = make_action(leiden, description="beschrijving")
    milestone(action, today + datetime.timedelta(days=30))
    report(action, author, 40, today)
    BudgetLine.objects.create(action=action, year=today.year, amount=Decimal(1000), funder="f")
    ActionLink.objects.create(action=action, title="link", url="https://example.org/")

    # Closed, so that the round's and the comparison's pages show the ballots and assessments.
    round = make_round(region, description="beschrijving", opened_days_ago=30, closes_in_days=-1)
    ballot = Ballot.objects.create(
        round=round,
        municipality=leiden,
        decision_reference="r",
        weight=Decimal(1),
        weight_source="w",
        cast_by=author,
    )
    for rank, candidate in enumerate(round.candidates.order_by("position"), start=1):
        BallotEntry.objects.create(ballot=ballot, candidate=candidate, rank=rank)

    dossier = make_dossier(region)
    decision = decide(dossier, leiden, amendments=[("amendement", "adopted")])
    decision.outcome_note = "noot"
    decision.save()

    body = JointBody.objects.filter(region=region).order_by("pk").first()
    assert body is not None
    participation = Participation.objects.filter(body=body, municipality=leiden).first()
    if participation is not None:
        contribute(participation, today.year, "1000")
    governing = GoverningBody.objects.create(body=body)
    Representative.objects.create(governing_body=governing, municipality=leiden, person="p")
    BodyDocument.objects.create(body=body, title="stuk", url="https://example.org/")
    request = make_budget_request(body, year=today.year + 1, sent_on=today)
    decide_budget(request, leiden, decided_on=today, summary="samenvatting")

    comparison = make_comparison(region, description="beschrijving", closes_in_days=-1)
    assessment = Assessment.objects.create(
        comparison=comparison,
        municipality=leiden,
        decision_reference="r",
        weight=Decimal(1),
        weight_source="w",
        entered_by=author,
    )
    for option in comparison.options.all():
        for criterion in comparison.criteria.all():
            Score.objects.create(
                assessment=assessment, option=option, criterion=criterion, value=Decimal(3)
            )

    make_initiative(region, organisation="o")
    ImportRun.objects.create(
        region=region, kind="bestand", description="import", status=ImportRun.Status.DONE
    )
    target = Target.objects.order_by("pk").first()
    assert target is not None
    make_observation(target.indicator, "Bio Science Park", today.year - 1, 1)

    proposal = make_proposal(leiden, summary="s", decision="d", text="t")
    ProposalLink.objects.create(proposal=proposal, title="link", url="https://example.org/")
    check = ImpactCheck.objects.create(proposal=proposal, revision=1, submitted_by=author)
    # A neighbour: the proposal's own municipality is never an affected one (proposals.checks).
    neighbour = Municipality.objects.filter(region=region).exclude(pk=leiden.pk).order_by("code")[0]
    AffectedMunicipality.objects.create(
        impact_check=check, code=neighbour.code, name=neighbour.name, explanation="uitleg"
    )

    meeting = make_meeting(region, description="beschrijving")
    item = AgendaItem.objects.create(
        meeting=meeting, title="punt", description="d", minutes="m", decision="b"
    )
    AgendaDocument.objects.create(item=item, title="link", url="https://example.org/")
    Invitation.objects.create(meeting=meeting, name="n", organisation="o")
    Registration.objects.create(
        meeting=meeting, name="n", email="n@example.org", token=secrets.token_urlsafe(16)
    )

    event = make_event(region, description="<p>beschrijving</p>", accessibility="toegankelijk")
    event.image_format = "png"
    event.image_alt = "alt"
    event.image.save("beeld.png", ContentFile(PNG), save=True)


def filled_objects() -> dict[str, Any]:
    """The rows the pages are visited for (the first of each kind)."""
    names = {
        "action": "agenda.Action",
        "round": "prioritisation.Round",
        "dossier": "dossiers.Dossier",
        "body": "registry.JointBody",
        "budget_request": "registry.BudgetRequest",
        "comparison": "cooperation.Comparison",
        "initiative": "initiatives.Initiative",
        "import_run": "monitor.ImportRun",
        "proposal": "proposals.Proposal",
        "meeting": "meetings.Meeting",
        "item": "meetings.AgendaItem",
        "event": "events.Event",
        "theme": "vision.Theme",
        "topic": "vision.Topic",
        "municipality": "regions.Municipality",
        "indicator": "monitor.Indicator",
        "domain": "competences.PolicyDomain",
        "document": "proposals.ProposalDocument",
        "agenda_document": "meetings.AgendaDocument",
    }
    found = {
        key: apps.get_model(label)._base_manager.order_by("pk").first()
        for key, label in names.items()
    }
    found["municipality"] = Municipality.objects.get(code="GM0546")
    found["indicator"] = apps.get_model("monitor", "Target").objects.order_by("pk")[0].indicator
    found["agenda_document"] = (
        apps.get_model("meetings", "AgendaDocument").objects.exclude(file="").first()
    )
    return found
