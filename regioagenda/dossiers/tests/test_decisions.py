"""record_decision: the one write path for a council's decision and its amendments and motions."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from regioagenda.core.concurrency import EditConflict
from regioagenda.dossiers.decisions import record_decision
from regioagenda.dossiers.models import CouncilDecision, DecisionDocument
from regioagenda.dossiers.tests.conftest import TODAY
from regioagenda.regions.models import Municipality

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

ADOPTED = {
    "proposal_title": "Regionale woonagenda 2026-2030",
    "proposal_number": "RV 26.0114",
    "proposal_url": "https://leiden.notubiz.nl/document/123",
    "meeting_date": datetime.date(2026, 11, 12),
    "outcome": "adopted",
    "outcome_note": "Aangenomen met 31 tegen 8 stemmen.",
}
AMENDMENT = {"kind": "amendment", "title": "Meer sociale huur", "result": "adopted", "url": ""}


def test_editor_records_her_councils_decision_with_its_amendments(leiden_editor, dossier, leiden):
    decision = record_decision(
        dossier,
        municipality=leiden,
        body="raad",
        by=leiden_editor,
        expected_version=None,
        values={**ADOPTED, "outcome": "amended"},
        documents=[
            AMENDMENT,
            {"kind": "motion", "title": "Monitor de doorstroming", "result": "rejected"},
            {"kind": "amendment", "title": "", "result": "unknown", "url": ""},  # empty row
        ],
    )
    assert (decision.outcome, decision.version, decision.meeting_date) == (
        "amended",
        1,
        datetime.date(2026, 11, 12),
    )
    assert list(decision.documents.values_list("kind", "title", "result")) == [
        ("amendment", "Meer sociale huur", "adopted"),
        ("motion", "Monitor de doorstroming", "rejected"),
    ]
    entry = LogEntry.objects.get_for_object(decision).get()
    assert entry.action == LogEntry.Action.CREATE


def test_an_update_changes_the_decision_and_keeps_unchanged_amendments(
    leiden_editor, dossier, leiden
):
    first = record_decision(
        dossier,
        municipality=leiden,
        body="raad",
        by=leiden_editor,
        expected_version=None,
        values={**ADOPTED, "outcome": "amended"},
        documents=[AMENDMENT, {"kind": "motion", "title": "Oude motie", "result": "unknown"}],
    )
    kept, dropped = first.documents.order_by("pk")
    second = record_decision(
        dossier,
        municipality=leiden,
        body="raad",
        by=leiden_editor,
        expected_version=first.version,
        values={**ADOPTED, "outcome": "amended", "outcome_note": "Unaniem."},
        documents=[
            {**AMENDMENT, "id": kept.pk},
            {"kind": "motion", "title": "Nieuwe motie", "result": "adopted"},
        ],
    )
    assert (second.pk, second.version, second.outcome_note) == (first.pk, 2, "Unaniem.")
    assert list(second.documents.order_by("pk").values_list("pk", "title")) == [
        (kept.pk, "Meer sociale huur"),
        (kept.pk + 2, "Nieuwe motie"),
    ]
    assert not DecisionDocument.objects.filter(pk=dropped.pk).exists()
    # The unchanged amendment was not saved again: only its creation is in the audit log.
    assert LogEntry.objects.get_for_object(kept).count() == 1


@pytest.mark.parametrize(
    ("values", "documents", "field", "message"),
    [
        (
            {"meeting_date": TODAY + datetime.timedelta(days=1)},
            [],
            "meeting_date",
            "Deze vergadering moet nog komen. Kies dan de uitkomst “nog niet besloten”.",
        ),
        (
            {"meeting_date": None},
            [],
            "meeting_date",
            "Vul de datum van de vergadering in. Zonder datum kan de uitkomst alleen "
            "“nog niet besloten” zijn.",
        ),
        (
            {"outcome": "rejected", "meeting_date": None},
            [],
            "meeting_date",
            "Vul de datum van de vergadering in.",
        ),
        ({"proposal_title": "  "}, [], "proposal_title", "Vul de titel van het voorstel in."),
        ({"outcome": "misschien"}, [], "outcome", "is geen geldige keuze"),
        ({"proposal_url": "geen adres"}, [], "proposal_url", "Voer een geldige URL in."),
        (
            {"outcome": "amended"},
            [],
            "outcome",
            "Bij “geamendeerd aangenomen” hoort minstens één aangenomen amendement.",
        ),
        (
            {"outcome": "adopted"},
            [AMENDMENT],
            "outcome",
            "Er is een amendement aangenomen: kies dan “geamendeerd aangenomen”.",
        ),
        (
            {},
            [{"kind": "motion", "title": "", "url": "https://example.org/motie"}],
            "documents",
            "Amendement of motie 1: vul de titel in.",
        ),
        (
            {},
            [{"kind": "motion", "title": "Motie", "result": "gewonnen"}],
            "documents",
            "Amendement of motie 1, uitslag:",
        ),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_is_stored(
    leiden_editor, dossier, leiden, values, documents, field, message
):
    with pytest.raises(ValidationError) as error:
        record_decision(
            dossier,
            municipality=leiden,
            body="raad",
            by=leiden_editor,
            expected_version=None,
            values={**ADOPTED, **values},
            documents=documents,
        )
    assert field in error.value.message_dict
    assert any(message in text for text in error.value.message_dict[field])
    assert not CouncilDecision.objects.exists()
    assert not DecisionDocument.objects.exists()


def test_a_meeting_still_to_come_is_recorded_as_pending(leiden_editor, dossier, leiden):
    decision = record_decision(
        dossier,
        municipality=leiden,
        body="raad",
        by=leiden_editor,
        expected_version=None,
        values={**ADOPTED, "outcome": "pending", "meeting_date": TODAY + datetime.timedelta(7)},
    )
    assert decision.outcome == "pending"


def test_a_municipality_that_does_not_decide_on_the_dossier_is_refused(
    coordinator, dossier, leiden, voorschoten
):
    dossier.municipalities.remove(voorschoten)
    with pytest.raises(ValidationError) as error:
        record_decision(
            dossier,
            municipality=voorschoten,
            body="raad",
            by=coordinator,
            expected_version=None,
            values=ADOPTED,
        )
    assert error.value.message_dict["municipality"] == [
        "Voorschoten besluit niet over dit dossier."
    ]
    assert not CouncilDecision.objects.exists()


@pytest.mark.parametrize("who", ["oegstgeest_editor", "council_member", "kust_coordinator"])
def test_others_cannot_record_leidens_decision(request, dossier, leiden, who):
    with pytest.raises(PermissionDenied):
        record_decision(
            dossier,
            municipality=leiden,
            body="raad",
            by=request.getfixturevalue(who),
            expected_version=None,
            values=ADOPTED,
        )
    assert not CouncilDecision.objects.exists()


def test_an_editor_of_another_region_cannot_record_there(kust_editor, dossier, kustregio):
    zandhaven = Municipality.objects.get(code="GM9901")
    dossier.municipalities.add(zandhaven)  # even if a dossier named it by mistake
    with pytest.raises(PermissionDenied):
        record_decision(
            dossier,
            municipality=zandhaven,
            body="raad",
            by=kust_editor,
            expected_version=None,
            values=ADOPTED,
        )


def test_a_save_based_on_an_old_version_is_refused_and_names_what_differs(
    leiden_editor, coordinator, dossier, leiden
):
    decision = record_decision(
        dossier,
        municipality=leiden,
        body="raad",
        by=leiden_editor,
        expected_version=None,
        values=ADOPTED,
    )
    record_decision(
        dossier,
        municipality=leiden,
        body="raad",
        by=coordinator,
        expected_version=decision.version,
        values={**ADOPTED, "outcome_note": "Door de coördinator aangevuld."},
    )
    with pytest.raises(EditConflict) as conflict:
        record_decision(
            dossier,
            municipality=leiden,
            body="raad",
            by=leiden_editor,
            expected_version=decision.version,
            values={**ADOPTED, "outcome": "rejected"},
            documents=[{"kind": "motion", "title": "Late motie", "result": "adopted"}],
        )
    assert set(conflict.value.changed_fields) == {"outcome", "outcome_note"}
    decision.refresh_from_db()
    assert (decision.outcome, decision.outcome_note, decision.version) == (
        "adopted",
        "Door de coördinator aangevuld.",
        2,
    )
    assert not decision.documents.exists()


def test_recording_a_decision_that_someone_else_recorded_meanwhile_is_a_conflict(
    leiden_editor, coordinator, dossier, leiden
):
    record_decision(
        dossier,
        municipality=leiden,
        body="raad",
        by=coordinator,
        expected_version=None,
        values=ADOPTED,
    )
    with pytest.raises(EditConflict):
        record_decision(
            dossier,
            municipality=leiden,
            body="raad",
            by=leiden_editor,
            expected_version=None,
            values={**ADOPTED, "outcome": "rejected"},
        )
    assert CouncilDecision.objects.get().outcome == "adopted"


def test_another_decisions_amendment_cannot_be_changed_through_its_id(
    leiden_editor, oegstgeest_editor, dossier, leiden, oegstgeest
):
    theirs = record_decision(
        dossier,
        municipality=oegstgeest,
        body="raad",
        by=oegstgeest_editor,
        expected_version=None,
        values={**ADOPTED, "outcome": "amended"},
        documents=[AMENDMENT],
    ).documents.get()
    record_decision(
        dossier,
        municipality=leiden,
        body="raad",
        by=leiden_editor,
        expected_version=None,
        values=ADOPTED,
        documents=[{"id": theirs.pk, "kind": "motion", "title": "Gekaapt", "result": "rejected"}],
    )
    theirs.refresh_from_db()
    assert (theirs.title, theirs.decision.municipality) == ("Meer sociale huur", oegstgeest)
    assert DecisionDocument.objects.get(title="Gekaapt").decision.municipality == leiden


def test_fields_that_are_not_the_decisions_own_are_ignored(leiden_editor, dossier, leiden):
    decision = record_decision(
        dossier,
        municipality=leiden,
        body="raad",
        by=leiden_editor,
        expected_version=None,
        values={**ADOPTED, "version": 99, "municipality": None, "dossier": None, "id": 1234},
    )
    assert (decision.version, decision.municipality, decision.dossier) == (1, leiden, dossier)
    assert decision.pk != 1234
