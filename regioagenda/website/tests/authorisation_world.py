"""The cast and the objects the authorisation matrix and the mass-assignment tests run against.

Objects come in sides: "A" belongs to Leiden (GM0546), "B" to Oegstgeest (GM0579), "R" is a
regional object of the Leidse regio, "X" one of another region (the kustregio). A target is a
kind of object; for each side it holds every parameter a URL or an API path may ask for.

Non-public objects of Leiden carry a marker in their title or text; `MARKERS` says which roles
may see each marker. No response to any other role may contain it.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from regioagenda.accounts.models import Membership, User
from regioagenda.agenda.tests.factories import make_action
from regioagenda.competences.models import Competence, PolicyDomain
from regioagenda.competences.tests.factories import make_competence
from regioagenda.cooperation.tests.factories import make_comparison
from regioagenda.dossiers.tests.factories import make_dossier
from regioagenda.events.models import Event
from regioagenda.events.tests.factories import make_event
from regioagenda.initiatives.models import InitiativeStatus
from regioagenda.initiatives.tests.factories import make_initiative
from regioagenda.meetings.models import AgendaDocument, AgendaItem, Body
from regioagenda.meetings.tests.factories import make_meeting
from regioagenda.monitor.models import ImportRun, Indicator, Observation, Target
from regioagenda.prioritisation.tests.factories import make_round
from regioagenda.proposals.models import ImpactCheck, ProposalStatus
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.regions.models import Municipality, Organisation, Region
from regioagenda.registry.tests.factories import (
    contribute,
    decide,
    join,
    make_budget_request,
)
from regioagenda.registry.tests.factories import (
    make_body as make_joint_body,
)
from regioagenda.vision.models import Agreement, Principle, Quality, Theme, Topic

ROLES = (
    "visitor",
    "partner",
    "editor_a",
    "editor_b",
    "council_a",
    "coordinator",
    "administrator",
)
STAFF_ROLES = frozenset({"editor_a", "editor_b", "coordinator", "administrator"})

# Non-public rows of Leiden, and who may see them (the rules and `visible_to` querysets).
DRAFT_PROPOSAL = "MARKER-concept-voorstel-7f3a"
DRAFT_CHECK = "MARKER-concept-toets-91bc"
CLOSED_MEETING = "MARKER-besloten-vergadering-5d20"
CLOSED_ITEM = "MARKER-besloten-agendapunt-c4e8"
CLOSED_DOCUMENT = "MARKER-besloten-stuk-0a6d"
UNPUBLISHED_EVENT = "MARKER-ongepubliceerd-evenement-2b77"
UNPUBLISHED_INITIATIVE = "MARKER-ongemodereerd-initiatief-e19f"
SUBMITTER_EMAIL = "marker-indiener-83d1@example.org"

KEEPERS_OF_LEIDEN = frozenset({"editor_a", "coordinator", "administrator"})
# Closed meetings are regional: the region's staff and council members of any of its
# municipalities see them (`meetings.rules.may_see_closed`).
INSIDERS = frozenset({"editor_a", "editor_b", "council_a", "coordinator", "administrator"})
MARKERS: dict[str, frozenset[str]] = {
    DRAFT_PROPOSAL: KEEPERS_OF_LEIDEN,
    DRAFT_CHECK: KEEPERS_OF_LEIDEN,
    CLOSED_MEETING: INSIDERS,
    CLOSED_ITEM: INSIDERS,
    CLOSED_DOCUMENT: INSIDERS,
    UNPUBLISHED_EVENT: KEEPERS_OF_LEIDEN,
    UNPUBLISHED_INITIATIVE: frozenset({"coordinator", "administrator"}),
    SUBMITTER_EMAIL: frozenset({"coordinator", "administrator"}),
}


@dataclass
class World:
    region: Region
    other_region: Region
    leiden: Municipality
    oegstgeest: Municipality
    users: dict[str, User | None]
    # target -> side -> URL/path parameters
    targets: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # (marker, HTML route name, kwargs, whether the URL is the marked row's own) and (marker,
    # API path, own) of the non-public rows: a role without rights gets no 200 for their own URL
    marker_pages: list[tuple[str, str, dict[str, Any], bool]] = field(default_factory=list)
    marker_api: list[tuple[str, str, bool]] = field(default_factory=list)
    objects: dict[str, Any] = field(default_factory=dict)


def _user(username: str, role: str, **scope: Any) -> User:
    # Partners and council members work on the site, not in the back office.
    staff = role not in (Membership.Role.PARTNER, Membership.Role.COUNCIL_MEMBER)
    user = User.objects.create_user(username=username, password=None, is_staff=staff)
    Membership.objects.create(user=user, role=role, **scope)
    return user


def build_world(region: Region, other_region: Region) -> World:
    leiden = Municipality.objects.get(code="GM0546")
    oegstgeest = Municipality.objects.get(code="GM0579")
    elsewhere = Municipality.objects.filter(region=other_region).order_by("code").first()
    assert elsewhere is not None
    organisation = Organisation.objects.create(
        region=region, slug="matrix-vereniging", name="Vereniging voor de matrix"
    )
    users: dict[str, User | None] = {
        "visitor": None,
        "partner": _user("m-partner", Membership.Role.PARTNER, organisation=organisation),
        "editor_a": _user("m-redacteur-a", Membership.Role.EDITOR, municipality=leiden),
        "editor_b": _user("m-redacteur-b", Membership.Role.EDITOR, municipality=oegstgeest),
        "council_a": _user("m-raadslid-a", Membership.Role.COUNCIL_MEMBER, municipality=leiden),
        "coordinator": _user("m-coordinator", Membership.Role.COORDINATOR, region=region),
        "administrator": _user("m-beheerder", Membership.Role.ADMINISTRATOR),
    }
    world = World(region, other_region, leiden, oegstgeest, users)
    t = world.targets

    def regional(**params: Any) -> dict[str, Any]:
        return {"region": region.slug, **params}

    def municipal(name: str, a: dict[str, Any], b: dict[str, Any]) -> None:
        t[name] = {"A": regional(**a), "B": regional(**b)}

    t["region"] = {"R": {"region": region.slug}, "X": {"region": other_region.slug}}
    t["municipality"] = {"A": {"slug": leiden.slug}, "B": {"slug": oegstgeest.slug}}
    t["municipality_code"] = {"A": {"code": leiden.code}, "B": {"code": oegstgeest.code}}

    theme = Theme.objects.filter(region=region).first()
    topic = Topic.objects.filter(region=region).first()
    assert theme is not None and topic is not None
    t["theme"] = {"R": regional(slug=theme.slug)}
    t["topic"] = {"R": regional(slug=topic.slug)}
    for name, model in (("quality", Quality), ("principle", Principle), ("agreement", Agreement)):
        row = model.objects.filter(region=region).first()  # type: ignore[attr-defined]
        if row is not None:
            t[name] = {"R": regional(slug=row.slug)}

    actions = {
        side: make_action(m, title=f"Matrixactie {side}")
        for side, m in (("A", leiden), ("B", oegstgeest))
    }
    municipal(
        "action",
        {"pk": actions["A"].pk, "id": actions["A"].pk},
        {"pk": actions["B"].pk, "id": actions["B"].pk},
    )
    world.objects["actions"] = actions

    proposals = {
        side: make_proposal(m, number=f"RV MATRIX-{side}", title=f"Matrixvoorstel {side}")
        for side, m in (("A", leiden), ("B", oegstgeest))
    }
    municipal(
        "proposal",
        {"pk": proposals["A"].pk, "id": proposals["A"].pk},
        {"pk": proposals["B"].pk, "id": proposals["B"].pk},
    )
    t["proposal_paragraph"] = {"A": {"pk": proposals["A"].pk, "format": "docx"}}
    # No stored file: the route's own refusals are what the matrix checks here.
    t["proposal_document"] = {"A": {"pk": proposals["A"].pk, "document_pk": 999999}}
    world.objects["proposals"] = proposals
    draft = make_proposal(
        leiden, number="RV MATRIX-CONCEPT", title=DRAFT_PROPOSAL, status=ProposalStatus.DRAFT
    )
    check = ImpactCheck.objects.create(
        proposal=proposals["A"], revision=1, consequences=DRAFT_CHECK
    )
    world.objects["draft_proposal"] = draft
    world.objects["draft_check"] = check
    world.marker_pages += [
        (DRAFT_PROPOSAL, "proposals:proposal", {"pk": draft.pk}, True),
        (DRAFT_PROPOSAL, "proposals:paragraph", {"pk": draft.pk, "format": "docx"}, True),
        (DRAFT_CHECK, "proposals:proposal", {"pk": proposals["A"].pk}, False),
    ]
    world.marker_api += [
        (DRAFT_PROPOSAL, f"/api/v1/regions/{region.slug}/proposals/{draft.pk}", True),
        (
            DRAFT_CHECK,
            f"/api/v1/regions/{region.slug}/proposals/{proposals['A'].pk}/checks",
            False,
        ),
    ]

    meetings = {
        side: make_meeting(
            region, title=f"Matrixvergadering {side}", organiser=m, registration_open=True
        )
        for side, m in (("A", leiden), ("B", oegstgeest))
    }
    items = {
        side: AgendaItem.objects.create(meeting=meeting, title=f"Matrixpunt {side}")
        for side, meeting in meetings.items()
    }
    municipal(
        "meeting",
        {"pk": meetings["A"].pk, "id": meetings["A"].pk},
        {"pk": meetings["B"].pk, "id": meetings["B"].pk},
    )
    t["meeting_item"] = {
        side: {"pk": meetings[side].pk, "item_pk": items[side].pk} for side in ("A", "B")
    }
    public_document = AgendaDocument.objects.create(
        item=items["A"], title="Matrixstuk", url="https://example.org/stuk.pdf"
    )
    t["meeting_document"] = {"A": {"pk": meetings["A"].pk, "document_pk": public_document.pk}}
    body = Body.objects.filter(region=region).first()
    assert body is not None
    t["meeting_body"] = {"R": {"slug": body.slug}}
    closed_meeting = make_meeting(region, title=CLOSED_MEETING, organiser=leiden, public=False)
    closed_item = AgendaItem.objects.create(
        meeting=meetings["A"], title=CLOSED_ITEM, public=False, position=2
    )
    closed_document = AgendaDocument.objects.create(
        item=closed_item, title=CLOSED_DOCUMENT, url="https://example.org/besloten.pdf"
    )
    world.objects.update(meetings=meetings, items=items, closed_meeting=closed_meeting)
    world.marker_pages += [
        (CLOSED_MEETING, "meetings:meeting", {"pk": closed_meeting.pk}, True),
        (CLOSED_MEETING, "meetings:meeting_ics", {"pk": closed_meeting.pk}, True),
        (
            CLOSED_DOCUMENT,
            "meetings:document",
            {"pk": meetings["A"].pk, "document_pk": closed_document.pk},
            True,
        ),
    ]
    world.marker_api += [
        (CLOSED_MEETING, f"/api/v1/regions/{region.slug}/meetings/{closed_meeting.pk}", True),
        (CLOSED_ITEM, f"/api/v1/regions/{region.slug}/meetings/{meetings['A'].pk}", False),
    ]

    events = {
        side: make_event(region, title=f"Matrixevenement {side}", municipality=m)
        for side, m in (("A", leiden), ("B", oegstgeest))
    }
    municipal(
        "event",
        {"pk": events["A"].pk, "id": events["A"].pk},
        {"pk": events["B"].pk, "id": events["B"].pk},
    )
    hidden_event = make_event(
        region, title=UNPUBLISHED_EVENT, municipality=leiden, moderation=Event.Moderation.PENDING
    )
    world.objects.update(events=events, hidden_event=hidden_event)
    world.marker_pages += [
        (UNPUBLISHED_EVENT, "events:event", {"pk": hidden_event.pk}, True),
        (UNPUBLISHED_EVENT, "events:event_ics", {"pk": hidden_event.pk}, True),
    ]
    world.marker_api.append(
        (UNPUBLISHED_EVENT, f"/api/v1/regions/{region.slug}/events/{hidden_event.pk}", True)
    )

    initiative = make_initiative(region, title="Matrixinitiatief", submitter_email=SUBMITTER_EMAIL)
    t["initiative"] = {"R": regional(reference=initiative.reference)}
    hidden_initiative = make_initiative(
        region, status=InitiativeStatus.SUBMITTED, title=UNPUBLISHED_INITIATIVE
    )
    world.marker_pages.append(
        (
            UNPUBLISHED_INITIATIVE,
            "initiatives:initiative",
            {"reference": hidden_initiative.reference},
            True,
        )
    )
    world.marker_api.append(
        (
            UNPUBLISHED_INITIATIVE,
            f"/api/v1/regions/{region.slug}/initiatives/{hidden_initiative.reference}",
            True,
        )
    )

    t["round"] = {"R": regional(slug=make_round(region, slug="matrixronde").slug)}
    dossier = make_dossier(region, slug="matrixdossier")
    t["dossier"] = {"R": regional(slug=dossier.slug)}
    t["dossier_decision"] = {
        side: {"slug": dossier.slug, "code": m.code, "body": "raad"}
        for side, m in (("A", leiden), ("B", oegstgeest))
    }
    t["comparison"] = {"R": regional(slug=make_comparison(region, slug="matrixvergelijking").slug)}

    joint_body = make_joint_body(region, slug="matrixregeling")
    other_body = make_joint_body(other_region, slug="matrixregeling-elders")
    t["joint_body"] = {
        "R": regional(slug=joint_body.slug),
        "X": {"region": other_region.slug, "slug": other_body.slug},
    }
    budget_request = make_budget_request(joint_body, year=2027, sent_on=datetime.date(2026, 4, 15))
    t["budget_request"] = {"R": {"pk": budget_request.pk, "id": budget_request.pk}}
    for m in (leiden, oegstgeest):
        decide(budget_request, m, decided_on=datetime.date(2026, 6, 1))
    t["budget_view"] = {
        side: {"id": budget_request.pk, "municipality": m.code}
        for side, m in (("A", leiden), ("B", oegstgeest))
    }
    participation = join(joint_body, leiden)
    t["participation"] = {"R": {"id": participation.pk}}
    t["contribution"] = {"R": {"id": contribute(participation, 2026, "1000").pk}}
    world.objects.update(joint_body=joint_body, budget_request=budget_request)

    domain = PolicyDomain.objects.filter(region=region).first()
    other_domain = PolicyDomain.objects.filter(region=other_region).first()
    assert domain is not None
    t["policy_domain"] = {"R": regional(slug=domain.slug)}
    if other_domain is not None:
        t["policy_domain"]["X"] = {"region": other_region.slug, "slug": other_domain.slug}
    competences = {
        side: make_competence(domain, municipality=m, decision=f"Matrixbesluit {side}")
        for side, m in (("A", leiden), ("B", oegstgeest))
    }
    t["competence"] = {side: {"id": c.pk} for side, c in competences.items()}
    world.objects["competences"] = competences
    assert Competence.objects.filter(pk=competences["A"].pk).exists()

    indicator = Indicator.objects.filter(region=region).first()
    assert indicator is not None
    t["indicator"] = {"R": regional(slug=indicator.slug)}
    t["indicator_download"] = {"R": {"slug": indicator.slug, "format": "csv"}}
    observation = Observation.objects.filter(indicator__region=region).first()
    if observation is not None:
        t["observation"] = {"R": regional(id=observation.pk)}
    target = Target.objects.filter(indicator__region=region).first()
    if target is not None:
        t["target"] = {"R": regional(id=target.pk)}
    run = ImportRun.objects.create(region=region, kind="cbs", description="Matriximport")
    t["import_run"] = {"R": {"pk": run.pk}}

    today = timezone.localdate()
    t["year"] = {"R": {"year": today.year - 1}}
    t["month"] = {"R": {"year": today.year, "month": today.month}}
    t["week"] = {"R": {"year": today.isocalendar().year, "week": today.isocalendar().week}}
    t["secret"] = {"R": {"token": "onbekende-code-voor-de-matrix"}}
    t["reset_secret"] = {"R": {"uidb64": "MQ", "token": "onbekende-code"}}
    return world
