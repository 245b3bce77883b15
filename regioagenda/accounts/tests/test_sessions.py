"""Sessions: a new id at login, flushed at logout, and ended after 30 minutes idle or 12 hours."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from regioagenda.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-wachtwoord-123"
START = datetime.datetime(2026, 11, 2, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("ambtenaar", password=PASSWORD, is_staff=True)


def log_in(client: Client) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "ambtenaar", "password": PASSWORD}
    )
    assert response.status_code == 302, response.content
    assert "_auth_user_id" in client.session


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
