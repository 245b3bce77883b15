import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from regioagenda.competences.models import Place
from regioagenda.monitor.importing import (
    ObservationRow,
    import_rows,
    parse_decimal,
    read_rows,
)
from regioagenda.monitor.models import Observation
from regioagenda.monitor.series import current_observations
from regioagenda.monitor.tests.factories import make_indicator

pytestmark = pytest.mark.django_db

HEADER = (
    "indicator,gebied,periode_begin,periode_einde,periode,waarde,bron,tabel,bron_url,"
    "opgehaald_op,toelichting"
)
SOURCE = (
    "CBS StatLine,03759ned,https://opendata.cbs.nl/statline/#/CBS/nl/dataset/03759ned,2026-07-02"
)


def row(area="GM0546", year=2024, value="124899", indicator="inwoners", **values):
    fields = {
        "indicator": indicator,
        "area": area,
        "period_start": datetime.date(year, 1, 1),
        "period_end": datetime.date(year, 1, 1),
        "period_label": f"1 januari {year}",
        # A text that is no number stands for what a careless caller might pass.
        "value": value if isinstance(value, Decimal) else parse_decimal(value) or value,
        "source_title": "CBS StatLine",
        "source_table": "03759ned",
        "source_url": "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/03759ned",
        "retrieved_on": datetime.date(2026, 7, 2),
    }
    fields.update(values)
    return ObservationRow(**fields)


@pytest.fixture
def inhabitants(leidse_regio):
    return make_indicator(leidse_regio, "inwoners", name="Inwoners")


def csv_file(*lines, header=HEADER):
    return ("\n".join([header, *lines]) + "\n").encode()


# Reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234.5", Decimal("1234.5")),
        ("1234,5", Decimal("1234.5")),
        ("1.234,5", Decimal("1234.5")),
        ("-0,25", Decimal("-0.25")),
        ("12", Decimal(12)),
        (" 12 ", Decimal(12)),
        ("twaalf", None),
        ("1,2,3", None),
        ("12.34.5", None),
        ("NaN", None),
        ("", None),
    ],
)
def test_parse_decimal_takes_a_point_or_a_dutch_comma(text, value):
    assert parse_decimal(text) == value


def test_read_rows_reads_the_documented_csv_layout():
    data = csv_file(
        f"inwoners,GM0546,2024-01-01,2024-01-01,1 januari 2024,124899,{SOURCE},",
        f"inwoners,Leiden Bio Science Park,2024-01-01,,2024,20000,{SOURCE},schatting",
    )

    rows, problems = read_rows(io.BytesIO(data), "cijfers.csv")

    assert problems == []
    assert rows[0] == row(line=2)
    assert rows[1].area == "Leiden Bio Science Park"
    assert rows[1].period_end == datetime.date(2024, 1, 1)
    assert rows[1].note == "schatting"
    assert rows[1].line == 3


def test_read_rows_reads_semicolons_and_dutch_decimal_commas():
    header = HEADER.replace(",", ";")
    source = SOURCE.replace(",", ";")
    data = csv_file(
        f"afval;GM0546;2023-01-01;2023-12-31;2023;1.234,5;{source};",
        f"afval;GM0547;2023-01-01;2023-12-31;2023;178,25;{source};",
        header=header,
    )

    rows, problems = read_rows(data, "afval.csv")

    assert problems == []
    assert [r.value for r in rows] == [Decimal("1234.5"), Decimal("178.25")]
    assert rows[0].period_end == datetime.date(2023, 12, 31)


def test_read_rows_accepts_a_byte_order_mark_and_upper_case_headers():
    data = "\ufeff".encode() + csv_file(
        f"inwoners,GM0546,2024-01-01,2024-01-01,1 januari 2024,124899,{SOURCE},",
        header=HEADER.upper(),
    )

    rows, problems = read_rows(data, "cijfers.csv")

    assert problems == []
    assert len(rows) == 1


def test_read_rows_names_the_row_and_column_of_a_bad_value():
    lines = [f"inwoners,GM0546,2024-01-01,,2024,{n},{SOURCE}," for n in range(1, 6)]
    lines.append(f"inwoners,GM0546,2025-01-01,,2025,twaalf,{SOURCE},")
    rows, problems = read_rows(csv_file(*lines), "cijfers.csv")

    assert len(rows) == 5
    assert problems == ["Rij 7, kolom 'waarde': 'twaalf' is geen getal."]


def test_read_rows_names_bad_dates_and_empty_cells():
    data = csv_file(
        f"inwoners,GM0546,1-1-2024,,2024,1,{SOURCE},",
        f",GM0546,2024-01-01,,2024,1,{SOURCE},",
    )

    rows, problems = read_rows(data, "cijfers.csv")

    assert rows == []
    assert problems == [
        "Rij 2, kolom 'periode_begin': '1-1-2024' is geen datum in de vorm JJJJ-MM-DD.",
        "Rij 3, kolom 'indicator': is leeg.",
    ]


def test_read_rows_names_unknown_and_missing_columns():
    rows, problems = read_rows(b"indicator,gebied,jaar\ninwoners,GM0546,2024\n", "x.csv")

    assert rows == []
    assert problems[0].startswith("x.csv: onbekende kolom(men) jaar;")
    assert problems[1] == "x.csv: kolom(men) periode_begin, periode, waarde, bron ontbreken."


def test_read_rows_refuses_other_files_and_other_encodings():
    assert read_rows(b"", "cijfers.ods")[1] == ["cijfers.ods: kies een CSV- of XLSX-bestand."]
    assert read_rows("gebied;é".encode("utf-16"), "c.csv")[1] == [
        "c.csv: de tekens in het bestand zijn niet te lezen; sla het op als CSV (UTF-8) of "
        "als CSV uit Excel."
    ]
    assert read_rows(b"not a workbook", "c.xlsx")[1] == ["c.xlsx: geen leesbaar XLSX-bestand."]
    assert read_rows(b"", "c.csv")[1] == ["c.csv: het bestand is leeg."]


def test_read_rows_reads_the_first_sheet_of_a_workbook():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            "inwoners",
            "GM0546",
            datetime.datetime(2024, 1, 1),
            datetime.date(2024, 1, 1),
            "1 januari 2024",
            124899,
            "CBS StatLine",
            "03759ned",
            "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/03759ned",
            "2026-07-02",
            None,
        ]
    )
    sheet.append(["afval", "GM0546", "2023-01-01", "2023-12-31", "2023", 178.5, "Gemeente"])
    sheet.append(["afval", "GM0547", "2023-01-01", "2023-12-31", "2023", "veel", "Gemeente"])
    workbook.create_sheet("Toelichting").append(["niet lezen"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows, problems = read_rows(buffer.getvalue(), "cijfers.xlsx")

    assert problems == ["Rij 4, kolom 'waarde': 'veel' is geen getal."]
    assert rows[0] == row(line=2)
    assert rows[1].value == Decimal("178.5")
    assert rows[1].source_url == ""


# Importing ----------------------------------------------------------------------------------


def test_new_figures_become_revision_one(leidse_regio, inhabitants):
    result = import_rows(leidse_regio, [row(), row("GM0547", value="27109")])

    assert result.problems == []
    assert (result.created, result.revised, result.unchanged) == (2, 0, 0)
    assert result.changes[0] == "+ Inwoners — Leiden — 1 januari 2024: 124899"
    stored = Observation.objects.get(area_key="GM0546")
    assert stored.revision == 1
    assert stored.municipality.name == "Leiden"
    assert stored.value == Decimal(124899)
    assert stored.source_table == "03759ned"


def test_the_same_figure_again_changes_nothing(leidse_regio, inhabitants):
    import_rows(leidse_regio, [row()])

    result = import_rows(leidse_regio, [row(value="124899.000")])

    assert (result.created, result.revised, result.unchanged) == (0, 0, 1)
    assert result.changes == []
    assert Observation.objects.count() == 1


def test_a_different_value_becomes_a_new_revision_and_the_history_keeps_both(
    leidse_regio, inhabitants, coordinator
):
    import_rows(leidse_regio, [row()])
    import_rows(leidse_regio, [row(value="124900")], user=coordinator)

    result = import_rows(leidse_regio, [row(value="124901")])

    assert (result.created, result.revised, result.unchanged) == (0, 1, 0)
    assert result.changes == [
        "~ Inwoners — Leiden — 1 januari 2024: 124900 → 124901 (herziening 3)"
    ]
    history = Observation.objects.order_by("revision")
    assert [(o.revision, o.value) for o in history] == [
        (1, Decimal(124899)),
        (2, Decimal(124900)),
        (3, Decimal(124901)),
    ]
    assert history[1].recorded_by == coordinator
    assert [o.value for o in current_observations(inhabitants)] == [Decimal(124901)]


def test_a_dry_run_reports_what_would_change_and_writes_nothing(leidse_regio, inhabitants):
    import_rows(leidse_regio, [row()])

    result = import_rows(
        leidse_regio, [row(value="125000"), row("GM0547", value="27109")], dry_run=True
    )

    assert (result.created, result.revised, result.unchanged) == (1, 1, 0)
    assert result.dry_run
    assert len(result.changes) == 2
    assert Observation.objects.count() == 1


def test_places_and_named_areas_are_stored_as_their_own_areas(leidse_regio, inhabitants):
    place = Place.objects.filter(code__startswith="WK0546").first()
    result = import_rows(
        leidse_regio,
        [row(place.code, value="5"), row("Leiden Bio Science Park", value="20000")],
    )

    assert result.problems == []
    stored = {o.area_key: o for o in Observation.objects.all()}
    assert stored[place.code].place == place
    assert stored[place.code].municipality is None
    assert stored["gebied:leiden bio science park"].area == "Leiden Bio Science Park"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            {"indicator": "onbekend"},
            "Rij 3, kolom 'indicator': 'onbekend' is geen indicator van Leidse regio.",
        ),
        (
            {"area": "GM9999"},
            "Rij 3, kolom 'gebied': 'GM9999' is geen bekende gemeente, wijk of buurt.",
        ),
        (
            {"area": "WK999999"},
            "Rij 3, kolom 'gebied': 'WK999999' is geen bekende gemeente, wijk of buurt.",
        ),
        (
            {"area": "GM0546", "value": Decimal(5)},
            "Rij 3, kolom 'gebied': dubbel: rij 2 geeft al een waarde voor inwoners, Leiden, "
            "1 januari 2024.",
        ),
        (
            {"value": Decimal("NaN")},
            "Rij 3, kolom 'waarde': 'NaN' is geen getal.",
        ),
        (
            {"value": "twaalf"},
            "Rij 3, kolom 'waarde': 'twaalf' is geen getal.",
        ),
        (
            # SQLite would give it back as 1e14, which no longer fits the column.
            {"value": Decimal("99999999999999.98")},
            "Rij 3, kolom 'waarde': '99999999999999.98' heeft te veel cijfers (hoogstens 15).",
        ),
        (
            {"source_title": ""},
            "Rij 3, kolom 'bron': is leeg.",
        ),
        (
            {"source_url": "geen adres"},
            "Rij 3, kolom 'bron_url': 'geen adres' is geen geldig webadres.",
        ),
        (
            {"period_end": datetime.date(2023, 1, 1)},
            "Rij 3, kolom 'periode_einde': 2023-01-01 ligt voor het begin van de periode "
            "(2024-01-01).",
        ),
    ],
)
def test_a_bad_row_stops_the_import_and_nothing_is_written(leidse_regio, inhabitants, bad, message):
    values = {"area": "GM0547", **bad}
    rows = [row(line=2), row(line=3, **values), row("GM0579", line=4)]

    result = import_rows(leidse_regio, rows)

    assert result.problems == [message]
    assert (result.created, result.revised, result.unchanged) == (0, 0, 0)
    assert not Observation.objects.exists()


def test_a_period_in_the_future_stops_the_import(leidse_regio, inhabitants):
    next_year = datetime.date.today().year + 1
    future = datetime.date(next_year, 1, 1)

    result = import_rows(leidse_regio, [row(), row(line=9, period_start=future, period_end=future)])

    assert result.problems == [
        f"Rij 9, kolom 'periode_begin': {future.isoformat()} ligt in de toekomst."
    ]
    assert not Observation.objects.exists()


def test_rows_without_a_line_number_are_counted(leidse_regio, inhabitants):
    result = import_rows(leidse_regio, [row(), row(), row("GM9999")])

    assert result.problems == [
        "Rij 2, kolom 'gebied': dubbel: rij 1 geeft al een waarde voor inwoners, Leiden, "
        "1 januari 2024.",
        "Rij 3, kolom 'gebied': 'GM9999' is geen bekende gemeente, wijk of buurt.",
    ]


def test_progress_is_reported_up_to_the_total(leidse_regio, inhabitants):
    reports = []
    rows = [row(year=year) for year in range(1900, 2026)]

    import_rows(leidse_regio, rows, progress=lambda done, total: reports.append((done, total)))

    assert reports[-1] == (len(rows) * 2, len(rows) * 2)


def test_many_rows_are_written_in_few_queries(
    leidse_regio, inhabitants, django_assert_max_num_queries
):
    rows = [
        row(code, year=year)
        for code in ("GM0546", "GM0547", "GM0579", "GM0626", "GM0638")
        for year in range(1800, 2026)
    ]

    with django_assert_max_num_queries(12):
        result = import_rows(leidse_regio, rows)

    assert result.created == len(rows)
    assert Observation.objects.count() == len(rows)
