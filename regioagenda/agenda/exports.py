"""Open data: the region's actions with their budgets, as CSV, XLSX and ODS.

One row per budget line, with the action's columns repeated on each; an action without budget
lines gets one row with the budget columns empty. The columns are named in Dutch, as the site
speaks, and hold machine formats: municipalities by CBS code, a decimal point, numbers as numbers
in the spreadsheets, UTF-8 in the CSV. Progress is the present progress (`ProgressCalculator`).
"""

import csv
import io
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db.models import Prefetch
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook
from openpyxl.styles import Font

from regioagenda.agenda.models import Action, ActionQuerySet, BudgetLine
from regioagenda.agenda.progress import ProgressCalculator
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Theme

COLUMNS = [
    "id",
    "titel",
    "onderwerp",
    "afspraak",
    "thema",
    "trekker",
    "trekker_naam",
    "deelnemers",
    "status",
    "voortgang_procent",
    "jaar",
    "financier_gemeente",
    "financier_overig",
    "bedrag_euro",
    "url",
]

Cell = str | int | float | Decimal | None
Row = list[Cell]


def action_rows(
    actions: ActionQuerySet, *, region: Region, absolute_url: Callable[[str], str]
) -> list[Row]:
    """The rows under `COLUMNS` for these actions of the region, in a fixed number of queries."""
    governance = Theme.objects.in_region(region).filter(is_governance=True).first()
    calculator = ProgressCalculator(region_id=region.pk)
    actions = actions.select_related("lead", "topic__theme", "agreement").prefetch_related(
        Prefetch("participants", queryset=Municipality.objects.order_by("code")),
        Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("municipality")),
    )
    rows: list[Row] = []
    for action in actions:
        rows.extend(_rows_of(action, governance, calculator, absolute_url))
    return rows


def _rows_of(
    action: Action,
    governance: Theme | None,
    calculator: ProgressCalculator,
    absolute_url: Callable[[str], str],
) -> Iterable[Row]:
    # Actions under an agreement belong to the governance chapter (see ActionQuerySet.for_theme).
    theme = action.topic.theme if action.topic else governance
    lines: list[BudgetLine | None] = [*action.budget_lines.all()] or [None]
    for line in lines:
        yield [
            action.pk,
            action.title,
            action.topic.slug if action.topic else None,
            action.agreement.slug if action.agreement else None,
            theme.slug if theme else None,
            action.lead.code,
            action.lead.name,
            ";".join(municipality.code for municipality in action.participants.all()) or None,
            action.status,
            calculator.of(action.pk).percent,
            line.year if line else None,
            line.municipality.code if line and line.municipality else None,
            (line.funder or None) if line else None,
            line.amount if line else None,
            absolute_url(action.get_absolute_url()),
        ]


def write_csv(rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(rows: Iterable[Row]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "acties"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    amount = COLUMNS.index("bedrag_euro")
    for row in rows:
        sheet.append(row)
        if row[amount] is not None:
            sheet.cell(row=sheet.max_row, column=amount + 1).number_format = "0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_ods(rows: Iterable[Row]) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name="acties")
    table.addElement(_ods_row(COLUMNS))
    for row in rows:
        table.addElement(_ods_row(row))
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _ods_row(values: Iterable[Cell]) -> TableRow:
    row = TableRow()
    for value in values:
        if value is None:
            cell = TableCell()
        elif isinstance(value, int | float | Decimal):
            cell = TableCell(valuetype="float", value=str(value))
            cell.addElement(P(text=str(value)))
        else:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
        row.addElement(cell)
    return row


FORMATS: dict[str, tuple[str, Callable[[Iterable[Row]], bytes]]] = {
    "csv": ("text/csv; charset=utf-8", write_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", write_xlsx),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", write_ods),
}
