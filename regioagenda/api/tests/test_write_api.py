"""Writing through the API: tokens, permissions and the same checks as the forms."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from regioagenda.accounts.models import ApiToken, Membership, User
from regioagenda.accounts.testing import with_second_factor
from regioagenda.accounts.tokens import issue_token, revoke_token
from regioagenda.agenda.models import Action, ProgressUpdate
from regioagenda.agenda.tests.factories import make_action
from regioagenda.prioritisation.models import Ballot
from regioagenda.prioritisation.tests.factories import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db) -> User:
    return with_second_factor(User.objects.create_superuser("beheerder", password=None))


def token_for(user: User, admin_user: User, days: int = 30) -> str:
    _, key = issue_token(
        with_second_factor(user),
        name="koppeling",
        memberships=list(user.memberships.all()),
        expires_at=timezone.now() + datetime.timedelta(days=days),
        by=admin_user,
    )
    return key


def call(client: Client, method: str, path: str, key: str | None, body: dict | None = None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return getattr(client, method)(path, body, content_type="application/json", **headers)


def action_body(**overrides):  # type: ignore[no-untyped-def]
    body = {
        "region": "leidse-regio",
        "title": "Regionaal warmteplan",
        "topic": "stadswarmtenet",
        "lead": "GM0546",
        "participants": ["GM0547"],
    }
    body.update(overrides)
    return body


def test_tokens_are_stored_hashed_and_shown_once(leiden_editor, admin_user):
    key = token_for(leiden_editor, admin_user)
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.key_prefix) and len(token.key_hash) == 64
    assert token.key_prefix == key[:8]


def test_only_an_administrator_issues_tokens_for_the_users_own_roles(
    leiden_editor, coordinator, admin_user
):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        issue_token(
            leiden_editor,
            name="x",
            memberships=list(leiden_editor.memberships.all()),
            expires_at=timezone.now() + datetime.timedelta(days=1),
            by=coordinator,
        )
    with pytest.raises(ValidationError):
        issue_token(
            leiden_editor,
            name="x",
            memberships=list(coordinator.memberships.all()),
            expires_at=timezone.now() + datetime.timedelta(days=1),
            by=admin_user,
        )
    with pytest.raises(ValidationError):
        issue_token(
            leiden_editor,
            name="x",
            memberships=list(leiden_editor.memberships.all()),
            expires_at=timezone.now() + datetime.timedelta(days=400),
            by=admin_user,
        )


def test_editor_creates_an_action_with_a_token(client: Client, leiden_editor, admin_user):
    key = token_for(leiden_editor, admin_user)
    response = call(client, "post", "/api/v1/actions", key, action_body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["lead"], body["participants"], body["status"]) == ("GM0546", ["GM0547"], "idea")
    assert response["API-Version"] == "1.0.0"
    assert Action.objects.get().status_changes.count() == 1


@pytest.mark.parametrize(
    ("key_kind", "status"),
    [("none", 401), ("wrong", 401), ("expired", 401), ("revoked", 401)],
)
def test_writes_without_a_valid_token_are_refused(
    client, leiden_editor, admin_user, key_kind, status
):
    key = token_for(leiden_editor, admin_user)
    if key_kind == "none":
        key = None
    elif key_kind == "wrong":
        key = key[:8] + "x" * 35
    elif key_kind == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    else:
        revoke_token(ApiToken.objects.get())
    response = call(client, "post", "/api/v1/actions", key, action_body())
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert not Action.objects.exists()


def test_a_token_only_acts_within_its_scope(client, leidse_regio, leiden, oegstgeest, admin_user):
    user = make_user("twee-petten", Membership.Role.EDITOR, municipality=leiden)
    oegstgeest_membership = Membership.objects.create(
        user=user, role=Membership.Role.EDITOR, municipality=oegstgeest
    )
    _, key = issue_token(
        with_second_factor(user),
        name="alleen oegstgeest",
        memberships=[oegstgeest_membership],
        expires_at=timezone.now() + datetime.timedelta(days=5),
        by=admin_user,
    )
    assert call(client, "post", "/api/v1/actions", key, action_body()).status_code == 403
    ok = call(client, "post", "/api/v1/actions", key, action_body(lead="GM0579"))
    assert ok.status_code == 201


def test_editor_of_another_municipality_cannot_change_an_action(
    client, leiden, oegstgeest_editor, admin_user
):
    action = make_action(leiden)
    key = token_for(oegstgeest_editor, admin_user)
    response = call(
        client,
        "put",
        f"/api/v1/actions/{action.pk}",
        key,
        action_body(title="Gekaapt", version=action.version, topic="economie071"),
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.title != "Gekaapt"


def test_an_outdated_version_gets_a_conflict(client, leiden, leiden_editor, admin_user):
    action = make_action(leiden)
    key = token_for(leiden_editor, admin_user)
    first = call(
        client,
        "put",
        f"/api/v1/actions/{action.pk}",
        key,
        action_body(title="Eerste", version=action.version, topic="economie071"),
    )
    assert first.status_code == 200 and first.json()["version"] == action.version + 1
    second = call(
        client,
        "put",
        f"/api/v1/actions/{action.pk}",
        key,
        action_body(title="Tweede", version=action.version, topic="economie071"),
    )
    assert second.status_code == 409
    assert "Iemand anders heeft dit item intussen gewijzigd" in second.json()["detail"]
    action.refresh_from_db()
    assert action.title == "Eerste"


def test_bad_input_is_a_readable_400_and_stores_nothing(client, leiden_editor, admin_user):
    key = token_for(leiden_editor, admin_user)
    unknown = call(client, "post", "/api/v1/actions", key, action_body(participants=["GM9999"]))
    assert unknown.status_code == 400
    assert unknown.json()["invalidParams"] == [
        {"name": "participants", "reason": "'GM9999' bestaat niet in deze regio."}
    ]
    both = call(client, "post", "/api/v1/actions", key, action_body(agreement="uitvoeringsagenda"))
    assert both.status_code == 400
    assert "onderwerp óf een afspraak" in both.json()["detail"]
    assert not Action.objects.exists()


def test_participant_reports_progress_through_the_api(
    client, leiden, oegstgeest, oegstgeest_editor, admin_user
):
    action = make_action(leiden)
    action.participants.add(oegstgeest)
    key = token_for(oegstgeest_editor, admin_user)
    today = timezone.localdate().isoformat()
    response = call(
        client,
        "post",
        f"/api/v1/actions/{action.pk}/progress-updates",
        key,
        {"municipality": "GM0579", "reportedOn": today, "percent": 30, "text": "Gestart"},
    )
    assert response.status_code == 201, response.content
    assert (
        call(
            client,
            "post",
            f"/api/v1/actions/{action.pk}/progress-updates",
            key,
            {"municipality": "GM0579", "reportedOn": today, "percent": 130, "text": "x"},
        ).status_code
        == 400
    )
    assert ProgressUpdate.objects.count() == 1
    listed = client.get(f"/api/v1/actions/{action.pk}/progress-updates").json()
    assert [u["percent"] for u in listed["items"]] == [30]
    assert client.get(f"/api/v1/actions/{action.pk}").json()["progressPercent"] == 30


def test_ballot_through_the_api_and_secrecy_until_closing(
    client, leidse_regio, leiden_editor, admin_user
):
    round = make_round(leidse_regio)
    key = token_for(leiden_editor, admin_user)
    path = f"/api/v1/regions/leidse-regio/rounds/{round.slug}"
    response = call(
        client,
        "post",
        f"{path}/ballots",
        key,
        {
            "municipality": "GM0546",
            "decisionReference": "Raadsbesluit 9",
            "ranks": {"1": 2, "2": 1, "3": 3, "4": 4},
        },
    )
    assert response.status_code == 201, response.content
    again = call(
        client,
        "post",
        f"{path}/ballots",
        key,
        {"municipality": "GM0546", "decisionReference": "x", "ranks": {"1": 1}},
    )
    assert again.status_code == 400 and "al gestemd" in again.json()["detail"]
    assert Ballot.objects.count() == 1

    public = client.get(path).json()
    assert public["voted"] == ["GM0546"]
    assert public["outcomes"] is None and public["ballots"] is None

    round.__class__.objects.filter(pk=round.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    closed = client.get(path).json()
    assert closed["outcomes"][0]["rule"] == "borda"
    assert closed["outcomes"][0]["placements"][0]["position"] == 2
    assert closed["ballots"][0]["ranks"] == {"1": 2, "2": 1, "3": 3, "4": 4}


def test_dossiers_are_read_and_decisions_recorded_with_a_token(
    client, leidse_regio, leiden_editor, oegstgeest_editor, admin_user
):
    from regioagenda.dossiers.tests.factories import make_dossier

    dossier = make_dossier(leidse_regio)
    path = f"/api/v1/regions/leidse-regio/dossiers/{dossier.slug}"
    assert client.get(path).json()["decisions"] == []
    decision = {
        "municipality": "GM0546",
        "body": "raad",
        "proposalTitle": "Woonagenda",
        "meetingDate": "2026-10-01",
        "outcome": "adopted",
        "documents": [{"kind": "motion", "title": "Motie starters", "result": "adopted"}],
    }

    key = token_for(leiden_editor, admin_user)
    response = call(client, "post", f"{path}/decisions", key, decision)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["decisions"][0]["outcome"] == "adopted"
    assert body["decisions"][0]["documents"][0]["title"] == "Motie starters"

    other = token_for(oegstgeest_editor, admin_user)
    assert call(client, "post", f"{path}/decisions", other, decision).status_code == 403
    stale = call(
        client,
        "post",
        f"{path}/decisions",
        key,
        {**decision, "outcome": "rejected", "version": None},
    )
    assert stale.status_code == 409
    assert client.get(path).json()["decisions"][0]["outcome"] == "adopted"
