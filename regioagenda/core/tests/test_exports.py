"""Every CSV, XLSX and ODS export makes formula-like texts inert and keeps numbers numbers; an
export of non-public data checks permission when it is downloaded."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from odf import teletype
from odf.namespaces import OFFICENS
from odf.opendocument import load
from odf.table import TableCell, TableRow

from regioagenda.agenda.models import BudgetLine
from regioagenda.agenda.tests.factories import make_action
from regioagenda.core import exports
from regioagenda.meetings.registration_views import register_for
from regioagenda.meetings.tests.factories import make_meeting
from regioagenda.monitor.tests.factories import make_indicator, make_observation

STARTS = ["=", "+", "-", "@", "\t", "\r"]
TEXTS = [f'{start}HYPERLINK("https://example.org")' for start in STARTS]


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))


def xlsx_cells(content: bytes) -> list[list[openpyxl.cell.cell.Cell]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


def ods_cells(content: bytes) -> list[list[tuple[str | None, str]]]:
    """(office:value-type, text) of every cell, row by row."""
    document = load(io.BytesIO(content))
    return [
        [
            (cell.attributes.get((OFFICENS, "value-type")), teletype.extractText(cell))
            for cell in row.getElementsByType(TableCell)
        ]
        for row in document.spreadsheet.getElementsByType(TableRow)
    ]


# -- the shared writer -------------------------------------------------------------------------


@pytest.mark.parametrize("text", TEXTS, ids=repr)
def test_a_text_that_starts_a_formula_gets_an_apostrophe_in_every_format(text):
    rows = [[text, -49, Decimal("-49.5"), "gewone tekst"]]
    header = ["tekst", "getal", "decimaal", "andere"]

    assert read_csv(exports.write_csv(header, rows))[1] == [
        "'" + text,
        "-49",
        "-49.5",
        "gewone tekst",
    ]

    cells = xlsx_cells(exports.write_xlsx(header, rows, sheet="blad"))[1]
    assert cells[0].data_type == "s" and cells[0].value == "'" + text
    assert cells[1].data_type == "n" and cells[1].value == -49
    assert cells[2].data_type == "n" and cells[2].value == -49.5

    cells_ods = ods_cells(exports.write_ods(header, rows, sheet="blad"))[1]
    # XML reads a carriage return back as a line end.
    assert cells_ods[0] == ("string", "'" + text.replace("\r", "\n"))
    assert cells_ods[1] == ("float", "-49")
    assert cells_ods[2] == ("float", "-49.5")


def test_harmless_texts_and_empty_cells_are_left_as_they_are():
    assert exports.safe_cell("Warmtenet Zuid") == "Warmtenet Zuid"
    assert exports.safe_cell("-") == "'-"
    assert exports.safe_cell("") == ""
    assert exports.safe_cell(None) is None
    assert exports.safe_cell(-49) == -49
    content = exports.write_xlsx(["a", "b"], [[None, "x\x0by"]], sheet="blad")
    cells = xlsx_cells(content)[1]
    assert cells[0].value is None and cells[1].value == "xy"  # no control character, no error


# -- the exports themselves --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx", "ods"])
def test_the_agenda_export_neutralises_titles_and_keeps_amounts_numbers(
    client, leidse_regio, leiden, file_format
):
    for number, text in enumerate([*TEXTS, "-49"]):
        action = make_action(leiden, title=text)
        if number == 0:
            BudgetLine.objects.create(action=action, year=2026, municipality=leiden, amount=49)
    response = client.get(reverse(f"agenda:export_{file_format}"))
    assert response.status_code == 200
    titles, amounts = _column(response.content, file_format, "titel", "bedrag_euro")
    for text in [*TEXTS, "-49"]:
        assert ("'" + text).replace("\r", "\n" if file_format == "ods" else "\r") in titles
    assert 49 in amounts


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx", "ods"])
def test_the_monitor_download_neutralises_texts_and_keeps_a_negative_figure_a_number(
    client, leidse_regio, leiden, file_format
):
    indicator = make_indicator(leidse_regio, "saldo-test", unit="procent")
    make_observation(indicator, leiden, 2024, -49, source_title="=1+1")
    response = client.get(
        reverse("monitor:download", kwargs={"slug": indicator.slug, "format": file_format})
    )
    assert response.status_code == 200
    sources, values = _column(response.content, file_format, "bron", "waarde")
    assert "'=1+1" in sources
    assert -49 in values


def _column(content: bytes, file_format: str, text_column: str, number_column: str):
    """The texts of one column and the numbers of another, each as its format types them."""
    if file_format == "csv":
        rows = read_csv(content)
        texts = [row[rows[0].index(text_column)] for row in rows[1:]]
        numbers = [
            int(float(value)) for row in rows[1:] if (value := row[rows[0].index(number_column)])
        ]
        assert all(row[rows[0].index(number_column)] != "'-49" for row in rows)
        return texts, numbers
    if file_format == "xlsx":
        cells = xlsx_cells(content)
        names = [cell.value for cell in cells[0]]
        text_cells = [row[names.index(text_column)] for row in cells[1:]]
        assert all(cell.data_type == "s" for cell in text_cells if cell.value is not None)
        number_cells = [row[names.index(number_column)] for row in cells[1:]]
        assert all(cell.data_type == "n" for cell in number_cells)
        return [cell.value for cell in text_cells], [
            cell.value for cell in number_cells if cell.value is not None
        ]
    table = ods_cells(content)
    names = [text for _kind, text in table[0]]
    text_cells = [row[names.index(text_column)] for row in table[1:]]
    assert all(kind == "string" for kind, text in text_cells if text)
    number_cells = [row[names.index(number_column)] for row in table[1:]]
    assert all(kind == "float" for kind, text in number_cells if text)
    return [text for _kind, text in text_cells], [
        int(float(text)) for _kind, text in number_cells if text
    ]


# -- the attendance list: not public -----------------------------------------------------------


@pytest.fixture
def attendance_url(leidse_regio, leiden):
    meeting = make_meeting(
        leidse_regio,
        "Netwerkbijeenkomst energie",
        kind="netwerkbijeenkomst",
        organiser=leiden,
        registration_open=True,
        start=datetime.datetime(2030, 3, 1, 19, tzinfo=datetime.UTC),
        end=datetime.datetime(2030, 3, 1, 21, tzinfo=datetime.UTC),
    )
    for text in TEXTS:
        register_for(
            meeting,
            name=text,
            email=f"{len(text)}{ord(text[0])}@example.org",
            organisation="@org",
        )
    return reverse("meetings:attendance", kwargs={"pk": meeting.pk}) + "?formaat=csv"


@pytest.mark.django_db
def test_the_attendance_list_neutralises_names_and_organisations(attendance_url, leiden_editor):
    client = Client()
    client.force_login(leiden_editor)
    response = client.get(attendance_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_csv(response.content)
    names = [row[0] for row in rows[1:]]
    assert len(names) == len(TEXTS)
    # Registration trims a name's spaces and tabs; what is left is made inert the same way.
    assert {"'" + text for text in TEXTS if not text[0].isspace()} <= set(names)
    assert not [name for name in names if name.startswith(tuple(STARTS))]
    assert {row[2] for row in rows[1:]} == {"'@org"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["visitor", "oegstgeest_editor", "council_member"])
def test_a_copied_attendance_download_link_gives_others_nothing(
    request, attendance_url, leiden_editor, who
):
    client = Client()
    if who != "visitor":
        client.force_login(request.getfixturevalue(who))
    response = client.get(attendance_url)
    assert response.status_code in (302, 403, 404)
    assert b"@example.org" not in response.content
    assert "attachment" not in response.get("Content-Disposition", "")
