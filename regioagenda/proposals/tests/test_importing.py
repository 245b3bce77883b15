"""Registering proposals from a council-system export: all or nothing, bad rows named."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from regioagenda.proposals.importing import import_proposals, read_rows
from regioagenda.proposals.models import Proposal, ProposalStatus
from regioagenda.proposals.tests.factories import make_proposal

pytestmark = pytest.mark.django_db

HEADER = "gemeente;orgaan;nummer;titel;datum;status;datum_besluit;samenvatting;besluit;url\n"
GOOD = (
    "GM0546;raad;RV 26.0001;Parkeren bij het station;2026-09-01;besloten;2026-10-02;;"
    "Vastgesteld;https://leiden.bestuurlijkeinformatie.nl/Reports/Item/1\n"
    "GM0579;college;B&W 26/17;Fietspad Rijnsburgerweg;2026-09-15;;;Een fietspad.;;\n"
)


def rows_of(text: str) -> list[dict[str, str]]:
    rows, problems = read_rows(text.encode(), "export.csv")
    assert problems == []
    return rows


def test_a_csv_export_adds_the_proposals_with_their_link(leidse_regio):
    result = import_proposals(leidse_regio, rows_of(HEADER + GOOD), user=None)

    assert (result.created, result.updated, result.problems) == (2, 0, [])
    station = Proposal.objects.get(number="RV 26.0001")
    assert station.municipality.code == "GM0546"
    assert (station.status, station.decision_date) == (
        ProposalStatus.DECIDED,
        datetime.date(2026, 10, 2),
    )
    assert station.links.get().url.endswith("/Item/1")
    bike = Proposal.objects.get(number="B&W 26/17")
    assert (bike.body, bike.status, bike.summary) == ("college", "in-procedure", "Een fietspad.")


def test_importing_again_updates_changed_proposals_only(leidse_regio):
    import_proposals(leidse_regio, rows_of(HEADER + GOOD), user=None)
    changed = GOOD.replace("Fietspad Rijnsburgerweg", "Fietspad Rijnsburgerweg (herzien)")

    result = import_proposals(leidse_regio, rows_of(HEADER + changed), user=None)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    bike = Proposal.objects.get(number="B&W 26/17")
    assert bike.title.endswith("(herzien)") and bike.version == 2
    assert Proposal.objects.get(number="RV 26.0001").links.count() == 1


def test_a_json_export_reads_the_same_keys(leidse_regio):
    data = [
        {
            "gemeente": "GM0626",
            "orgaan": "raad",
            "nummer": "2026-44",
            "titel": "Sportpark",
            "datum": "2026-06-30",
            "status": None,
        }
    ]
    rows, problems = read_rows(json.dumps(data).encode(), "export.json")
    result = import_proposals(leidse_regio, rows, user=None)
    assert (problems, result.created) == ([], 1)
    assert Proposal.objects.get(number="2026-44").municipality.name == "Voorschoten"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "GM9999;raad;X1;Titel;2026-01-01;;;;;",
            "Rij 4, kolom 'gemeente': 'GM9999' is geen gemeente van deze regio.",
        ),
        (
            "GM0546;gemeente;X1;Titel;2026-01-01;;;;;",
            "Rij 4, kolom 'orgaan': kies raad of college.",
        ),
        (
            "GM0546;raad;X1;Titel;1-1-2026;;;;;",
            "Rij 4, kolom 'datum': '1-1-2026' is geen datum (JJJJ-MM-DD).",
        ),
        ("GM0546;raad;X1;;2026-01-01;;;;;", "Rij 4, kolom 'titel': is leeg."),
        (
            "GM0546;raad;X1;Titel;2026-01-01;klaar;;;;",
            "Rij 4, kolom 'status': 'klaar' is geen status; kies concept, in-procedure, "
            "besloten of ingetrokken.",
        ),
        (
            "GM0546;raad;X1;Titel;2026-02-01;besloten;2026-01-01;;;",
            "Rij 4, kolom 'datum_besluit': ligt voor de datum van het voorstel.",
        ),
        (
            "GM0546;raad;RV 26.0001;Titel;2026-01-01;;;;;",
            "Rij 4, kolom 'nummer': staat ook al in rij 2.",
        ),
        (
            "GM0546;raad;X1;Titel;2026-01-01;;;;;javascript:alert(1)",
            "Rij 4, kolom 'url': 'javascript:alert(1)' is geen webadres.",
        ),
    ],
)
def test_a_bad_row_stops_the_import_naming_row_and_column(leidse_regio, row, message):
    result = import_proposals(leidse_regio, rows_of(HEADER + GOOD + row + "\n"), user=None)

    assert result.problems == [message]
    assert not Proposal.objects.exists()


def test_an_editor_imports_her_own_municipality_only(leidse_regio, leiden_editor):
    result = import_proposals(leidse_regio, rows_of(HEADER + GOOD), user=leiden_editor)

    assert result.problems == [
        "Rij 3, kolom 'gemeente': u mag geen voorstellen van Oegstgeest vastleggen."
    ]
    assert not Proposal.objects.exists()


def test_a_municipality_of_another_region_is_not_imported(leidse_regio, kustregio):
    result = import_proposals(kustregio, rows_of(HEADER + GOOD), user=None)
    assert len(result.problems) == 2
    assert not Proposal.objects.exists()


def test_a_file_without_the_required_columns_is_refused():
    rows, problems = read_rows(b"titel,datum\nA,2026-01-01\n", "export.csv")
    assert rows == []
    assert problems == ["export.csv mist de kolom(men): gemeente, orgaan, nummer."]


def test_the_command_imports_and_reports(leidse_regio, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    make_proposal(leidse_regio.municipalities.get(code="GM0546"), number="RV 26.0001")

    call_command("import_proposals", str(path), "--region", "leidse-regio")

    assert "1 nieuw, 1 gewijzigd, 0 ongewijzigd" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "GM9999;raad;X;T;2026-01-01;;;;;\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Rij 2, kolom 'gemeente'"):
        call_command("import_proposals", str(bad))
