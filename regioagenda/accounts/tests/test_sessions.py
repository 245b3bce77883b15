"""Sessions: a new id at login, flushed at logout, and ended after 30 minutes idle or 12 hours."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from regioagenda.accounts.models import User
from regioagenda.accounts.testing import current_code, give_second_factor

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-wachtwoord-123"

START = datetime.datetime(2026, 11, 2, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def staff(db) -> User:
    user = User.objects.create_user("ambtenaar", password=PASSWORD, is_staff=True)
    give_second_factor(user)
    return user


def log_in(client: Client, *, secure: bool = False) -> None:
    """Both steps, as staff do: the password, then the code from their app."""
    response = client.post(
        reverse("accounts:login"), {"username": "ambtenaar", "password": PASSWORD}, secure=secure
    )
    assert response.status_code == 302, response.content
    assert "_auth_user_id" in client.session
    device = TOTPDevice.objects.get(user__username="ambtenaar")
    response = client.post(
        reverse("accounts:second_factor_verify"), {"code": current_code(device)}, secure=secure
    )
    assert response.status_code == 302, response.content
    assert DEVICE_ID_SESSION_KEY in client.session


def test_login_gives_a_new_session_id_and_logout_removes_it_server_side(client, staff):
    client.get(reverse("accounts:login"))
    session = client.session  # a session that exists before login
    session["voor-het-inloggen"] = True
    session.save()
    before = session.session_key

    log_in(client)
    during = client.session.session_key
    assert during != before

    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=during).exists()
    assert "_auth_user_id" not in client.session


def test_passing_the_second_factor_gives_the_session_another_new_id(client, staff):
    response = client.post(
        reverse("accounts:login"), {"username": "ambtenaar", "password": PASSWORD}
    )
    after_password = client.session.session_key
    assert client.get(reverse("accounts:profile")).status_code == 302  # not verified yet

    device = TOTPDevice.objects.get(user=staff)
    response = client.post(reverse("accounts:second_factor_verify"), {"code": current_code(device)})

    assert response.status_code == 302
    assert client.session.session_key != after_password
    assert not Session.objects.filter(session_key=after_password).exists()
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_session_ends_after_thirty_minutes_without_a_request(client, staff):
    profile = reverse("accounts:profile")
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(profile).status_code == 200
        clock.shift(datetime.timedelta(minutes=29))  # 58 minutes in, but never 30 idle
        assert client.get(profile).status_code == 200

        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(profile, follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert "30 minuten zonder activiteit" in response.content.decode()


def test_a_session_ends_after_twelve_hours_however_busy(client, staff):
    profile = reverse("accounts:profile")
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        answers = []
        for _ in range(28):  # a request every 25 minutes: 11 hours 40 minutes in all
            clock.shift(datetime.timedelta(minutes=25))
            answers.append(client.get(profile).status_code)
        clock.shift(datetime.timedelta(minutes=25))
        response = client.get(profile, follow=True)

    assert answers == [200] * 28
    assert "_auth_user_id" not in client.session
    assert "hoogstens 12 uur" in response.content.decode()


def test_session_and_csrf_cookies_are_http_only_and_same_site(client, staff, settings):
    log_in(client)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60 + 30 * 60


COOKIE_SETTINGS = [
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
]
READ_SETTINGS = """
import json, sys
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}))
"""


def production_settings(tmp_path: Path, names: list[str]) -> dict[str, object]:
    """The settings module read afresh with REGIOAGENDA_PRODUCTION=1, in a process of its own
    (settings are read once per process)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "regioagenda.settings",
        "REGIOAGENDA_PRODUCTION": "1",
        "DJANGO_SECRET_KEY": "test-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "regio.example.org",
        "REGIOAGENDA_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
        [sys.executable, "-c", READ_SETTINGS, *names],
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    values: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def test_cookies_under_production_settings_are_secure_host_only_and_same_site(
    client, staff, settings, tmp_path
):
    production = production_settings(tmp_path, COOKIE_SETTINGS)
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    for name, value in production.items():
        setattr(settings, name, value)

    client.get(reverse("accounts:login"), secure=True)
    log_in(client, secure=True)

    session_cookie = client.cookies["__Host-sessionid"]
    csrf_cookie = client.cookies["__Host-csrftoken"]
    assert (session_cookie["secure"], session_cookie["httponly"]) == (True, True)
    assert session_cookie["samesite"] == csrf_cookie["samesite"] == "Lax"
    assert csrf_cookie["secure"] is True
    # Browsers keep __Host- cookies only when secure, for path /, and without a domain.
    for cookie in (session_cookie, csrf_cookie):
        assert (cookie["path"], cookie["domain"]) == ("/", "")
