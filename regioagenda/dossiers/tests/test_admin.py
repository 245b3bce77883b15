"""The back office: the coordinator opens and keeps dossiers; decisions are only read there."""

import pytest
from django.test import Client
from django.urls import reverse

from regioagenda.agenda.tests.factories import make_action
from regioagenda.dossiers.models import CouncilDecision, Dossier
from regioagenda.dossiers.tests.factories import decide
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Topic

pytestmark = pytest.mark.django_db


def dossier_data(region, **overrides):
    data = {
        "region": region.pk,
        "slug": "regionale-woonagenda",
        "title": "Regionale woonagenda",
        "title_en": "",
        "summary": "De raden stellen de woonagenda vast.",
        "summary_en": "",
        "topic": Topic.objects.filter(region=region).first().pk,
        "agreement": "",
        "decisions-TOTAL_FORMS": 0,
        "decisions-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_coordinator_opens_a_dossier_on_which_every_municipality_decides(
    client: Client, coordinator, leidse_regio
):
    client.force_login(coordinator)
    form = client.get(reverse("admin:dossiers_dossier_add")).content.decode()
    assert form.count('name="municipalities"') == 5 and form.count("checked") >= 5

    response = client.post(reverse("admin:dossiers_dossier_add"), dossier_data(leidse_regio))

    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.municipalities.count() == 5  # left empty: all of the region's
    assert dossier.region == leidse_regio


def test_coordinator_chooses_from_her_own_region_only(
    client: Client, coordinator, leidse_regio, kustregio
):
    client.force_login(coordinator)
    form = client.get(reverse("admin:dossiers_dossier_add")).content.decode()
    assert "Zandhaven" not in form and "Kustregio" not in form
    assert "Leiderdorp" in form

    other_topic = Topic.objects.filter(region=kustregio).first()
    response = client.post(
        reverse("admin:dossiers_dossier_add"),
        dossier_data(leidse_regio, topic=other_topic.pk),
    )
    assert response.status_code == 200
    assert not Dossier.objects.exists()

    response = client.post(reverse("admin:dossiers_dossier_add"), dossier_data(kustregio))
    assert response.status_code == 200
    assert not Dossier.objects.exists()


def test_actions_of_the_region_are_linked_to_the_dossier(
    client: Client, coordinator, leidse_regio, leiden
):
    action = make_action(leiden, title="Woningbouwcoalitie")
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:dossiers_dossier_add"),
        dossier_data(leidse_regio, actions=[action.pk], municipalities=[leiden.pk]),
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert list(dossier.actions.all()) == [action]
    assert list(dossier.municipalities.all()) == [leiden]


def test_a_municipality_that_has_decided_stays_in_the_dossier(
    client: Client, coordinator, dossier, leiden, oegstgeest
):
    decide(dossier, leiden)
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:dossiers_dossier_change", args=[dossier.pk]),
        dossier_data(
            dossier.region,
            municipalities=[oegstgeest.pk],
            expected_version=dossier.version,
            **{"decisions-TOTAL_FORMS": 1, "decisions-INITIAL_FORMS": 1},
        ),
    )
    assert response.status_code == 200
    assert "Voor Leiden is al een besluit vastgelegd" in response.content.decode()
    assert dossier.municipalities.count() == 5


def test_an_editor_cannot_open_or_change_a_dossier(client: Client, leiden_editor, dossier):
    client.force_login(leiden_editor)
    assert client.get(reverse("admin:dossiers_dossier_add")).status_code == 403
    response = client.post(
        reverse("admin:dossiers_dossier_change", args=[dossier.pk]),
        dossier_data(dossier.region, title="Gekaapt", expected_version=dossier.version),
    )
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.title == "Regionale woonagenda"


def test_the_coordinator_of_another_region_cannot_change_the_dossier(
    client: Client, kust_coordinator, dossier
):
    client.force_login(kust_coordinator)
    response = client.post(
        reverse("admin:dossiers_dossier_change", args=[dossier.pk]),
        dossier_data(dossier.region, title="Gekaapt", expected_version=dossier.version),
    )
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.title == "Regionale woonagenda"


def test_decisions_are_read_in_the_back_office_and_removed_by_the_coordinator_only(
    client: Client, leiden_editor, coordinator, dossier, leiden
):
    decision = decide(dossier, leiden, amendments=[("Amendement A", "rejected")])
    url = reverse("admin:dossiers_councildecision_change", args=[decision.pk])
    client.force_login(leiden_editor)
    page = client.get(url).content.decode()
    assert "Amendement A" in page and decision.get_record_url() in page
    client.post(url, {"outcome": "rejected"})
    decision.refresh_from_db()
    assert decision.outcome == "adopted"  # nothing is changed here
    delete = reverse("admin:dossiers_councildecision_delete", args=[decision.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403

    client.force_login(coordinator)
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not CouncilDecision.objects.exists()
    assert Municipality.objects.filter(pk=leiden.pk).exists()
