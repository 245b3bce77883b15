"""Who may keep a dossier and record a council's decision, role by role."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from regioagenda.dossiers.models import CouncilDecision
from regioagenda.dossiers.tests.factories import decide
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.django_db


def candidate(dossier, municipality):
    return CouncilDecision(dossier=dossier, municipality=municipality, body="raad")


@pytest.fixture
def people(leiden_editor, oegstgeest_editor, council_member, coordinator, kust_coordinator):
    return {
        "visitor": AnonymousUser(),
        "leiden_editor": leiden_editor,
        "oegstgeest_editor": oegstgeest_editor,
        "council_member": council_member,
        "coordinator": coordinator,
        "kust_coordinator": kust_coordinator,
    }


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("visitor", False),
        ("leiden_editor", True),
        ("oegstgeest_editor", False),
        ("council_member", False),
        ("coordinator", True),
        ("kust_coordinator", False),
    ],
)
def test_who_records_leidens_decision(people, dossier, leiden, who, may):
    decision = candidate(dossier, leiden)
    assert rules.test_rule("dossiers.record_decision", people[who], decision) is may
    assert people[who].has_perm("dossiers.change_councildecision", decision) is may


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("visitor", False),
        ("leiden_editor", False),
        ("oegstgeest_editor", False),
        ("council_member", False),
        ("coordinator", True),
        ("kust_coordinator", False),
    ],
)
def test_only_the_regions_coordinator_keeps_the_dossier(people, dossier, who, may):
    assert rules.test_rule("dossiers.change_dossier", people[who], dossier) is may
    assert people[who].has_perm("dossiers.change_dossier", dossier) is may
    assert people[who].has_perm("dossiers.delete_dossier", dossier) is may


def test_editor_of_oegstgeest_cannot_record_leidens_decision(oegstgeest_editor, dossier, leiden):
    assert not rules.test_rule(
        "dossiers.record_decision", oegstgeest_editor, candidate(dossier, leiden)
    )


def test_an_editor_records_only_in_dossiers_of_its_own_region(
    kust_editor, leidse_regio, kustregio, dossier
):
    zandhaven = Municipality.objects.get(code="GM9901")
    assert not rules.test_rule(
        "dossiers.record_decision", kust_editor, candidate(dossier, zandhaven)
    )


def test_amendments_follow_their_decision(leiden_editor, oegstgeest_editor, dossier, leiden):
    document = decide(dossier, leiden, amendments=[("Amendement A", "adopted")]).documents.get()
    assert leiden_editor.has_perm("dossiers.change_decisiondocument", document)
    assert not oegstgeest_editor.has_perm("dossiers.change_decisiondocument", document)


def test_a_coordinator_opens_dossiers_an_editor_does_not(coordinator, leiden_editor):
    assert coordinator.has_perm("dossiers.add_dossier")
    assert not leiden_editor.has_perm("dossiers.add_dossier")
