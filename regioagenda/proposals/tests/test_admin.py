"""The back office: the coordinator keeps the vocabulary and the gazetteer; editors do not."""

import pytest
from django.test import Client
from django.urls import reverse

from regioagenda.proposals.models import GazetteerEntry, PlaceKind, Term
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.vision.models import Theme

pytestmark = pytest.mark.django_db


def test_coordinator_adds_a_term_to_a_theme_of_her_region(
    client: Client, coordinator, leidse_regio
):
    theme = Theme.objects.filter(region=leidse_regio).order_by("position").first()
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:proposals_term_add"),
        {
            "region": leidse_regio.pk,
            "text": "proefterm voor de toets",
            "theme": theme.pk,
            "topic": "",
            "weight": "2",
        },
    )

    assert response.status_code == 302
    term = Term.objects.get(text="proefterm voor de toets")
    assert (term.theme, term.region, term.weight) == (theme, leidse_regio, 2)


def test_a_term_needs_a_theme_or_a_topic(client: Client, coordinator, leidse_regio):
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:proposals_term_add"),
        {"region": leidse_regio.pk, "text": "los woord", "theme": "", "topic": "", "weight": "1"},
    )
    assert "Kies een thema óf een onderwerp." in response.content.decode()
    assert not Term.objects.filter(text="los woord").exists()


def test_an_editor_may_not_change_the_gazetteer(client: Client, leiden_editor, leidse_regio):
    entry = GazetteerEntry.objects.create(
        region=leidse_regio,
        name="Proefwijk",
        kind=PlaceKind.DISTRICT,
        municipality_code="GM0546",
        municipality_name="Leiden",
    )
    client.force_login(leiden_editor)
    response = client.post(
        reverse("admin:proposals_gazetteerentry_change", args=[entry.pk]),
        {
            "region": leidse_regio.pk,
            "name": "Anders",
            "kind": "wijk",
            "municipality_code": "GM0546",
            "municipality_name": "Leiden",
            "code": "",
            "variants": "",
            "source": "",
        },
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.name == "Proefwijk"


def test_an_editor_registers_proposals_of_her_own_municipality_only(
    client: Client, leiden_editor, leiden, oegstgeest
):
    client.force_login(leiden_editor)
    form = client.get(reverse("admin:proposals_proposal_add")).content.decode()
    assert f'<option value="{leiden.pk}">Leiden</option>' in form
    assert f'<option value="{oegstgeest.pk}">' not in form
    other = make_proposal(oegstgeest)
    page = client.get(reverse("admin:proposals_proposal_change", args=[other.pk]))
    # Staff may read another municipality's proposal, but not save it.
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(
        reverse("admin:proposals_proposal_change", args=[other.pk]), {"title": "Gewijzigd"}
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.title == "Voorstel voor de proef"
