"""Signing in with a second factor, in real headless Chromium, each step checked with axe-core."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.testing import current_code
from regioagenda.core.browser_testing import assert_accessible, visit

pytestmark = pytest.mark.browser

PASSWORD = "een-lang-browserwachtwoord"


def test_new_editor_sets_up_an_authenticator_and_next_time_gives_a_code(
    page: Page, live_server, region
):
    user = User.objects.create_user("redacteur-nieuw", password=PASSWORD, is_staff=True)
    Membership.objects.create(
        user=user, role=Membership.Role.EDITOR, municipality=region.municipalities.first()
    )

    visit(page, live_server.url + "/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("redacteur-nieuw")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweede stap instellen")
    expect(page.get_by_role("img", name="QR-code met de sleutel")).to_be_visible()
    assert_accessible(page, "second factor setup")

    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Verificatiecode").fill(
        "000000" if current_code(device) != "000000" else "111111"
    )
    page.get_by_role("button", name="Instellen").click()
    expect(page.get_by_role("alert")).to_contain_text("De verificatiecode klopt niet")
    assert_accessible(page, "second factor setup with an error")

    # django-otp refuses any code for a second after a wrong one (its throttling), as it should.
    page.wait_for_timeout(1500)
    page.get_by_label("Verificatiecode").fill(current_code(device))
    page.get_by_role("button", name="Instellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn account")
    expect(page.get_by_text("Ingesteld: u logt in met uw wachtwoord")).to_be_visible()

    page.get_by_role("button", name="Uitloggen").first.click()
    visit(page, live_server.url + "/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("redacteur-nieuw")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verificatiecode")
    assert_accessible(page, "second factor code")
    device.refresh_from_db()
    page.get_by_label("Verificatiecode").fill(current_code(device))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn account")
