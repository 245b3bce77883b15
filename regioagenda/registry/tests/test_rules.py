"""Everyone reads the register; only the region's coordinator keeps it."""

import datetime

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from regioagenda.registry.models import Participation
from regioagenda.registry.tests.factories import contribute, join, make_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(leiden_editor, council_member, coordinator, kust_coordinator):
    return {
        "visitor": AnonymousUser(),
        "leiden_editor": leiden_editor,
        "council_member": council_member,
        "coordinator": coordinator,
        "kust_coordinator": kust_coordinator,
    }


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("visitor", False),
        ("leiden_editor", False),
        ("council_member", False),
        ("coordinator", True),
        ("kust_coordinator", False),
    ],
)
def test_only_the_coordinator_of_the_region_keeps_a_body_and_what_is_under_it(
    people, leidse_regio, leiden, who, may
):
    body = make_body(leidse_regio)
    participation = join(body, leiden, started_on=datetime.date(2020, 1, 1))
    contribution = contribute(participation, 2021, "10")
    user = people[who]
    assert rules.test_rule("registry.change_joint_body", user, body) is may
    assert user.has_perm("registry.change_jointbody", body) is may
    assert user.has_perm("registry.change_participation", participation) is may
    assert user.has_perm("registry.delete_contribution", contribution) is may
    assert rules.test_rule("registry.view_joint_body", user, body)


def test_editor_reads_but_cannot_change_a_body_in_the_back_office(
    client: Client, leidse_regio, leiden_editor
):
    body = make_body(leidse_regio)
    client.force_login(leiden_editor)
    url = reverse("admin:registry_jointbody_change", args=[body.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Gewijzigd", "slug": body.slug})
    assert response.status_code == 403
    body.refresh_from_db()
    assert body.name == "Testregeling"


def test_coordinator_cannot_store_overlapping_periods_in_the_back_office(
    client: Client, leidse_regio, leiden, coordinator
):
    body = make_body(leidse_regio)
    client.force_login(coordinator)
    url = reverse("admin:registry_jointbody_change", args=[body.pk])
    assert client.get(url).status_code == 200
    data = {
        "region": leidse_regio.pk,
        "slug": body.slug,
        "name": body.name,
        "legal_form": body.legal_form,
        "summary": body.summary,
        "expected_version": body.version,
        "sources-TOTAL_FORMS": 0,
        "sources-INITIAL_FORMS": 0,
        "governing_bodies-TOTAL_FORMS": 0,
        "governing_bodies-INITIAL_FORMS": 0,
        "documents-TOTAL_FORMS": 0,
        "documents-INITIAL_FORMS": 0,
        "participations-TOTAL_FORMS": 2,
        "participations-INITIAL_FORMS": 0,
    }
    for index, started in enumerate(["2020-01-01", "2021-01-01"]):
        data[f"participations-{index}-municipality"] = leiden.pk
        data[f"participations-{index}-started_on"] = started
        data[f"participations-{index}-source_title"] = "Bron"
    response = client.post(url, data)

    assert response.status_code == 200
    assert "Leiden neemt al deel aan Testregeling" in response.content.decode()
    assert not Participation.objects.filter(body=body).exists()
