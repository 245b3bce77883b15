"""manage.py import_cbs and import_observations, on recorded CBS responses and small files."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from regioagenda.monitor.models import Observation
from regioagenda.monitor.tests.factories import make_indicator

RECORDINGS = Path(__file__).parent / "data" / "cbs"
HEADER = (
    "indicator,gebied,periode_begin,periode_einde,periode,waarde,bron,tabel,bron_url,"
    "opgehaald_op,toelichting\n"
)


@pytest.fixture
def population(leidse_regio):
    return make_indicator(
        leidse_regio, "inwoners", source_table="03759ned", source_measure="M000352"
    )


@pytest.fixture
def house_price(leidse_regio):
    return make_indicator(
        leidse_regio, "woningprijs", source_table="83625NED", source_measure="M001534"
    )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# import_cbs --------------------------------------------------------------------------------


def test_import_cbs_from_recorded_files_stores_the_regions_figures(population):
    output = run("import_cbs", "03759ned", "--from-files", str(RECORDINGS))

    assert "Geïmporteerd: 40 nieuw, 0 herzien, 0 ongewijzigd." in output
    assert "32 van gebieden buiten de regio overgeslagen" in output
    leiden = Observation.objects.get(
        indicator=population, municipality__code="GM0546", period_start=datetime.date(2026, 1, 1)
    )
    assert leiden.value == Decimal(130328)
    assert leiden.period_label == "1 januari 2026"
    assert leiden.source_table == "03759ned"
    assert leiden.source_title.startswith("Bevolking op 1 januari en gemiddeld")
    assert "datasets.cbs.nl/odata/v1/CBS/03759ned/Observations" in leiden.source_url


def test_a_second_import_cbs_creates_nothing(population):
    run("import_cbs", "03759ned", "--from-files", str(RECORDINGS))

    output = run("import_cbs", "03759ned", "--from-files", str(RECORDINGS))

    assert "0 nieuw, 0 herzien, 40 ongewijzigd." in output
    assert Observation.objects.count() == 40


def test_import_cbs_dry_run_writes_nothing(house_price):
    output = run("import_cbs", "83625NED", "--from-files", str(RECORDINGS), "--dry-run")

    assert "Proefrun: 55 nieuw, 0 herzien, 0 ongewijzigd. Er is niets opgeslagen." in output
    assert not Observation.objects.exists()


def test_import_cbs_lists_the_changes_when_verbose(house_price):
    output = run("import_cbs", "83625NED", "--from-files", str(RECORDINGS), "-v", "2")

    assert "Woningprijs — Leiden — 2015: 236456" in output


def test_import_cbs_without_indicators_for_the_table_stops_in_dutch(leidse_regio):
    with pytest.raises(CommandError, match="Geen indicator van Leidse regio leest tabel 03759ned"):
        run("import_cbs", "03759ned", "--from-files", str(RECORDINGS))


def test_import_cbs_with_an_unknown_measure_writes_nothing(population, leidse_regio):
    make_indicator(leidse_regio, "fout", source_table="03759ned", source_measure="M999999")

    with pytest.raises(CommandError, match="kent meetcode M999999 niet"):
        run("import_cbs", "03759ned", "--from-files", str(RECORDINGS))
    assert not Observation.objects.exists()


def test_import_cbs_of_an_unknown_region_stops(population):
    with pytest.raises(CommandError, match="Regio 'nergens' bestaat niet"):
        run("import_cbs", "03759ned", "--from-files", str(RECORDINGS), "--region", "nergens")


def test_import_cbs_without_the_folder_stops(population, tmp_path):
    with pytest.raises(CommandError, match="bestaat niet"):
        run("import_cbs", "03759ned", "--from-files", str(tmp_path / "weg"))


def test_plain_output_shows_progress_as_lines(house_price):
    output = run("import_cbs", "83625NED", "--from-files", str(RECORDINGS))

    assert "Tabel 83625NED lezen: 99 gelezen" in output
    assert "Controleren en opslaan: 100% (110/110)" in output
    assert "\r" not in output


def test_a_terminal_gets_a_redrawn_progress_bar(house_price):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    call_command("import_cbs", "83625NED", "--from-files", str(RECORDINGS), stdout=out)

    assert "\rControleren en opslaan: ██████████████████████████████ 100% (110/110)" in (
        out.getvalue()
    )


# import_observations -----------------------------------------------------------------------


def write(tmp_path: Path, body: str, name: str = "cijfers.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


GOOD_ROWS = (
    "inwoners,GM0546,2024-01-01,,1 januari 2024,127100,CBS,03759ned,,2026-07-02,\n"
    "inwoners,GM0547,2024-01-01,,1 januari 2024,27800,CBS,03759ned,,2026-07-02,\n"
    "inwoners,Leiden Bio Science Park,2024-01-01,,1 januari 2024,25000,Gemeente,,,,\n"
)


def test_import_observations_imports_a_csv_file(population, tmp_path):
    output = run("import_observations", str(write(tmp_path, GOOD_ROWS)))

    assert "cijfers.csv: 3 rijen gelezen." in output
    assert "Geïmporteerd: 3 nieuw, 0 herzien, 0 ongewijzigd." in output
    assert Observation.objects.filter(indicator=population).count() == 3


def test_a_second_import_of_the_same_file_creates_nothing(population, tmp_path):
    path = write(tmp_path, GOOD_ROWS)
    run("import_observations", str(path))

    output = run("import_observations", str(path))

    assert "0 nieuw, 0 herzien, 3 ongewijzigd." in output
    assert Observation.objects.count() == 3


def test_import_observations_imports_an_xlsx_file(population, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        ["inwoners", "GM0579", datetime.date(2024, 1, 1), None, "1 januari 2024", 25922, "CBS"]
    )
    path = tmp_path / "cijfers.xlsx"
    workbook.save(path)

    output = run("import_observations", str(path))

    assert "1 nieuw" in output
    assert Observation.objects.get().value == Decimal(25922)


def test_import_observations_dry_run_writes_nothing(population, tmp_path):
    output = run("import_observations", str(write(tmp_path, GOOD_ROWS)), "--dry-run")

    assert "Proefrun: 3 nieuw, 0 herzien, 0 ongewijzigd. Er is niets opgeslagen." in output
    assert not Observation.objects.exists()


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (
            "inwoners,GM9999,2024-01-01,,2024,1,CBS,,,,\n",
            "Rij 3, kolom 'gebied': 'GM9999' is geen bekende gemeente, wijk of buurt.",
        ),
        ("inwoners,GM0546,2024-01-01,,2024,veel,CBS,,,,\n", "Rij 3, kolom 'waarde': 'veel'"),
        ("inwoners,GM0546,2099-01-01,,2099,1,CBS,,,,\n", "Rij 3, kolom 'periode_begin'"),
        ("inwoners,GM0546,2024-01-01,,dubbel,5,CBS,,,,\n", "Rij 3, kolom 'gebied': dubbel"),
        ("onbekend,GM0546,2024-01-01,,2024,5,CBS,,,,\n", "Rij 3, kolom 'indicator'"),
    ],
)
def test_a_bad_row_stops_the_import_naming_row_and_column(population, tmp_path, bad_row, message):
    body = "inwoners,GM0546,2024-01-01,,1 januari 2024,127100,CBS,,,,\n" + bad_row

    with pytest.raises(CommandError) as error:
        run("import_observations", str(write(tmp_path, body)))

    assert "Niet geïmporteerd; er is niets opgeslagen." in str(error.value)
    assert message in str(error.value)
    assert not Observation.objects.exists()


def test_a_file_with_unknown_columns_stops(population, tmp_path):
    path = tmp_path / "fout.csv"
    path.write_text("naam,getal\nLeiden,1\n", encoding="utf-8")

    with pytest.raises(CommandError, match="onbekende kolom"):
        run("import_observations", str(path))


def test_a_file_that_is_not_csv_or_xlsx_stops(population, tmp_path):
    path = tmp_path / "cijfers.pdf"
    path.write_bytes(b"%PDF-1.7")

    with pytest.raises(CommandError, match="kies een CSV- of XLSX-bestand"):
        run("import_observations", str(path))


def test_a_missing_file_stops(population, tmp_path):
    with pytest.raises(CommandError, match="bestaat niet"):
        run("import_observations", str(tmp_path / "weg.csv"))


def test_every_problem_of_a_file_is_named_in_one_run(population, tmp_path):
    body = (
        "inwoners,GM0546,2024-01-01,,2024,veel,CBS,,,,\n"
        "inwoners,GM9999,2024-01-01,,2024,5,CBS,,,,\n"
    )

    with pytest.raises(CommandError) as error:
        run("import_observations", str(write(tmp_path, body)))

    assert "Rij 2, kolom 'waarde': 'veel' is geen getal." in str(error.value)
    assert "Rij 3, kolom 'gebied': 'GM9999' is geen bekende gemeente" in str(error.value)
    assert not Observation.objects.exists()
