import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.cooperation.assessment import record_assessment
from regioagenda.cooperation.models import Comparison
from regioagenda.cooperation.tests.factories import grid, make_comparison
from regioagenda.core.browser_testing import assert_accessible, log_in, visit

pytestmark = pytest.mark.browser


def test_editor_scores_the_forms_of_cooperation_and_everyone_compares_after_closing(
    page: Page, live_server, region
):
    comparison = make_comparison(region, rule="borda-weighted")
    leiden = region.municipalities.get(code="GM0546")
    record_assessment(
        comparison,
        municipality=leiden,
        by=make_user("redacteur-leiden", Membership.Role.EDITOR, municipality=leiden),
        scores=grid((8, 6, 4), (6, 7, 5), (3, 9, 9)),
        decision_reference="Raadsbesluit Leiden 2026/12",
    )
    oegstgeest = region.municipalities.get(code="GM0579")
    make_user(
        "redacteur-oegstgeest",
        Membership.Role.EDITOR,
        password="wachtwoord-oegstgeest-123",
        municipality=oegstgeest,
    )

    visit(page, live_server.url + "/inloggen/")
    log_in(page, "redacteur-oegstgeest", "wachtwoord-oegstgeest-123", button="Inloggen")
    visit(page, live_server.url + "/samenwerkingsvormen/")
    page.get_by_role("link", name="Toekomstige samenwerkingsvormen").click()
    assert_accessible(page, "open comparison")
    page.get_by_role("link", name="Beoordeling invoeren").click()
    assert_accessible(page, "assessment form")
    page.get_by_label("Besluit", exact=True).fill("Raadsbesluit Oegstgeest 2026/31")
    for option, row in enumerate([(2, 4, 6), (9, 9, 3), (6, 3, 0)], start=1):
        for criterion, value in enumerate(row, start=1):
            page.locator(f"#id_cijfer_{option}_{criterion}").fill(str(value))
    page.get_by_label("Convenant — democratische legitimiteit").fill("2")
    page.get_by_role("button", name="Beoordeling indienen").click()
    expect(page.get_by_text("De cijfers blijven geheim tot de vergelijking sluit")).to_be_visible()
    expect(page.get_by_text("Oegstgeest: beoordeeld op")).to_be_visible()

    Comparison.objects.filter(pk=comparison.pk).update(
        closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    visit(page, f"{live_server.url}{comparison.get_absolute_url()}")
    expect(
        page.get_by_role("heading", name="Uitkomst volgens de vastgelegde telregel")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Het oordeel van elke gemeente")).to_be_visible()
    expect(page.get_by_text("Raadsbesluit Oegstgeest 2026/31")).to_be_visible()
    assert_accessible(page, "closed comparison with its outcome")
