"""The second factor: who is asked, setting it up, giving the code, and the ways around it that
must stay shut (a password reset, the admin, the API, tokens).

These tests sign in through the forms, or mark themselves `second_factor_enforced` so that
`client.force_login` leaves the session unverified (see accounts/testing.py).
"""

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from regioagenda.accounts import second_factor, views
from regioagenda.accounts.models import ApiToken, Membership, User
from regioagenda.accounts.testing import current_code, give_second_factor
from regioagenda.accounts.tokens import issue_token
from regioagenda.regions.models import Organisation

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-wachtwoord-123"
LOGIN = "/inloggen/"
VERIFY = "/inloggen/verificatiecode/"
SETUP = "/inloggen/tweede-stap-instellen/"
ADMIN = "/beheer/"


@pytest.fixture
def audit(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """The audit records the second-factor steps write, as (action, keyword arguments)."""
    records: list[tuple[str, dict[str, Any]]] = []

    def record(action: str, **kwargs: Any) -> None:
        records.append((action, kwargs))

    monkeypatch.setattr(second_factor, "record", record)
    monkeypatch.setattr(views, "record", record)
    return records


@pytest.fixture
def editor(leiden) -> User:
    user = User.objects.create_user("redacteur", password=PASSWORD, is_staff=True)
    Membership.objects.create(user=user, role=Membership.Role.EDITOR, municipality=leiden)
    return user


def log_in_with_password(client: Client, username: str, **extra: Any) -> None:
    response = client.post(LOGIN, {"username": username, "password": PASSWORD}, **extra)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_who_needs_a_second_factor(leiden, leidse_regio):
    organisation = Organisation.objects.filter(region=leidse_regio).first()
    partner = User.objects.create_user("partner")
    Membership.objects.create(user=partner, role=Membership.Role.PARTNER, organisation=organisation)
    council_member = User.objects.create_user("raadslid")
    Membership.objects.create(
        user=council_member, role=Membership.Role.COUNCIL_MEMBER, municipality=leiden
    )
    administrator = User.objects.create_user("beheerder")
    Membership.objects.create(user=administrator, role=Membership.Role.ADMINISTRATOR)

    assert second_factor.needs_second_factor(council_member)
    assert second_factor.needs_second_factor(administrator)
    assert second_factor.needs_second_factor(User.objects.create_user("balie", is_staff=True))
    assert second_factor.needs_second_factor(User.objects.create_superuser("root"))
    assert not second_factor.needs_second_factor(partner)
    assert not second_factor.needs_second_factor(User.objects.create_user("bewoner"))


def test_staff_without_a_device_is_sent_to_set_one_up_and_confirms_it_with_a_code(
    client: Client, editor, audit
):
    log_in_with_password(client, "redacteur")

    response = client.get(reverse("website:municipality_edit", kwargs={"slug": "leiden"}))
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=/gemeenten/leiden/bewerken/"

    page = client.get(response["Location"])
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    assert second_factor.secret_in_groups(device) in html
    assert 'src="data:image/svg+xml' in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    # Reloading shows the same secret, so a code already scanned stays good.
    assert second_factor.secret_in_groups(device) in client.get(SETUP).content.decode()
    assert TOTPDevice.objects.filter(user=editor).count() == 1

    response = client.post(
        SETUP, {"code": current_code(device), "next": "/gemeenten/leiden/bewerken/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/gemeenten/leiden/bewerken/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/gemeenten/leiden/bewerken/").status_code == 200
    assert [action for action, _ in audit] == ["second_factor.added", "second_factor.verified"]
    assert all(kwargs["actor"] == editor for _, kwargs in audit)


def test_staff_with_a_device_must_give_a_code_before_reaching_the_admin(
    client: Client, editor, audit
):
    device = give_second_factor(editor)
    log_in_with_password(client, "redacteur")

    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=/beheer/"
    assert client.get(SETUP).status_code == 302  # no new device for a session without a code

    response = client.post(VERIFY, {"code": current_code(device), "next": ADMIN})

    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert [action for action, _ in audit] == ["second_factor.verified"]


def test_a_wrong_code_is_refused_with_a_dutch_message(client: Client, editor, audit):
    device = give_second_factor(editor)
    log_in_with_password(client, "redacteur")
    good = current_code(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"code": wrong})

    assert response.status_code == 200
    page = response.content.decode()
    assert "De verificatiecode klopt niet" in page
    assert 'aria-invalid="true"' in page
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(ADMIN).status_code == 302
    assert audit[-1][0] == "second_factor.failed" and audit[-1][1]["result"] == "failure"

    letters = client.post(VERIFY, {"code": "abcdef"}).content.decode()
    assert "Een verificatiecode bestaat uit 6 cijfers." in letters


def test_a_code_is_accepted_once(client: Client, editor):
    device = give_second_factor(editor)
    log_in_with_password(client, "redacteur")
    code = current_code(device)
    assert client.post(VERIFY, {"code": code}).status_code == 302

    other = Client()
    log_in_with_password(other, "redacteur")
    assert other.post(VERIFY, {"code": code}).status_code == 200
    assert DEVICE_ID_SESSION_KEY not in other.session


def test_ten_wrong_codes_lock_the_account_and_end_the_session(client: Client, editor):
    device = give_second_factor(editor)
    log_in_with_password(client, "redacteur")
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    # django-otp's own throttle refuses codes for a while after each wrong one; axes counts
    # every attempt, refused or wrong.
    statuses = [client.post(VERIFY, {"code": wrong}).status_code for _ in range(10)]

    assert statuses == [200] * 9 + [429]
    assert "_auth_user_id" not in client.session
    # The right password from elsewhere is refused too until the hour is over.
    other = Client()
    response = other.post(
        LOGIN, {"username": "redacteur", "password": PASSWORD}, REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 429


def test_a_partner_is_not_asked_for_a_code(client: Client, leidse_regio):
    organisation = Organisation.objects.filter(region=leidse_regio).first()
    partner = User.objects.create_user("partner", password=PASSWORD)
    Membership.objects.create(user=partner, role=Membership.Role.PARTNER, organisation=organisation)
    log_in_with_password(client, "partner")

    assert client.get(reverse("accounts:profile")).status_code == 200
    assert not TOTPDevice.objects.filter(user=partner).exists()


def test_a_password_reset_does_not_skip_the_second_factor(client: Client, editor):
    device = give_second_factor(editor)
    editor.email = "redacteur@example.org"
    editor.save()

    response = client.post("/wachtwoord-vergeten/", {"email": "redacteur@example.org"})
    assert response["Location"] == "/wachtwoord-vergeten/verstuurd/"
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/wachtwoord-vergeten/\S+/)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    new_password = "een-heel-nieuw-wachtwoord-456"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response["Location"] == "/wachtwoord-vergeten/klaar/"
    assert "_auth_user_id" not in client.session  # a reset signs nobody in

    response = client.post(LOGIN, {"username": "redacteur", "password": new_password})
    assert response.status_code == 302
    assert client.get(ADMIN)["Location"] == f"{VERIFY}?next=/beheer/"
    assert TOTPDevice.objects.get(user=editor, confirmed=True) == device


def test_a_password_set_in_the_admin_does_not_skip_the_second_factor(client: Client, editor):
    give_second_factor(editor)
    administrator = User.objects.create_superuser("root", password=PASSWORD)
    admin_client = Client()
    admin_client.force_login(administrator)
    new_password = "door-de-beheerder-gezet-789"
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[editor.pk]),
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    response = client.post(LOGIN, {"username": "redacteur", "password": new_password})
    assert response.status_code == 302
    assert client.get(ADMIN)["Location"] == f"{VERIFY}?next=/beheer/"


@pytest.mark.second_factor_enforced
def test_an_unverified_session_is_a_visitor_to_the_api_and_kept_from_the_admin(
    client: Client, editor
):
    give_second_factor(editor)
    client.force_login(editor)

    assert client.get(ADMIN).status_code == 302
    assert client.get(reverse("admin:regions_municipality_changelist")).status_code == 302
    response = client.get("/api/v1/regions")
    assert response.status_code == 200  # public, as for anyone
    assert client.get("/en/account/")["Location"].startswith(f"/en{VERIFY}")
    assert client.get(reverse("accounts:logout")).status_code in (302, 405)


def test_tokens_are_issued_only_to_users_with_a_second_factor_by_verified_administrators(editor):
    administrator = User.objects.create_superuser("root")
    memberships = list(editor.memberships.all())
    expires_at = timezone.now() + datetime.timedelta(days=30)

    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):  # the issuer has no second factor
        issue_token(
            editor, name="x", memberships=memberships, expires_at=expires_at, by=administrator
        )
    give_second_factor(administrator)
    with pytest.raises(ValidationError) as refused:
        issue_token(
            editor, name="x", memberships=memberships, expires_at=expires_at, by=administrator
        )
    assert "nog geen tweede stap" in str(refused.value)
    assert not ApiToken.objects.exists()

    give_second_factor(editor)
    token, _ = issue_token(
        editor, name="x", memberships=memberships, expires_at=expires_at, by=administrator
    )
    assert token.user == editor


def test_the_admin_refuses_a_token_for_a_user_without_a_second_factor(client: Client, editor):
    administrator = User.objects.create_superuser("root")
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_apitoken_add"),
        {
            "user": editor.pk,
            "name": "koppeling",
            "memberships": [m.pk for m in editor.memberships.all()],
            "expires_at_0": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            "expires_at_1": "12:00:00",
        },
    )
    assert response.status_code == 200
    assert "nog geen tweede stap" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_profile_shows_the_second_factor(client: Client, editor):
    client.force_login(editor)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Tweede stap bij het inloggen" in page
    assert "Ingesteld" in page


def test_the_api_sees_an_unverified_session_as_a_visitor(rf, editor):
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.middleware import OTPMiddleware

    seen = []

    def view(request):  # type: ignore[no-untyped-def]
        seen.append(request.user)
        return None

    middleware = OTPMiddleware(second_factor.SecondFactorRequiredMiddleware(view))
    for verified in (False, True):
        request = rf.get("/api/v1/regions")
        request.session = SessionStore()
        request.user = editor
        if verified:
            request.session[DEVICE_ID_SESSION_KEY] = give_second_factor(editor).persistent_id
        middleware(request)

    assert [user.is_authenticated for user in seen] == [False, True]
