import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from regioagenda.dossiers.models import CouncilDecision, DecisionDocument, Dossier
from regioagenda.dossiers.tests.factories import decide, make_dossier

pytestmark = pytest.mark.django_db


def test_a_slug_is_unique_within_a_region_only(leidse_regio, kustregio):
    make_dossier(leidse_regio, slug="woonagenda")
    make_dossier(kustregio, slug="woonagenda")  # another region may use the same slug
    duplicate = Dossier(region=leidse_regio, slug="woonagenda", title="Nog een", summary="x")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Deze korte naam is in deze regio al in gebruik." in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_municipality_records_one_decision_per_body(dossier, leiden):
    decide(dossier, leiden, body=CouncilDecision.Body.COLLEGE)
    decide(dossier, leiden, body=CouncilDecision.Body.COUNCIL)  # council and college: fine
    again = CouncilDecision(
        dossier=dossier,
        municipality=leiden,
        body=CouncilDecision.Body.COUNCIL,
        proposal_title="Nogmaals",
    )
    with pytest.raises(ValidationError) as error:
        again.full_clean()
    assert "Voor deze gemeente en dit orgaan is in dit dossier al een besluit vastgelegd." in str(
        error.value
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"outcome": "adopted", "meeting_date": None},
            "Een besluit dat genomen of aangehouden is, heeft een vergaderdatum.",
        ),
        ({"proposal_title": ""}, "Noem de titel van het voorstel."),
        ({"body": "provincie"}, "Kies de gemeenteraad of het college."),
        ({"outcome": "misschien"}, "Kies een van de bekende uitkomsten."),
    ],
)
def test_the_database_refuses_an_impossible_decision(dossier, leiden, values, message):
    decision = CouncilDecision(
        dossier=dossier,
        municipality=leiden,
        proposal_title=values.pop("proposal_title", "Woonagenda"),
        **values,
    )
    with pytest.raises(ValidationError) as error:
        decision.validate_constraints()
    assert message in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        decision.save()
    assert not CouncilDecision.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title": ""}, "Een amendement of motie heeft een titel."),
        ({"kind": "petitie"}, "Kies een bekende soort en uitslag."),
        ({"result": "gelijk"}, "Kies een bekende soort en uitslag."),
    ],
)
def test_the_database_refuses_an_impossible_amendment(dossier, leiden, values, message):
    decision = decide(dossier, leiden)
    document = DecisionDocument(decision=decision, **{"title": "Amendement A", **values})
    with pytest.raises(ValidationError) as error:
        document.validate_constraints()
    assert message in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        document.save()


def test_a_decision_answers_for_its_municipality_and_region(dossier, leiden):
    decision = decide(dossier, leiden, amendments=[("Amendement A", "adopted")])
    document = decision.documents.get()
    assert (decision.municipality_id, decision.region_id) == (leiden.pk, dossier.region_id)
    assert (document.municipality_id, document.region_id) == (leiden.pk, dossier.region_id)
    assert decision.get_record_url() == "/dossiers/regionale-woonagenda/besluit/GM0546/raad/"


def test_deleting_a_dossier_keeps_its_municipalities(dossier, leiden):
    decide(dossier, leiden, amendments=[("Amendement A", "adopted")])
    dossier.delete()
    assert not CouncilDecision.objects.exists() and not DecisionDocument.objects.exists()
    leiden.refresh_from_db()


def test_a_municipality_with_decisions_cannot_be_deleted(dossier, leiden):
    decision = decide(dossier, leiden, on=datetime.date(2026, 1, 1))
    with pytest.raises(ProtectedError) as error:
        leiden.delete()
    assert decision in error.value.protected_objects
