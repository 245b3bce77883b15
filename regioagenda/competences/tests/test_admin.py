"""The back office: the coordinator keeps the register; an editor adds local mandates."""

import pytest
from django.test import Client
from django.urls import reverse

from regioagenda.competences.models import Competence, PolicyDomain

pytestmark = pytest.mark.django_db


def competence_data(domain: PolicyDomain, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "region": domain.region_id,
        "domain": domain.pk,
        "scale": "buurt",
        "decision": "Terrasvergunningen in de binnenstad verlenen",
        "decision_en": "",
        "authority": "college",
        "joint_body": "",
        "municipality": "",
        "basis": "mandaat",
        "law": "Mandaatbesluit horeca",
        "article": "",
        "url": "https://example.org/mandaatbesluit",
        "since": "",
        "note": "",
        "note_en": "",
    }
    data.update(overrides)
    return data


def test_coordinator_opens_the_register_and_chooses_from_her_own_region_only(
    client: Client, coordinator, leidse_regio, kustregio
):
    client.force_login(coordinator)
    for model in ("policydomain", "place", "competence"):
        assert client.get(reverse(f"admin:competences_{model}_changelist")).status_code == 200

    form = client.get(reverse("admin:competences_competence_add")).content.decode()

    assert "Jeugdhulp en jeugdbescherming" in form and "Veiligheidsregio Hollands Midden" in form
    assert "Strand en paviljoens" not in form and "Zandhaven" not in form


def test_editor_adds_a_mandate_for_her_own_municipality_only(
    client: Client, leiden_editor, leiden, oegstgeest
):
    domain = PolicyDomain.objects.get(slug="horeca")
    client.force_login(leiden_editor)
    url = reverse("admin:competences_competence_add")

    refused = client.post(url, competence_data(domain, municipality=oegstgeest.pk))
    assert refused.status_code == 200
    region_wide = client.post(url, competence_data(domain))
    assert region_wide.status_code == 200
    assert not Competence.objects.filter(basis="mandaat").exists()

    response = client.post(url, competence_data(domain, municipality=leiden.pk))

    assert response.status_code == 302
    mandate = Competence.objects.get(basis="mandaat")
    assert mandate.municipality == leiden
    assert mandate.authority_name == "college van burgemeester en wethouders Leiden"
