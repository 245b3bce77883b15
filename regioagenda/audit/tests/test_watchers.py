"""The run-wide watchers can fail, the log filter hides secrets, and the settings carry the
security headers (HSTS under production settings)."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from conftest import make_user
from regioagenda.audit.logs import REDACTED, RedactSecrets
from regioagenda.audit.testing import Watch, fail_on_problems, leaks_in, problems_of

GOOD_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-abc'; object-src 'none'; frame-ancestors 'none'"
)


def html(csp: str = GOOD_CSP, referrer: str = "same-origin", body: str = "<p>Hallo</p>"):
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = csp
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = referrer
    return response


def test_a_proper_page_has_no_problems():
    assert problems_of(html()) == []


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        (html(csp=GOOD_CSP.replace("'nonce-abc'", "'unsafe-inline'")), "script-src allows"),
        (
            html(csp="default-src 'self' 'unsafe-eval'; object-src 'none'; frame-ancestors 'none'"),
            "script-src allows",
        ),
        (html(csp=GOOD_CSP.replace("frame-ancestors 'none'", "")), "frame-ancestors"),
        (html(csp=GOOD_CSP.replace("object-src 'none'", "object-src 'self'")), "object-src"),
        (html(csp=""), "no script-src"),
        (html(referrer="unsafe-url"), "Referrer-Policy"),
        (html(body="<pre>Traceback (most recent call last):\n  File"), "Traceback"),
        (html(body="you have <code>DEBUG = True</code> in your"), "DEBUG = True"),
    ],
)
def test_a_weak_or_revealing_response_is_named(response, problem):
    problems = problems_of(response, "/pagina/")
    assert any(problem in found and "/pagina/" in found for found in problems), problems


def test_a_page_without_nosniff_is_named():
    response = html()
    del response["X-Content-Type-Options"]
    assert problems_of(response) == ["200 : X-Content-Type-Options is not nosniff"]


def test_redirects_and_other_content_need_no_page_headers():
    assert problems_of(HttpResponse(status=302, content_type="text/html")) == []
    assert problems_of(HttpResponse("{}", content_type="application/json")) == []
    assert problems_of(HttpResponse("Traceback (most recent call last)", content_type="text/plain"))


def test_leaks_are_found_by_value_and_by_shape():
    lines = [
        "django.request WARNING Forbidden: /beheer/",
        "app INFO user logged in with geheim-wachtwoord-1",
        "app INFO headers {'Authorization': 'Bearer abcdefghijklmnopqrstuvwxyz0123'}",
    ]
    leaks = leaks_in(lines, {"geheim-wachtwoord-1"})
    assert len(leaks) == 2
    assert leaks[0].startswith("secret geh…")
    assert leaks[1].startswith("credential in log line: app INFO headers")
    assert leaks_in(lines[:1], {"geheim-wachtwoord-1"}) == []


def test_the_run_fails_naming_what_leaked_and_which_response_was_wrong():
    fail_on_problems(Watch(secrets={"geheim-wachtwoord-1"}, log_lines=["ok"]))
    leaked = Watch(secrets={"geheim-wachtwoord-1"}, log_lines=["x geheim-wachtwoord-1"])
    with pytest.raises(pytest.fail.Exception, match=r"(?s)1 problems.*x geheim-wachtwoord-1"):
        fail_on_problems(leaked)
    wrong = Watch(response_problems=["500 /: body contains 'Traceback'"])
    with pytest.raises(pytest.fail.Exception, match="500 /: body contains"):
        fail_on_problems(wrong)


HIDDEN_KEY = "onzichtbare-sleutel-die-lang-genoeg-is-0123"


@pytest.mark.django_db
def test_the_run_watch_sees_secrets_logs_and_responses_through_the_handler(
    watch_logs_and_responses: Watch, settings
):
    watch = watch_logs_and_responses
    make_user("bewaakt", password="bewaakt-wachtwoord-42")
    assert "bewaakt-wachtwoord-42" in watch.secrets

    logging.getLogger("regioagenda.test").warning("wachtwoord is %s", "bewaakt-wachtwoord-42")
    leaked = watch.log_lines.pop()
    assert leaks_in([leaked], watch.secrets)

    settings.DEBUG = True
    before = len(watch.response_problems)
    Client().get("/bestaat-niet/", HTTP_AUTHORIZATION=f"Bearer {HIDDEN_KEY}")
    found = watch.response_problems[before:]
    # Taken out again: this run must not fail for the page made on purpose.
    del watch.response_problems[before:]
    assert any("Django tried these URL patterns" in problem for problem in found), found
    assert HIDDEN_KEY in watch.secrets


@pytest.mark.parametrize(
    ("message", "secret", "kept"),
    [
        ("Authorization: Bearer %s", "abcdefghijklmnopqrstuvwxyz0123", "Authorization"),
        ("{'HTTP_AUTHORIZATION': 'Token %s', 'PATH_INFO': '/'}", "k9s8d7f6g5h4j3k2l1", "PATH_INFO"),
        ("POST password=%s&next=/", "hunter2-lang-genoeg", "next=/"),
        ('{"new_password1": "%s", "name": "x"}', "hunter2-lang-genoeg", '"name"'),
        ("Cookie: sessionid=%s", "q1w2e3r4t5y6u7i8o9p0", "Cookie"),
        ("sent with Bearer %s", "abcdefghijklmnopqrstuvwxyz0123", "sent with"),
    ],
)
def test_the_log_filter_hides_headers_keys_and_passwords(message, secret, kept):
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, message, (secret,), None
    )
    assert RedactSecrets().filter(record)
    shown = record.getMessage()
    assert secret not in shown
    assert REDACTED in shown
    assert kept in shown


def test_the_log_filter_hides_secrets_in_exception_text():
    try:
        raise ValueError("password=hunter2-lang-genoeg")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "mislukt", None, sys.exc_info())
    RedactSecrets().filter(record)
    assert "hunter2" not in logging.Formatter().format(record)


def test_the_log_filter_is_on_the_console_handler():
    handler = settings.LOGGING["handlers"]["console"]
    assert "redact_secrets" in handler["filters"]


def test_the_policy_forbids_inline_scripts_framing_and_plugins():
    policy = {key: [str(value) for value in values] for key, values in settings.SECURE_CSP.items()}
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF
    assert settings.SECURE_REFERRER_POLICY in {"same-origin", "no-referrer", "strict-origin"}


def test_production_settings_send_hsts_for_a_year():
    root = Path(settings.BASE_DIR)
    environment = {
        **os.environ,
        "REGIOAGENDA_PRODUCTION": "1",
        "DJANGO_SECRET_KEY": "alleen-voor-deze-test",
        "REGIOAGENDA_VAR_DIR": str(root / "var"),
    }
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            "import regioagenda.settings as s; print(s.SECURE_HSTS_SECONDS, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE)",
        ],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert int(output[0]) >= 365 * 24 * 60 * 60
    assert output[1:] == ["True", "True"]
