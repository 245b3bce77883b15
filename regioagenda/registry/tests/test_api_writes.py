"""Keeping the register through the API: the coordinator keeps it, an editor records their own
council's views on budgets, the model's checks refuse bad input, nothing is stored then."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone

from regioagenda.accounts.models import User
from regioagenda.accounts.testing import with_second_factor
from regioagenda.accounts.tokens import issue_token
from regioagenda.registry.models import (
    BudgetRequest,
    BudgetView,
    Contribution,
    JointBody,
    Participation,
)
from regioagenda.registry.tests.factories import contribute, join, make_body

pytestmark = pytest.mark.django_db

BODIES = "/api/v1/regions/leidse-regio/joint-bodies"


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
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return getattr(client, method)(path, body, content_type="application/json", **headers)


def invalid(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {item["name"]: item["reason"] for item in response.json()["invalidParams"]}


def body_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "slug": "warmtenet",
        "name": "Regionaal warmtenet",
        "abbreviations": ["RW"],
        "legalForm": "openbaar-lichaam",
        "leadMunicipality": "GM0546",
        "themes": ["wonen-en-groen"],
    }
    payload.update(overrides)
    return payload


# Joint bodies ---------------------------------------------------------------------------------


def test_coordinator_creates_a_joint_body_and_the_audit_log_names_them(
    client, leidse_regio, coordinator, key_of
):
    response = call(client, "post", BODIES, key_of(coordinator), body_payload())
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["slug"], data["abbreviations"], data["leadMunicipality"], data["version"]) == (
        "warmtenet",
        ["RW"],
        "GM0546",
        1,
    )
    assert data["themes"] == ["wonen-en-groen"]
    body = JointBody.objects.get(region=leidse_regio, slug="warmtenet")
    assert {entry.actor for entry in LogEntry.objects.get_for_object(body)} == {coordinator}


@pytest.mark.parametrize("who", ["leiden_editor", "kust_coordinator", "council_member"])
def test_others_cannot_create_a_joint_body(client, leidse_regio, key_of, who, request):
    response = call(client, "post", BODIES, key_of(request.getfixturevalue(who)), body_payload())
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not JointBody.objects.filter(slug="warmtenet").exists()


def test_anonymous_writes_are_refused_with_401(client, leidse_regio):
    assert call(client, "post", BODIES, None, body_payload()).status_code == 401
    response = call(client, "delete", f"{BODIES}/servicepunt71", None)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert JointBody.objects.filter(slug="servicepunt71").exists()


def test_a_slug_in_use_and_an_unknown_theme_are_named(client, leidse_regio, coordinator, key_of):
    key = key_of(coordinator)
    taken = call(client, "post", BODIES, key, body_payload(slug="servicepunt71"))
    assert invalid(taken) == {"slug": "Deze korte naam is in deze regio al in gebruik."}
    unknown = call(client, "post", BODIES, key, body_payload(themes=["bestaat-niet"]))
    assert invalid(unknown) == {"themes": "'bestaat-niet' bestaat niet in deze regio."}
    backwards = call(
        client, "post", BODIES, key, body_payload(startedOn="2024-01-01", endedOn="2020-01-01")
    )
    assert invalid(backwards) == {"endedOn": "De einddatum ligt na de begindatum."}
    assert not JointBody.objects.filter(slug="warmtenet").exists()


def test_updating_a_joint_body_needs_the_current_version(client, leidse_regio, coordinator, key_of):
    body = make_body(leidse_regio)
    key = key_of(coordinator)
    path = f"{BODIES}/{body.slug}"
    first = call(client, "put", path, key, body_payload(slug=body.slug, name="Eerste", version=1))
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 2
    stale = call(client, "put", path, key, body_payload(slug=body.slug, name="Tweede", version=1))
    assert stale.status_code == 409
    assert "Iemand anders heeft dit item intussen gewijzigd" in stale.json()["detail"]
    body.refresh_from_db()
    assert (body.name, body.version) == ("Eerste", 2)


def test_editor_cannot_update_or_delete_a_joint_body(client, leidse_regio, leiden_editor, key_of):
    body = make_body(leidse_regio)
    key = key_of(leiden_editor)
    path = f"{BODIES}/{body.slug}"
    changed = call(client, "put", path, key, body_payload(slug=body.slug, version=1))
    assert changed.status_code == 403
    assert call(client, "delete", path, key).status_code == 403
    body.refresh_from_db()
    assert body.name == "Testregeling"


def test_coordinator_deletes_a_joint_body_with_its_participations(
    client, leidse_regio, leiden, coordinator, key_of
):
    body = make_body(leidse_regio)
    join(body, leiden)
    response = call(client, "delete", f"{BODIES}/{body.slug}", key_of(coordinator))
    assert response.status_code == 204
    assert not JointBody.objects.filter(pk=body.pk).exists()
    assert not Participation.objects.filter(body_id=body.pk).exists()


def test_coordinator_of_another_region_gets_404_for_an_unknown_body_and_403_otherwise(
    client, leidse_regio, kustregio, kust_coordinator, key_of
):
    key = key_of(kust_coordinator)
    body = make_body(leidse_regio)
    missing = call(client, "delete", f"{BODIES}/bestaat-niet", key)
    assert missing.status_code == 404
    assert call(client, "delete", f"{BODIES}/{body.slug}", key).status_code == 403


# Participations -------------------------------------------------------------------------------


def participation_payload(body: JointBody, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "region": "leidse-regio",
        "jointBody": body.slug,
        "municipality": "GM0546",
        "startedOn": "2020-01-01",
        "sourceTitle": "Deelnemerslijst",
        "sourceUrl": "https://example.org/deelnemers",
    }
    payload.update(overrides)
    return payload


def test_coordinator_adds_and_changes_a_participation(client, leidse_regio, coordinator, key_of):
    body = make_body(leidse_regio)
    key = key_of(coordinator)
    created = call(client, "post", "/api/v1/participations", key, participation_payload(body))
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["jointBody"], data["municipality"], data["name"]) == (
        "testregeling",
        "GM0546",
        "Leiden",
    )
    assert data["links"]["jointBody"] == f"/api/v1{BODIES.removeprefix('/api/v1')}/testregeling"
    changed = call(
        client,
        "put",
        f"/api/v1/participations/{data['id']}",
        key,
        participation_payload(body, endedOn="2024-01-01", version=data["version"]),
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["endedOn"], changed.json()["version"]) == ("2024-01-01", 2)


def test_a_participation_change_based_on_an_old_version_is_refused(
    client, leidse_regio, leiden, coordinator, key_of
):
    participation = join(make_body(leidse_regio), leiden, started_on=datetime.date(2020, 1, 1))
    path = f"/api/v1/participations/{participation.pk}"
    key = key_of(coordinator)
    body = participation.body
    first = call(
        client, "put", path, key, participation_payload(body, endedOn="2024-01-01", version=1)
    )
    assert first.status_code == 200, first.content
    stale = call(
        client, "put", path, key, participation_payload(body, endedOn="2025-01-01", version=1)
    )
    assert stale.status_code == 409, stale.content
    assert "ended_on" in stale.json()["detail"]
    participation.refresh_from_db()
    assert (participation.ended_on, participation.version) == (datetime.date(2024, 1, 1), 2)
    unversioned = call(client, "put", path, key, participation_payload(body))
    assert invalid(unversioned) == {"version": "ontbreekt"}


def test_an_overlapping_participation_is_refused_with_the_models_message(
    client, leidse_regio, leiden, coordinator, key_of
):
    body = make_body(leidse_regio)
    join(body, leiden, started_on=datetime.date(2018, 1, 1), ended_on=datetime.date(2022, 1, 1))
    response = call(
        client, "post", "/api/v1/participations", key_of(coordinator), participation_payload(body)
    )
    assert invalid(response) == {
        "startedOn": "Leiden neemt al deel aan Testregeling van 1 januari 2018 tot 1 januari "
        "2022; de periode 1 januari 2020 tot heden overlapt daarmee."
    }
    assert Participation.objects.filter(body=body).count() == 1


def test_a_participation_names_a_known_body_and_a_municipality_of_the_region(
    client, leidse_regio, kustregio, coordinator, key_of
):
    body = make_body(leidse_regio)
    response = call(
        client,
        "post",
        "/api/v1/participations",
        key_of(coordinator),
        participation_payload(body, jointBody="bestaat-niet", municipality="GM9901"),
    )
    assert invalid(response) == {
        "jointBody": "'bestaat-niet' bestaat niet in deze regio.",
        "municipality": "'GM9901' bestaat niet in deze regio.",
    }
    neither = call(
        client,
        "post",
        "/api/v1/participations",
        key_of(coordinator),
        participation_payload(body, municipality=None),
    )
    assert "gemeente van de regio óf" in invalid(neither)["municipality"]
    assert not Participation.objects.filter(body=body).exists()


def test_editor_cannot_add_a_participation(client, leidse_regio, leiden_editor, key_of):
    body = make_body(leidse_regio)
    response = call(
        client, "post", "/api/v1/participations", key_of(leiden_editor), participation_payload(body)
    )
    assert response.status_code == 403
    assert not Participation.objects.filter(body=body).exists()


def test_coordinator_deletes_a_participation(client, leidse_regio, leiden, coordinator, key_of):
    participation = join(make_body(leidse_regio), leiden)
    path = f"/api/v1/participations/{participation.pk}"
    assert call(client, "delete", path, key_of(coordinator)).status_code == 204
    assert not Participation.objects.filter(pk=participation.pk).exists()


# Contributions --------------------------------------------------------------------------------


def test_coordinator_records_a_contribution_in_a_year_of_participation(
    client, leidse_regio, leiden, coordinator, key_of
):
    participation = join(make_body(leidse_regio), leiden, started_on=datetime.date(2020, 1, 1))
    payload = {
        "participation": participation.pk,
        "year": 2021,
        "amountEur": "1500.25",
        "sourceTitle": "Begroting 2021",
    }
    response = call(client, "post", "/api/v1/contributions", key_of(coordinator), payload)
    assert response.status_code == 201, response.content
    assert response.json()["amountEur"] == "1500.25"
    assert Contribution.objects.get().amount_eur == Decimal("1500.25")


def test_a_contribution_outside_the_participation_is_refused(
    client, leidse_regio, leiden, coordinator, key_of
):
    participation = join(
        make_body(leidse_regio),
        leiden,
        started_on=datetime.date(2020, 1, 1),
        ended_on=datetime.date(2022, 1, 1),
    )
    key = key_of(coordinator)
    payload = {
        "participation": participation.pk,
        "year": 2023,
        "amountEur": "10",
        "sourceTitle": "Begroting 2023",
    }
    response = call(client, "post", "/api/v1/contributions", key, payload)
    assert invalid(response) == {
        "year": "Leiden nam in 2023 niet deel aan Testregeling (deelname: 1 januari 2020 tot 1 "
        "januari 2022); een bijdrage kan alleen in een jaar van deelname."
    }
    unknown = call(
        client, "post", "/api/v1/contributions", key, {**payload, "participation": 999999}
    )
    assert invalid(unknown) == {"participation": "'999999' bestaat niet."}
    assert not Contribution.objects.exists()


def test_a_second_contribution_for_a_year_is_refused(
    client, leidse_regio, leiden, coordinator, key_of
):
    participation = join(make_body(leidse_regio), leiden)
    contribute(participation, 2024, "1")
    payload = {
        "participation": participation.pk,
        "year": 2024,
        "amountEur": "2",
        "sourceTitle": "Begroting",
    }
    response = call(client, "post", "/api/v1/contributions", key_of(coordinator), payload)
    assert invalid(response) == {"year": "Voor dit jaar is al een bijdrage vastgelegd."}


def test_editor_cannot_change_a_contribution(
    client, leidse_regio, leiden, leiden_editor, coordinator, key_of
):
    contribution = contribute(join(make_body(leidse_regio), leiden), 2024, "1")
    path = f"/api/v1/contributions/{contribution.pk}"
    payload = {
        "participation": contribution.participation_id,
        "year": 2024,
        "amountEur": "99",
        "sourceTitle": "Begroting",
        "version": 1,
    }
    assert call(client, "put", path, key_of(leiden_editor), payload).status_code == 403
    assert call(client, "delete", path, key_of(leiden_editor)).status_code == 403
    contribution.refresh_from_db()
    assert contribution.amount_eur == Decimal("1")
    changed = call(client, "put", path, key_of(coordinator), payload)
    assert changed.status_code == 200, changed.content
    assert (changed.json()["amountEur"], changed.json()["version"]) == ("99.00", 2)


def test_a_contribution_change_based_on_an_old_version_is_refused(
    client, leidse_regio, leiden, coordinator, key_of
):
    contribution = contribute(join(make_body(leidse_regio), leiden), 2024, "1")
    path = f"/api/v1/contributions/{contribution.pk}"
    key = key_of(coordinator)
    payload = {
        "participation": contribution.participation_id,
        "year": 2024,
        "sourceTitle": "Begroting",
        "version": 1,
    }
    first = call(client, "put", path, key, {**payload, "amountEur": "2"})
    assert first.status_code == 200, first.content
    stale = call(client, "put", path, key, {**payload, "amountEur": "3"})
    assert stale.status_code == 409, stale.content
    assert "amount_eur" in stale.json()["detail"]
    contribution.refresh_from_db()
    assert (contribution.amount_eur, contribution.version) == (Decimal("2"), 2)


# Budget requests and views --------------------------------------------------------------------


def budget_payload(body: JointBody, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "region": "leidse-regio",
        "jointBody": body.slug,
        "kind": "ontwerpbegroting",
        "year": 2027,
        "title": "Ontwerpbegroting 2027",
        "sentOn": "2026-04-01",
        "viewsDueOn": "2026-06-15",
    }
    payload.update(overrides)
    return payload


def make_budget(body: JointBody, year: int = 2027) -> BudgetRequest:
    return BudgetRequest.objects.create(
        body=body,
        year=year,
        title=f"Ontwerpbegroting {year}",
        sent_on=datetime.date(year - 1, 4, 1),
        views_due_on=datetime.date(year - 1, 6, 15),
    )


def test_coordinator_sends_out_a_budget_and_updates_it_with_its_version(
    client, leidse_regio, coordinator, key_of
):
    body = make_body(leidse_regio)
    key = key_of(coordinator)
    created = call(client, "post", "/api/v1/budget-requests", key, budget_payload(body))
    assert created.status_code == 201, created.content
    path = f"/api/v1/budget-requests/{created.json()['id']}"
    first = call(client, "put", path, key, budget_payload(body, title="Herzien", version=1))
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = call(client, "put", path, key, budget_payload(body, title="Oud", version=1))
    assert stale.status_code == 409
    assert BudgetRequest.objects.get().title == "Herzien"


def test_a_budget_due_before_it_was_sent_is_refused(client, leidse_regio, coordinator, key_of):
    body = make_body(leidse_regio)
    response = call(
        client,
        "post",
        "/api/v1/budget-requests",
        key_of(coordinator),
        budget_payload(body, viewsDueOn="2026-03-01"),
    )
    assert invalid(response) == {
        "viewsDueOn": "De uiterste datum voor zienswijzen (1 maart 2026) ligt niet na de "
        "verzenddatum (1 april 2026)."
    }
    unknown = call(
        client,
        "post",
        "/api/v1/budget-requests",
        key_of(coordinator),
        budget_payload(body, region="nergens"),
    )
    assert invalid(unknown) == {"region": "'nergens' bestaat niet."}
    assert not BudgetRequest.objects.exists()


def test_without_a_due_date_the_councils_get_the_wgrs_twelve_weeks(
    client, leidse_regio, coordinator, key_of
):
    body = make_body(leidse_regio)
    payload = budget_payload(body)
    del payload["viewsDueOn"]
    response = call(client, "post", "/api/v1/budget-requests", key_of(coordinator), payload)
    assert response.status_code == 201, response.content
    assert response.json()["viewsDueOn"] == "2026-06-24"


def test_editor_cannot_send_out_a_budget(client, leidse_regio, leiden_editor, key_of):
    body = make_body(leidse_regio)
    response = call(
        client, "post", "/api/v1/budget-requests", key_of(leiden_editor), budget_payload(body)
    )
    assert response.status_code == 403
    assert not BudgetRequest.objects.exists()


def view_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "outcome": "zienswijze",
        "decidedOn": "2026-06-10",
        "summary": "Zorgen over de kosten.",
    }
    payload.update(overrides)
    return payload


def view_path(budget: BudgetRequest, code: str = "GM0546") -> str:
    return f"/api/v1/budget-requests/{budget.pk}/budget-views/{code}"


@pytest.fixture
def budget(leidse_regio, leiden, oegstgeest) -> BudgetRequest:
    body = make_body(leidse_regio)
    join(body, leiden, started_on=datetime.date(2020, 1, 1))
    join(body, oegstgeest, started_on=datetime.date(2020, 1, 1))
    return make_budget(body)


def test_editor_records_and_corrects_their_councils_view(client, budget, leiden_editor, key_of):
    key = key_of(leiden_editor)
    response = call(client, "put", view_path(budget), key, view_payload())
    assert response.status_code == 200, response.content
    assert response.json()["links"]["self"] == view_path(budget)
    view = BudgetView.objects.get()
    assert (view.municipality.code, view.outcome) == ("GM0546", "zienswijze")
    assert response.json()["version"] == 1
    corrected = call(
        client, "put", view_path(budget), key, view_payload(outcome="geen-zienswijze", version=1)
    )
    assert corrected.status_code == 200, corrected.content
    assert (corrected.json()["outcome"], corrected.json()["version"]) == ("geen-zienswijze", 2)
    assert BudgetView.objects.get().outcome == "geen-zienswijze"
    assert {entry.actor for entry in LogEntry.objects.get_for_object(view)} == {leiden_editor}
    assert client.get(view_path(budget)).json()["summary"] == "Zorgen over de kosten."
    assert call(client, "delete", view_path(budget), key).status_code == 204
    assert not BudgetView.objects.exists()


def test_a_view_correction_based_on_an_old_or_no_version_is_refused(
    client, budget, leiden_editor, key_of
):
    key = key_of(leiden_editor)
    assert call(client, "put", view_path(budget), key, view_payload()).status_code == 200
    first = call(client, "put", view_path(budget), key, view_payload(summary="Eerste", version=1))
    assert first.status_code == 200, first.content
    stale = call(client, "put", view_path(budget), key, view_payload(summary="Tweede", version=1))
    assert stale.status_code == 409, stale.content
    assert "summary" in stale.json()["detail"]
    # Without a version the client did not know the view was recorded already.
    blind = call(client, "put", view_path(budget), key, view_payload(summary="Derde"))
    assert blind.status_code == 409, blind.content
    view = BudgetView.objects.get()
    assert (view.summary, view.version) == ("Eerste", 2)


def test_editor_cannot_record_another_councils_view(
    client, budget, oegstgeest, oegstgeest_editor, leiden_editor, key_of
):
    response = call(client, "put", view_path(budget), key_of(oegstgeest_editor), view_payload())
    assert response.status_code == 403
    assert not BudgetView.objects.exists()
    BudgetView.objects.create(
        request=budget,
        municipality=oegstgeest,
        outcome=BudgetView.Outcome.VIEW,
        decided_on=datetime.date(2026, 6, 1),
    )
    path = view_path(budget, "GM0579")
    assert call(client, "put", path, key_of(leiden_editor), view_payload()).status_code == 403
    assert call(client, "delete", path, key_of(leiden_editor)).status_code == 403
    assert call(client, "put", path, None, view_payload()).status_code == 401
    assert BudgetView.objects.get().outcome == "zienswijze"


def test_a_view_from_a_council_that_did_not_take_part_that_year_is_refused(
    client, leidse_regio, leiden, coordinator, key_of
):
    body = make_body(leidse_regio)
    join(body, leiden, started_on=datetime.date(2020, 1, 1), ended_on=datetime.date(2025, 1, 1))
    budget = make_budget(body, 2027)
    response = call(client, "put", view_path(budget), key_of(coordinator), view_payload())
    assert invalid(response) == {
        "municipality": "Leiden nam in 2027 niet deel aan Testregeling; alleen de raden van "
        "deelnemende gemeenten geven een zienswijze op deze begroting."
    }
    too_early = call(
        client, "put", view_path(budget), key_of(coordinator), view_payload(decidedOn="2026-01-01")
    )
    assert "pas op 1 april 2026 verzonden" in invalid(too_early)["decidedOn"]
    assert not BudgetView.objects.exists()


def test_a_view_for_an_unknown_budget_or_municipality_is_a_404(client, budget, coordinator, key_of):
    key = key_of(coordinator)
    unknown_budget = f"/api/v1/budget-requests/{budget.pk + 1000}/budget-views/GM0546"
    assert call(client, "put", unknown_budget, key, view_payload()).status_code == 404
    assert call(client, "put", view_path(budget, "GM9999"), key, view_payload()).status_code == 404
    assert not BudgetView.objects.exists()
