import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from odf import teletype
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow

from regioagenda.agenda.exports import COLUMNS
from regioagenda.agenda.models import Action, BudgetLine, StatusChange
from regioagenda.agenda.tests.factories import make_action, report
from regioagenda.vision.models import Agreement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def actions(leidse_regio, leiden_editor, leiden, oegstgeest):  # type: ignore[no-untyped-def]
    """A funded action with two participants, an action without budget, one under an agreement."""
    funded = make_action(leiden, title="Warmtenet Zuid", topic="stadswarmtenet")
    funded.participants.add(oegstgeest, leiden.region.municipalities.get(code="GM0626"))
    report(funded, leiden_editor, 40, datetime.date(2026, 10, 1))
    BudgetLine.objects.create(action=funded, year=2026, municipality=leiden, amount=12500)
    BudgetLine.objects.create(
        action=funded, year=2027, funder="Provincie Zuid-Holland", amount=Decimal("2500.75")
    )
    unfunded = make_action(oegstgeest, title="Fietsroute “Oude Rijn”", status="in_progress")
    agreed = Action.objects.create(
        region=leidse_regio,
        agreement=Agreement.objects.get(region=leidse_regio, slug="regionale-impacttoets"),
        lead=leiden,
        title="Impacttoets invoeren",
    )
    StatusChange.objects.create(
        action=agreed, to_status="idea", changed_on=datetime.date(2026, 2, 1)
    )
    return funded, unfunded, agreed


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def read_xlsx(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def read_ods(content: bytes) -> list[list]:
    table = load(io.BytesIO(content)).spreadsheet.getElementsByType(Table)[0]
    rows = []
    for row in table.getElementsByType(TableRow):
        values: list = []
        for cell in row.getElementsByType(TableCell):
            kind = cell.getAttribute("valuetype")
            if kind == "float":
                values.append(float(cell.getAttribute("value")))
            elif kind == "string":
                values.append(teletype.extractText(cell))
            else:
                values.append(None)
        rows.append(values)
    return rows


def test_csv_has_a_row_per_budget_line_and_one_for_an_action_without_budget(
    client: Client, actions
):
    funded, _unfunded, _agreed = actions

    response = client.get(reverse("agenda:export_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="acties.csv"'
    header, *rows = read_csv(response.content)
    assert header == COLUMNS
    by_title = {}
    for row in rows:
        by_title.setdefault(row[1], []).append(dict(zip(header, row, strict=True)))
    assert len(rows) == 4 and len(by_title["Fietsroute “Oude Rijn”"]) == 1
    first, second = by_title["Warmtenet Zuid"]
    assert first == {
        "id": str(funded.pk),
        "titel": "Warmtenet Zuid",
        "onderwerp": "stadswarmtenet",
        "afspraak": "",
        "thema": "duurzaamheid",
        "trekker": "GM0546",
        "trekker_naam": "Leiden",
        "deelnemers": "GM0579;GM0626",
        "status": "idea",
        "voortgang_procent": "40.0",
        "jaar": "2026",
        "financier_gemeente": "GM0546",
        "financier_overig": "",
        "bedrag_euro": "12500.00",
        "url": f"http://testserver/uitvoeringsagenda/acties/{funded.pk}/",
    }
    assert (second["jaar"], second["financier_gemeente"], second["financier_overig"]) == (
        "2027",
        "",
        "Provincie Zuid-Holland",
    )
    assert second["bedrag_euro"] == "2500.75"
    (without_budget,) = by_title["Fietsroute “Oude Rijn”"]
    assert [without_budget[name] for name in ("jaar", "bedrag_euro", "status")] == [
        "",
        "",
        "in_progress",
    ]
    (agreement_row,) = by_title["Impacttoets invoeren"]
    assert agreement_row["afspraak"] == "regionale-impacttoets"
    assert agreement_row["thema"] == "krachten-verenigen"  # the governance chapter


@pytest.mark.parametrize(
    ("url", "read"), [("agenda:export_xlsx", read_xlsx), ("agenda:export_ods", read_ods)]
)
def test_spreadsheets_hold_the_same_rows_with_numbers_as_numbers(
    client: Client, actions, url, read
):
    csv_rows = read_csv(client.get(reverse("agenda:export_csv")).content)

    rows = read(client.get(reverse(url)).content)

    assert rows[0] == COLUMNS
    assert len(rows) == len(csv_rows)
    for row, csv_row in zip(rows[1:], csv_rows[1:], strict=True):
        row = row + [None] * (len(COLUMNS) - len(row))  # trailing empty cells may be dropped
        assert ["" if value is None else value for value in row][1:9] == csv_row[1:9]
        assert row[0] == int(csv_row[0])
        assert isinstance(row[0], int | float) and isinstance(row[9], int | float)
        assert row[9] == float(csv_row[9])
        if csv_row[10]:
            assert row[10] == int(csv_row[10])
            assert row[13] == float(csv_row[13])
        else:
            assert row[10] is None and row[13] is None
        assert row[14] == csv_row[14]
    amounts = sorted(row[13] for row in rows[1:] if row[13] is not None)
    assert amounts == [2500.75, 12500]


@pytest.mark.parametrize("url", ["agenda:export_csv", "agenda:export_xlsx", "agenda:export_ods"])
def test_exports_apply_the_overviews_filters(client: Client, actions, url):
    read = {"agenda:export_csv": read_csv, "agenda:export_xlsx": read_xlsx}.get(url, read_ods)

    def titles(**filters: str) -> set[str]:
        return {row[1] for row in read(client.get(reverse(url), filters).content)[1:]}

    assert titles(thema="duurzaamheid") == {"Warmtenet Zuid"}
    assert titles(thema="krachten-verenigen") == {"Impacttoets invoeren"}
    assert titles(gemeente="oegstgeest") == {"Warmtenet Zuid", "Fietsroute “Oude Rijn”"}
    assert titles(status="in_progress") == {"Fietsroute “Oude Rijn”"}
    assert titles(gemeente="leiden", status="idea") == {"Warmtenet Zuid", "Impacttoets invoeren"}
    assert client.get(reverse(url), {"thema": "bestaat-niet"}).status_code == 404


def test_overview_links_the_report_and_the_exports_with_its_filters(client: Client, actions):
    page = client.get(reverse("agenda:overview"), {"thema": "duurzaamheid"}).content.decode()

    assert reverse("agenda:report") in page
    for name in ("export_csv", "export_xlsx", "export_ods"):
        assert f"{reverse(f'agenda:{name}')}?thema=duurzaamheid" in page


def test_export_query_count_does_not_grow_with_the_actions(
    client: Client, actions, leiden, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        client.get(reverse("agenda:export_csv"))
    for number in range(20):
        action = make_action(leiden, title=f"Actie {number}")
        BudgetLine.objects.create(action=action, year=2026, municipality=leiden, amount=number)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("agenda:export_csv"))
    assert len(read_csv(response.content)) == 1 + 4 + 20
