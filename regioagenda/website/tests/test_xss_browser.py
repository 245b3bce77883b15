"""Hostile text in every editable field, rendered in headless Chromium: nothing runs.

The corpus (core/xss_corpus.py) goes into every editable text field and two upload file names
(xss_seed.py); then the public pages, the staff forms and the admin are opened as a visitor, a
coordinator and an editor. A payload that runs calls `window.__xss_hit`, which only this test
defines; the CSP reports what it blocks. Each stored value must also be found, as text, on some
page, so that a field no page shows cannot pass unseen: the fields that are not shown anywhere
are listed in NOT_SHOWN with the reason.

CI runs one rotation of the corpus (every payload in some field); `scripts/xss_full.py` runs
every payload in every field (XSS_ROUNDS=all).
"""

import datetime
import os
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import pytest
from django.contrib.admin import site as admin_site
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Route

from conftest import make_user
from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.tokens import issue_token
from regioagenda.core.xss_corpus import PAYLOADS
from regioagenda.website.tests.xss_seed import Placement, all_text_fields, filled_objects, seed

pytestmark = pytest.mark.browser

# Fields no page or form shows verbatim, and why.
NOT_SHOWN: dict[tuple[str, str], str] = {
    # The target card needs current figures of the target's indicator, which the seed does not
    # give it; Target has no admin of its own.
    ("monitor.Target", "description_en"): "doelkaart vraagt actuele cijfers",
    ("monitor.Target", "source_section"): "doelkaart vraagt actuele cijfers",
    # The text taken from an upload serves search and suggestions; no page shows it.
    ("proposals.ProposalDocument", "text"): "uit het bestand gehaalde tekst, niet getoond",
    # Shown only in the table of named areas of the indicator that has them (Bio Science Park).
    ("monitor.Observation", "area"): "alleen bij gebieden zonder CBS-code",
}

RECORDER = """
(() => {
  const report = (kind, text) => { try { window.__xss_report(kind, String(text)); } catch (e) {} };
  Object.defineProperty(window, "__xss_hit", {value: (id) => report("hit", id)});
  document.addEventListener("securitypolicyviolation", (event) => report("csp",
      `${event.violatedDirective} ${event.blockedURI} ${event.sample}`), true);
})();
"""

# What a page holds as text, in every place escaped text can end up: the text of the document
# (title and raw-text elements included), form values, attribute values and the strings in JSON
# script elements. And markup that can only come from a payload: an event handler attribute, a
# script URL, a script element that is not data.
HARVEST = """
() => {
  const texts = [document.documentElement.textContent];
  const injected = [];
  const dangerous = /^\\s*(javascript|vbscript|data:text\\/html)/i;
  for (const element of document.querySelectorAll("*")) {
    if ("value" in element && typeof element.value === "string") texts.push(element.value);
    for (const attribute of element.attributes) {
      texts.push(attribute.value);
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on") || name === "srcdoc" ||
          (["href", "src", "action", "formaction", "xlink:href", "data"].includes(name) &&
           dangerous.test(attribute.value)) ||
          (name === "http-equiv" && (element.closest("body") ||
                                      /script|__xss/i.test(element.content)))) {
        injected.push(`<${element.localName} ${name}="${attribute.value}">`);
      }
    }
    if (element.localName === "script" && element.type !== "application/json" &&
        /__xss_hit|alert\\(/.test(element.textContent)) {
      injected.push(`<script>${element.textContent}`);
    }
    if (element.localName === "base" && element.closest("body")) injected.push("<base>");
  }
  const walk = (value) => {
    if (typeof value === "string") texts.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  for (const script of document.querySelectorAll('script[type="application/json"]')) {
    try { walk(JSON.parse(script.textContent)); } catch (e) { injected.push("bad JSON"); }
  }
  return {texts, injected};
}
"""


@dataclass
class Findings:
    hits: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    injected: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    pages: int = 0
    slowest: tuple[float, str] = (0.0, "")

    def problems(self) -> list[str]:
        return self.hits + self.violations + self.dialogs + self.injected + self.errors


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pages_for(objects: dict[str, Any], *, full: bool = False) -> list[tuple[str, str]]:
    """(who, path) for every page that shows the filled rows; who is "" (a visitor),
    "coordinator", "editor" or "administrator" (the admin and initiatives' moderation)."""
    o = objects
    public = [
        "/",
        "/themas/",
        o["theme"].get_absolute_url(),
        o["topic"].get_absolute_url(),
        "/gemeenten/",
        o["municipality"].get_absolute_url(),
        "/kwaliteiten/",
        "/samenwerking/",
        "/uitvoeringsagenda/",
        o["action"].get_absolute_url(),
        "/uitvoeringsagenda/tijdlijn/",
        "/uitvoeringsagenda/rapportage/",
        o["round"].get_absolute_url(),
        o["dossier"].get_absolute_url(),
        "/verbonden-partijen/",
        o["body"].get_absolute_url(),
        "/verbonden-partijen/netwerk/",
        "/verbonden-partijen/begrotingen/",
        o["comparison"].get_absolute_url(),
        f"/wie-beslist/?domein={o['domain'].slug}",
        "/wie-beslist/register/",
        o["initiative"].get_absolute_url(),
        "/monitor/",
        o["indicator"].get_absolute_url(),
        o["proposal"].get_absolute_url(),
        "/vergaderingen/",
        o["meeting"].get_absolute_url(),
        "/evenementen/",
        o["event"].get_absolute_url(),
        "/open-data/",
    ]
    english = [
        o["theme"].get_absolute_url(),
        o["action"].get_absolute_url(),
        o["indicator"].get_absolute_url(),
        o["comparison"].get_absolute_url(),
        o["round"].get_absolute_url(),
        "/kwaliteiten/",
        "/samenwerking/",
    ]
    meeting, item = o["meeting"].pk, o["item"].pk
    staff = [
        "/account/",
        f"/uitvoeringsagenda/acties/{o['action'].pk}/bewerken/",
        f"{o['municipality'].get_absolute_url()}bewerken/",
        f"/voorstellen/{o['proposal'].pk}/bewerken/",
        f"/voorstellen/{o['proposal'].pk}/toets/",
        f"/voorstellen/{o['proposal'].pk}/documenten/",
        f"/vergaderingen/{meeting}/bewerken/",
        f"/vergaderingen/{meeting}/agendapunten/{item}/",
        f"/vergaderingen/{meeting}/aanwezigheid/",
        f"/evenementen/beoordelen/{o['event'].pk}/",
        f"/monitor/importeren/{o['import_run'].pk}/",
        f"/verbonden-partijen/begrotingen/{o['budget_request'].pk}/zienswijze/",
    ]
    admin = ["/initiatieven/moderatie/"]
    for model in admin_site._registry:
        if not model.__module__.startswith("regioagenda."):
            continue
        meta = model._meta
        if full:
            admin.append(f"/beheer/{meta.app_label}/{meta.model_name}/")
        row = model._base_manager.order_by("pk").first()
        if row is not None:
            admin.append(f"/beheer/{meta.app_label}/{meta.model_name}/{row.pk}/change/")
    # The editor of Leiden edits Leiden's action, municipality page and proposal.
    editor = staff[:6] if full else staff[1:4]
    return (
        [("", path) for path in public]
        + [("", "/en" + path) for path in english]
        + [("coordinator", path) for path in staff]
        + [("administrator", path) for path in admin]
        + [("editor", path) for path in editor]
    )


def session_key(user: User) -> str:
    """A signed-in session without the login form (and its second factor, which other tests
    cover): force_login's session, carried into the browser as its cookie."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def recording_page(browser: Browser, findings: Findings, base: str, session: str) -> Page:
    """A page in a fresh context whose payload hits, CSP violations and dialogs go to
    `findings`."""
    context = browser.new_context(locale="nl-NL")
    context.expose_function(
        "__xss_report",
        lambda kind, text: (findings.hits if kind == "hit" else findings.violations).append(text),
    )
    context.add_init_script(RECORDER)
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if "Refused to" in message.text or "Content Security Policy" in message.text:
            findings.violations.append(message.text)

    def on_dialog(dialog: Dialog) -> None:
        findings.dialogs.append(f"dialog {dialog.message!r}")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("dialog", on_dialog)
    return page


def visit_all(
    browser: Browser, base: str, pages: list[tuple[str, str]], users: dict[str, User]
) -> Findings:
    findings = Findings()
    contexts: dict[str, Page] = {}
    for who, path in pages:
        if who not in contexts:
            session = session_key(users[who]) if who else ""
            contexts[who] = recording_page(browser, findings, base, session)
        page = contexts[who]
        began = time.monotonic()
        response = page.goto(base + path)
        findings.pages += 1
        if response is None or response.status != 200 or page.url != base + path:
            findings.errors.append(f"{who or 'bezoeker'} {path}: {response and response.status}")
            continue
        if page.locator("[data-vega-lite]").count():
            page.wait_for_selector(".ra-chart__canvas--rendered", timeout=5000)
        # Autofocus, onload of media and SVG animations fire just after load.
        page.wait_for_timeout(30)
        harvest = page.evaluate(HARVEST)
        findings.texts.append(normalise(" \x00 ".join(harvest["texts"])))
        findings.injected += [f"{path}: {what}" for what in harvest["injected"]]
        findings.slowest = max(findings.slowest, (time.monotonic() - began, path))
    for page in contexts.values():
        page.context.close()
    return findings


def unseen(placements: list[Placement], texts: list[str]) -> list[Placement]:
    everything = "\x00".join(texts)
    return [p for p in placements if normalise(p.value) not in everything]


def rounds() -> range:
    """Rounds of the corpus to run: one in CI; XSS_ROUNDS ("all" or a number) for the full run."""
    wanted = os.environ.get("XSS_ROUNDS", "1")
    return range(len(PAYLOADS) if wanted == "all" else min(int(wanted), len(PAYLOADS)))


@pytest.fixture
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_hostile_text_in_every_field_runs_nowhere_and_shows_as_text(
    browser: Browser, live_server, region, coordinator, leiden_editor, media
):
    administrator = make_user("xss-beheerder", Membership.Role.ADMINISTRATOR)
    issue_token(
        coordinator,
        name="sleutel",
        memberships=list(coordinator.memberships.all()),
        expires_at=timezone.now() + datetime.timedelta(days=30),
        by=administrator,
    )
    users = {"coordinator": coordinator, "editor": leiden_editor, "administrator": administrator}
    full = "XSS_ROUNDS" in os.environ
    shown_payloads: set[str] = set()
    started = time.monotonic()
    total = Findings()
    for offset in rounds():
        placements = seed(region, offset)
        assert {(p.model, p.field) for p in placements} == all_text_fields()
        pages = pages_for(filled_objects(), full=full)
        findings = visit_all(browser, live_server.url, pages, users)
        missing = {(p.model, p.field) for p in unseen(placements, findings.texts)}
        assert findings.problems() == [], "\n".join(findings.problems())
        assert missing - NOT_SHOWN.keys() == set(), f"fields shown on no page: {sorted(missing)}"
        shown_payloads |= {p.payload.id for p in placements if (p.model, p.field) not in missing}
        total.pages += findings.pages
        total.hits += findings.hits
        print(  # the full run's result is read from these lines
            f"xss round {offset}: {findings.pages} pages, {len(placements)} fields, "
            f"{len(findings.hits)} hits, {len(findings.violations)} CSP violations, "
            f"{len(findings.dialogs)} dialogs; slowest page {findings.slowest[1]} "
            f"{findings.slowest[0]:.1f} s; {time.monotonic() - started:.0f} s so far"
        )
    # Each round places every payload (there are more fields than payloads); each must show.
    assert shown_payloads == {payload.id for payload in PAYLOADS}
    print(
        f"xss total: {total.pages} pages, {len(PAYLOADS)} payloads, {len(total.hits)} hits, "
        f"{time.monotonic() - started:.0f} s"
    )


def test_the_recorder_catches_a_payload_that_runs_and_one_the_csp_blocks(browser: Browser):
    """The harness itself: without a CSP a payload runs and is recorded; with the site's CSP it
    is blocked and the violation is recorded; an alert is recorded as a dialog."""
    findings = Findings()
    page = recording_page(browser, findings, "", "")
    bodies = {
        "/open": ("", "<img src=x onerror=\"window.__xss_hit('open')\"><script>alert(1)</script>"),
        "/strict": ("script-src 'self'", "<img src=x onerror=\"window.__xss_hit('strict')\">"),
    }

    def answer(route: Route) -> None:
        policy, body = bodies.get(urlparse(route.request.url).path, ("", ""))
        route.fulfill(
            status=200 if body else 404,
            content_type="text/html",
            headers={"Content-Security-Policy": policy},
            body=body,
        )

    page.route("http://xss.test/**", answer)
    for path in bodies:
        page.goto("http://xss.test" + path)
        page.wait_for_timeout(100)
        harvest = page.evaluate(HARVEST)
        findings.injected += harvest["injected"]
    page.context.close()
    assert findings.hits == ["open"]
    assert findings.dialogs == ["dialog '1'"]
    assert any("script-src" in violation for violation in findings.violations)
    assert any("onerror" in markup for markup in findings.injected)
