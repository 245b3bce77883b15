"""Browser testing kit: headless Chromium through Playwright, axe-core, and small page helpers.

The fixtures are offered to every app's tests by the root conftest (`pytest_plugins`); tests
that use them are marked `browser` and run once, on SQLite.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django's ORM use from the test body
# is still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium ontbreekt op {CHROMIUM}: installeer het (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    host = urlparse(live_server.url).netloc
    problems: list[str] = []

    def check_request(request: Request) -> None:
        if urlparse(request.url).netloc not in ("", host) and not request.url.startswith("data:"):
            problems.append(f"request to another host: {request.url}")

    def check_response(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.url}")

    def check_console(message: ConsoleMessage) -> None:
        # A page answered with 404 or 403 logs its own status; assets are checked above.
        if message.type == "error" and "Failed to load resource" not in message.text:
            problems.append(f"console: {message.text}")

    page.on("request", check_request)
    page.on("response", check_response)
    page.on("console", check_console)
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def region(transactional_db, leidse_regio):
    return leidse_regio


def assert_accessible(page: Page, what: str) -> None:
    page.evaluate(AXE)
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert violations == [], f"{what}: {violations}"
    assert page.problems == [], f"{what}: {page.problems}"  # type: ignore[attr-defined]


def log_in(page: Page, username: str, password: str, *, button: str) -> None:
    """Log in through the form; if the site then asks for a verification code (staff), give the
    one the user's authenticator app would show now."""
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    code_field = page.locator("input[autocomplete='one-time-code']")
    if code_field.count() == 0:
        return
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from regioagenda.accounts.testing import current_code

    # The confirmed device, or the one the setup page has just shown.
    device = (
        TOTPDevice.objects.filter(user__username=username).order_by("-confirmed", "-pk").first()
    )
    assert device is not None, f"{username} has no authenticator device"
    code_field.fill(current_code(device))
    page.locator("form:has(input[autocomplete='one-time-code'])").get_by_role("button").click()
    page.wait_for_load_state()


def visit(page: Page, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, url
