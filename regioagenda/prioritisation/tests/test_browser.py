import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.core.browser_testing import assert_accessible, log_in, visit
from regioagenda.prioritisation.models import Round
from regioagenda.prioritisation.tests.factories import make_round
from regioagenda.prioritisation.voting import BallotChoices, cast_ballot

pytestmark = pytest.mark.browser


def test_editor_casts_a_ballot_and_everyone_reads_the_outcome_after_closing(
    page: Page, live_server, region
):
    round = make_round(region, rule="schulze")
    editors = {
        m.code: make_user(
            f"redacteur-{m.slug}",
            Membership.Role.EDITOR,
            password=f"wachtwoord-{m.slug}-123",
            municipality=m,
        )
        for m in region.municipalities.all()
    }
    for offset, municipality in enumerate(region.municipalities.exclude(code="GM0579")):
        places = [(offset + step) % 4 + 1 for step in range(4)]
        cast_ballot(
            round,
            municipality=municipality,
            by=editors[municipality.code],
            choices=BallotChoices(ranks=dict(enumerate(places, 1))),
            decision_reference=f"Raadsbesluit {offset}",
        )

    visit(page, live_server.url + "/inloggen/")
    log_in(page, "redacteur-oegstgeest", "wachtwoord-oegstgeest-123", button="Inloggen")
    visit(page, live_server.url + "/prioritering/")
    assert_accessible(page, "rounds")
    page.get_by_role("link", name="Uitvoeringsagenda 2027-2030").click()
    assert_accessible(page, "open round")
    page.get_by_role("link", name="Stembiljet invoeren").click()
    assert_accessible(page, "ballot form")
    page.get_by_label("Besluit", exact=True).fill("Raadsbesluit Oegstgeest 2026/31")
    for position, place in enumerate([2, 1, 4, 3]):
        page.locator(f"#id_kandidaat_{position + 1}").fill(str(place))
    page.get_by_role("button", name="Stembiljet indienen").click()
    expect(page.get_by_text("Het blijft geheim tot de ronde sluit")).to_be_visible()
    expect(page.get_by_text("Oegstgeest: gestemd op")).to_be_visible()

    Round.objects.filter(pk=round.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    visit(page, f"{live_server.url}{round.get_absolute_url()}")
    expect(
        page.get_by_role("heading", name="Uitslag volgens de vastgelegde telregel")
    ).to_be_visible()
    expect(page.get_by_text("Raadsbesluit Oegstgeest 2026/31")).to_be_visible()
    assert_accessible(page, "closed round with its outcome")
