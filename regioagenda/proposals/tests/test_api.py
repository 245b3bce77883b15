"""Proposals and their checks in the API: public reads without drafts, writes by the editors of
the proposal's own municipality (with the token's user in the audit log), the check's draft saved
and submitted through proposals.checks, and the suggestions the command gives."""

import datetime
import json
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from regioagenda.accounts.models import User
from regioagenda.accounts.testing import with_second_factor
from regioagenda.accounts.tokens import issue_token
from regioagenda.agenda.models import Action
from regioagenda.proposals.checks import (
    Affected,
    CheckAnswers,
    current_check,
    draft_for,
    save_draft,
    submit,
)
from regioagenda.proposals.models import (
    Effect,
    GoverningBody,
    ImpactCheck,
    Proposal,
    ProposalStatus,
)
from regioagenda.proposals.paragraph import regional_paragraph
from regioagenda.proposals.suggestions import suggest
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.registry.models import JointBody
from regioagenda.registry.tests.factories import make_body
from regioagenda.vision.models import Theme, Topic

pytestmark = pytest.mark.django_db

API = "/api/v1/regions/leidse-regio/proposals"
TEXT = (
    "Het college stelt de raad voor een zienswijze te geven op de begroting van de "
    "gemeenschappelijke regeling. De regionale samenwerking met Leiderdorp en Oegstgeest op "
    "het gebied van sociale huurwoningen en bereikbaarheid wordt versterkt; de fietsroute "
    "langs de Oude Rijn naar Katwijk wordt verbeterd."
)


@pytest.fixture
def admin_user(db) -> User:
    return with_second_factor(User.objects.create_superuser("beheerder", password=None))


@pytest.fixture
def key_of(admin_user):  # type: ignore[no-untyped-def]
    def key(user: User) -> str:
        _, key = issue_token(
            with_second_factor(user),
            name="koppeling",
            memberships=list(user.memberships.all()),
            expires_at=timezone.now() + datetime.timedelta(days=30),
            by=admin_user,
        )
        return key

    return key


def call(client: Client, method: str, path: str, key: str | None, body: Any = None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if method == "get":
        return client.get(path, body, headers=headers)
    return getattr(client, method)(path, body, content_type="application/json", headers=headers)


def invalid(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {item["name"]: item["reason"] for item in response.json()["invalidParams"]}


def numbers(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return sorted(item["number"] for item in response.json()["items"])


@pytest.fixture
def theme(leidse_regio) -> Theme:
    return Theme.objects.filter(region=leidse_regio, topics__isnull=False).order_by("position")[0]


@pytest.fixture
def topic(theme) -> Topic:
    return Topic.objects.filter(theme=theme).order_by("position")[0]


@pytest.fixture
def body(leidse_regio) -> JointBody:
    return JointBody.objects.filter(region=leidse_regio).order_by("pk").first() or make_body(
        leidse_regio
    )


def checked(proposal: Proposal, by: User, **values: Any) -> ImpactCheck:
    """Submit a check of the proposal with these answers, the way the form does."""
    draft = draft_for(proposal, by=by)
    answers = CheckAnswers(**{"regional": False, **values})
    saved = save_draft(draft, answers, version=draft.version, by=by)
    return submit(saved, version=saved.version, by=by)


# Reading --------------------------------------------------------------------------------------


def test_a_draft_proposal_is_only_for_those_who_may_write_it(
    client, leiden, leiden_editor, oegstgeest_editor, coordinator, key_of
):
    make_proposal(leiden, "RV 1", status=ProposalStatus.DRAFT)
    public = make_proposal(leiden, "RV 2")
    draft_id = Proposal.objects.get(number="RV 1").pk

    assert numbers(client.get(API)) == ["RV 2"]
    assert client.get(f"{API}/{draft_id}").status_code == 404
    assert client.get(f"{API}/{public.pk}").status_code == 200
    for user in (leiden_editor, coordinator):
        key = key_of(user)
        assert numbers(call(client, "get", API, key)) == ["RV 1", "RV 2"]
        assert call(client, "get", f"{API}/{draft_id}", key).json()["status"] == "concept"
    other = key_of(oegstgeest_editor)
    assert numbers(call(client, "get", API, other)) == ["RV 2"]
    assert call(client, "get", f"{API}/{draft_id}", other).status_code == 404


def test_an_invalid_key_is_refused_rather_than_read_as_anonymous(client, leiden):
    make_proposal(leiden)

    response = call(client, "get", API, "not-a-key")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_proposal_carries_its_fields_documents_links_and_current_check(
    client, leidse_regio, leiden, leiden_editor, theme, topic
):
    proposal = make_proposal(
        leiden,
        "RV 26.0012",
        title="Fietsroute Oude Rijn",
        summary="Een betere fietsroute.",
        decision_date=datetime.date(2026, 11, 1),
        status=ProposalStatus.DECIDED,
    )
    proposal.links.create(title="iBabs", url="https://leiden.example.org/rv-26-0012")
    proposal.documents.create(
        name="voorstel.pdf",
        media_type="application/pdf",
        size=1234,
        sha256="a" * 64,
        file="voorstellen/x/a",
        pages=3,
        has_text=False,
        note="Gescande PDF zonder tekst.",
    )
    checked(proposal, leiden_editor, regional=False)
    latest = checked(
        proposal,
        leiden_editor,
        themes=[theme],
        topics=[topic],
        regional=True,
        consequences="Meer fietsers uit Leiderdorp.",
        affected=[Affected("GM0547", "Leiderdorp", Effect.POSITIVE, "Een betere route.")],
    )
    draft_for(proposal, by=leiden_editor)  # an open draft is not the proposal's check

    data = client.get(f"{API}/{proposal.pk}").json()

    assert latest == current_check(proposal)
    assert data["number"] == "RV 26.0012"
    assert data["municipality"] == "GM0546"
    assert (data["body"], data["status"]) == ("raad", "besloten")
    assert (data["date"], data["decisionDate"]) == ("2026-10-01", "2026-11-01")
    assert data["sourceLinks"] == [
        {"title": "iBabs", "url": "https://leiden.example.org/rv-26-0012"}
    ]
    assert data["documents"] == [
        {
            "name": "voorstel.pdf",
            "mediaType": "application/pdf",
            "size": 1234,
            "pages": 3,
            "hasText": False,
            "note": "Gescande PDF zonder tekst.",
        }
    ]
    check = data["check"]
    assert check["revision"] == latest.revision == 2
    assert check["state"] == "ingediend"
    assert (check["themes"], check["topics"]) == ([theme.slug], [topic.slug])
    assert check["affected"] == [
        {
            "code": "GM0547",
            "name": "Leiderdorp",
            "effect": "positief",
            "explanation": "Een betere route.",
        }
    ]
    assert check["regional"] is True
    assert check["paragraph"] == regional_paragraph(latest)
    assert data["links"] == {
        "self": f"{API}/{proposal.pk}",
        "checks": f"{API}/{proposal.pk}/checks",
        "municipality": "/api/v1/municipalities/GM0546",
        "page": proposal.get_absolute_url(),
    }


def test_a_proposal_without_a_submitted_check_has_none(client, leiden, leiden_editor):
    proposal = make_proposal(leiden)
    draft_for(proposal, by=leiden_editor)

    assert client.get(f"{API}/{proposal.pk}").json()["check"] is None


def test_proposals_filter_by_their_fields_and_their_current_check(
    client, leidse_regio, leiden, oegstgeest, leiden_editor, coordinator, theme, topic, body
):
    other_theme = Theme.objects.filter(region=leidse_regio).exclude(pk=theme.pk)[0]
    first = make_proposal(leiden, "A", date=datetime.date(2026, 1, 10))
    second = make_proposal(leiden, "B", body=GoverningBody.COLLEGE, status=ProposalStatus.DECIDED)
    third = make_proposal(oegstgeest, "C", date=datetime.date(2026, 12, 1))
    make_proposal(oegstgeest, "D")  # no check at all
    checked(
        first,
        leiden_editor,
        themes=[theme],
        regional=True,
        consequences="Ook voor Oegstgeest.",
        affected=[Affected("GM0579", "Oegstgeest")],
        joint_bodies=[body],
    )
    checked(second, leiden_editor, topics=[topic])
    # C's first check named the theme; its current one does not.
    checked(third, coordinator, themes=[theme])
    checked(third, coordinator, themes=[other_theme])

    assert numbers(client.get(API, {"municipality": "gm0579"})) == ["C", "D"]
    assert numbers(client.get(API, {"body": "college"})) == ["B"]
    assert numbers(client.get(API, {"status": "besloten"})) == ["B"]
    assert numbers(client.get(API, {"dateFrom": "2026-02-01", "dateTo": "2026-11-01"})) == [
        "B",
        "D",
    ]
    assert numbers(client.get(API, {"theme": theme.slug})) == ["A", "B"]
    assert numbers(client.get(API, {"topic": topic.slug})) == ["B"]
    assert numbers(client.get(API, {"affected": "GM0579"})) == ["A"]
    assert numbers(client.get(API, {"jointBody": body.slug})) == ["A"]
    assert numbers(client.get(API, {"regional": "true"})) == ["A"]
    assert numbers(client.get(API, {"regional": "false"})) == ["B", "C"]
    assert invalid(client.get(API, {"dateFrom": "1"})).keys() == {"dateFrom"}
    assert client.get("/api/v1/regions/nergens/proposals").status_code == 404


def test_checks_list_submitted_revisions_newest_first_and_the_draft_only_for_writers(
    client, leiden, leiden_editor, oegstgeest_editor, key_of
):
    proposal = make_proposal(leiden)
    checked(proposal, leiden_editor, regional=False)
    checked(proposal, leiden_editor, regional=True, consequences="Gevolgen voor de regio.")
    draft_for(proposal, by=leiden_editor)
    path = f"{API}/{proposal.pk}/checks"

    def revisions(key: str | None, **params: Any) -> list[tuple[int, str]]:
        response = call(client, "get", path, key, params)
        assert response.status_code == 200, response.content
        return [(item["revision"], item["state"]) for item in response.json()["items"]]

    submitted = [(2, "ingediend"), (1, "ingediend")]
    assert revisions(None) == submitted
    assert revisions(None, includeDraft="true") == submitted
    assert revisions(key_of(oegstgeest_editor), includeDraft="true") == submitted
    assert revisions(key_of(leiden_editor)) == submitted
    assert revisions(key_of(leiden_editor), includeDraft="true") == [(3, "concept"), *submitted]


def test_the_checks_list_writes_every_paragraph_without_queries_of_its_own(
    client, leidse_regio, leiden, leiden_editor
):
    theme = Theme.objects.filter(region=leidse_regio).order_by("position").first()
    full = {
        "regional": True,
        "consequences": "Meer verkeer.",
        "themes": [theme],
        "topics": list(Topic.objects.filter(theme=theme)[:2]),
        "joint_bodies": [make_body(leidse_regio, "proefregeling")],
        "coordination_needed": True,
        "coordinate_with": list(leidse_regio.municipalities.exclude(code="GM0546")[:2]),
        "affected": [Affected("GM0547", "Leiderdorp", Effect.NEGATIVE, "Verkeer.")],
    }
    proposal = make_proposal(leiden)
    checked(proposal, leiden_editor, **full)
    path = f"{API}/{proposal.pk}/checks"
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(path).json()["items"]) == 1
    for _ in range(3):
        checked(proposal, leiden_editor, **full)

    with CaptureQueriesContext(connection) as four:
        items = client.get(path).json()["items"]

    assert len(items) == 4
    assert items[0]["paragraph"] == regional_paragraph(ImpactCheck.objects.get(revision=4))
    assert len(four) == len(one)


# Writing proposals ----------------------------------------------------------------------------


def proposal_body(**overrides: Any) -> dict[str, Any]:
    return {
        "municipality": "GM0546",
        "body": "raad",
        "number": "RV 26.0100",
        "title": "Regionale woonagenda",
        "date": "2026-10-01",
        "status": "in-procedure",
        "summary": "Afspraken over sociale huur.",
        "sourceLinks": [{"title": "Notubiz", "url": "https://leiden.example.org/rv"}],
        **overrides,
    }


def test_an_editor_registers_a_proposal_of_their_municipality(
    client, leiden, leiden_editor, coordinator, key_of
):
    response = call(
        client,
        "post",
        API,
        key_of(leiden_editor),
        # Who registered it, its id and its version are the API's to decide.
        proposal_body(id=999999, version=7, createdBy=coordinator.pk, created_by=coordinator.pk),
    )

    assert response.status_code == 201, response.content
    data = response.json()
    proposal = Proposal.objects.get(number="RV 26.0100")
    assert data["id"] == proposal.pk != 999999
    assert (proposal.version, data["version"]) == (1, 1)
    assert proposal.created_by == leiden_editor
    assert proposal.municipality == leiden
    assert proposal.summary == "Afspraken over sociale huur."
    assert [(link.title, link.url) for link in proposal.links.all()] == [
        ("Notubiz", "https://leiden.example.org/rv")
    ]
    assert {entry.actor for entry in LogEntry.objects.get_for_object(proposal)} == {leiden_editor}


def test_an_editor_cannot_register_a_proposal_of_another_municipality(
    client, leiden, oegstgeest_editor, key_of
):
    response = call(client, "post", API, key_of(oegstgeest_editor), proposal_body())

    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_without_a_token_nothing_is_registered(client, leiden):
    response = call(client, "post", API, None, proposal_body())

    assert response.status_code == 401
    assert not Proposal.objects.exists()


def test_a_proposal_payload_is_checked_field_by_field(client, leiden, leiden_editor, key_of):
    key = key_of(leiden_editor)
    make_proposal(leiden, "RV 26.0100")

    assert invalid(call(client, "post", API, key, proposal_body(municipality="GM9999"))).keys() == {
        "municipality"
    }
    assert invalid(call(client, "post", API, key, proposal_body())).keys() == {"number"}
    assert invalid(
        call(client, "post", API, key, proposal_body(number="X", decisionDate="2026-01-01"))
    ).keys() == {"decisionDate"}
    assert invalid(
        call(
            client,
            "post",
            API,
            key,
            proposal_body(number="Y", sourceLinks=[{"title": "a", "url": "geen adres"}]),
        )
    ).keys() == {"sourceLinks.0.url"}
    assert invalid(call(client, "post", API, key, proposal_body(body="gemeente"))).keys() == {
        "body"
    }
    assert Proposal.objects.count() == 1


def test_an_editor_changes_a_proposal_with_its_version(
    client, leiden, leiden_editor, oegstgeest_editor, key_of
):
    proposal = make_proposal(leiden, "RV 26.0100")
    path = f"{API}/{proposal.pk}"
    key = key_of(leiden_editor)

    changed = call(client, "put", path, key, proposal_body(title="Nieuwe titel", version=1))
    stale = call(client, "put", path, key, proposal_body(title="Oude titel", version=1))
    other = call(
        client, "put", path, key_of(oegstgeest_editor), proposal_body(title="X", version=2)
    )
    moved = call(
        client, "put", path, key, proposal_body(municipality="GM0579", title="X", version=2)
    )
    anonymous = call(client, "put", path, None, proposal_body(title="X", version=2))

    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "Nieuwe titel"
    assert changed.json()["version"] == 2
    assert stale.status_code == 409
    assert (other.status_code, moved.status_code, anonymous.status_code) == (403, 403, 401)
    proposal.refresh_from_db()
    assert (proposal.title, proposal.version, proposal.municipality) == ("Nieuwe titel", 2, leiden)
    changes = LogEntry.objects.get_for_object(proposal).filter(action=LogEntry.Action.UPDATE)
    assert {entry.actor for entry in changes} == {leiden_editor}


# Writing the check ----------------------------------------------------------------------------


def test_a_check_is_drafted_and_submitted_through_the_api(
    client, leidse_regio, leiden, leiden_editor, theme, topic, body, key_of
):
    proposal = make_proposal(leiden)
    action = Action.objects.filter(region=leidse_regio).order_by("pk").first()
    key = key_of(leiden_editor)
    draft_path = f"{API}/{proposal.pk}/checks/draft"
    answers = {
        "themes": [theme.slug],
        "topics": [topic.slug],
        "jointBodies": [body.slug],
        "actions": [action.pk] if action else [],
        "consistency": "past",
        "regional": True,
        "coordinationNeeded": True,
        "coordinateWith": ["gm0579"],
        "consequences": "Meer verkeer richting Oegstgeest.",
        "affected": [{"code": "GM0547", "effect": "negatief", "explanation": "Drukte."}],
        "state": "ingediend",  # not the payload's to decide
        "version": 1,
    }

    saved = call(client, "put", draft_path, key, answers)
    assert saved.status_code == 200, saved.content
    draft = saved.json()
    assert (draft["state"], draft["revision"]) == ("concept", 1)
    assert draft["affected"][0]["name"] == "Leiderdorp"  # the name Regio-agenda knows
    assert client.get(f"{API}/{proposal.pk}").json()["check"] is None
    assert call(client, "post", f"{draft_path}/submit", key, {"version": 1}).status_code == 409

    submitted = call(client, "post", f"{draft_path}/submit", key, {"version": draft["version"]})

    assert submitted.status_code == 200, submitted.content
    check = current_check(proposal)
    assert check is not None
    assert check.submitted_by == leiden_editor
    assert {entry.actor for entry in LogEntry.objects.get_for_object(check)} == {leiden_editor}
    shown = client.get(f"{API}/{proposal.pk}").json()["check"]
    assert shown == client.get(f"{API}/{proposal.pk}/checks").json()["items"][0]
    assert shown["state"] == "ingediend"
    assert (shown["themes"], shown["topics"], shown["jointBodies"]) == (
        [theme.slug],
        [topic.slug],
        [body.slug],
    )
    assert shown["actions"] == ([action.pk] if action else [])
    assert shown["coordinateWith"] == ["GM0579"]
    assert shown["paragraph"] == regional_paragraph(check)
    assert "Oegstgeest" in shown["paragraph"]


def test_a_check_with_unknown_names_is_refused_naming_the_fields(
    client, leidse_regio, kustregio, leiden, leiden_editor, key_of
):
    proposal = make_proposal(leiden)
    foreign_theme = Theme.objects.filter(region=kustregio).first()
    assert foreign_theme is not None
    path = f"{API}/{proposal.pk}/checks/draft"

    response = call(
        client,
        "put",
        path,
        key_of(leiden_editor),
        {
            "themes": ["bestaat-niet", foreign_theme.slug],
            "jointBodies": ["geen-regeling"],
            "coordinateWith": ["GM9999"],
            "actions": [2**31 - 1],
            "version": 1,
        },
    )

    problems = invalid(response)
    assert problems.keys() == {"themes", "jointBodies", "coordinateWith", "actions"}
    assert "bestaat-niet" in problems["themes"]
    assert not ImpactCheck.objects.exists()


def test_a_check_that_names_the_own_municipality_or_lacks_answers_is_refused(
    client, leiden, leiden_editor, key_of
):
    proposal = make_proposal(leiden)
    key = key_of(leiden_editor)
    path = f"{API}/{proposal.pk}/checks/draft"

    own = call(client, "put", path, key, {"affected": [{"code": "GM0546"}], "version": 1})
    assert invalid(own).keys() == {"affected"}
    assert not ImpactCheck.objects.exists()

    saved = call(client, "put", path, key, {"regional": True, "version": 1}).json()
    refused = call(client, "post", f"{path}/submit", key, {"version": saved["version"]})

    assert invalid(refused).keys() == {"consequences"}
    assert current_check(proposal) is None


def test_only_those_who_may_write_the_check_draft_it(
    client, leiden, oegstgeest_editor, council_member, key_of
):
    proposal = make_proposal(leiden)
    path = f"{API}/{proposal.pk}/checks/draft"

    other = call(client, "put", path, key_of(oegstgeest_editor), {"version": 1})
    reader = call(client, "put", path, key_of(council_member), {"version": 1})
    anonymous = call(client, "put", path, None, {"version": 1})
    no_draft = call(client, "post", f"{path}/submit", key_of(oegstgeest_editor), {"version": 1})

    assert (other.status_code, reader.status_code, anonymous.status_code) == (403, 403, 401)
    assert no_draft.status_code == 403
    assert not ImpactCheck.objects.exists()


# Suggestions ----------------------------------------------------------------------------------


def test_impact_suggestions_are_what_the_command_gives(client, leidse_regio, leiden):
    response = client.post(
        "/api/v1/impact-suggestions",
        {"text": TEXT, "municipality": "gm0546"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    expected = suggest(TEXT, region=leidse_regio, municipality=leiden).as_json()
    assert response.json() == json.loads(json.dumps(expected))
    assert [m["code"] for m in response.json()["municipalities"]][:1] != ["GM0546"]
    assert response.json()["regional"]["value"] is True


def test_impact_suggestions_of_an_unknown_or_malformed_municipality_or_region_are_refused(
    client, leidse_regio, kustregio
):
    def post(**body: Any):  # type: ignore[no-untyped-def]
        return client.post(
            "/api/v1/impact-suggestions",
            {"text": "Een tekst.", "municipality": "GM0546", **body},
            content_type="application/json",
        )

    def unknown(response) -> set[str]:  # type: ignore[no-untyped-def]
        # Well-formed, but naming nothing: not found, with the field named.
        assert response.status_code == 404, response.content
        return {item["name"] for item in response.json()["invalidParams"]}

    assert unknown(post(municipality="GM9999")) == {"municipality"}
    assert unknown(post(region="nergens")) == {"region"}
    assert unknown(post(region=kustregio.slug)) == {"municipality"}
    assert invalid(post(municipality="Leiden")).keys() == {"municipality"}
    assert invalid(post(text="x" * 200_001)).keys() == {"text"}
    assert post(region="leidse-regio").status_code == 200
