"""Tables as CSV, XLSX and ODS files that a spreadsheet opens without running anything.

    safe_cell(value)                         a text that looks like a formula, made inert
    write_csv(header, rows)                  UTF-8 CSV
    write_xlsx(header, rows, sheet=…)        Excel workbook
    write_ods(header, rows, sheet=…)         OpenDocument spreadsheet

Every export goes through these, so that text typed by anyone (an action's title, a name in an
attendance list) cannot become a formula in the spreadsheet of whoever opens the file (CSV
injection, see OWASP "CSV Injection"): a text starting with `=`, `+`, `-`, `@`, a tab or a
carriage return gets a leading apostrophe. Numbers stay numbers: -49 is the int -49, written as
a number, never a text. In XLSX every text cell is also typed as a string explicitly, and in ODS
as `office:value-type="string"`, so neither file can hold a formula at all.
"""

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

Cell = str | int | float | Decimal | None
Row = Sequence[Cell]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


def safe_cell(value: Cell) -> Cell:
    """The value as a spreadsheet should get it: texts that would start a formula prefixed
    with an apostrophe, everything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(header: Sequence[str], rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows(["" if value is None else safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx_text(value: str) -> str:
    # openpyxl refuses control characters XML 1.0 cannot hold; a typed text may contain them.
    return ILLEGAL_CHARACTERS_RE.sub("", str(safe_cell(value)))


def write_xlsx(
    header: Sequence[str],
    rows: Iterable[Row],
    *,
    sheet: str,
    number_formats: Mapping[str, str] | None = None,
) -> bytes:
    """`number_formats` maps a column name to an Excel number format for its numbers."""
    workbook = Workbook()
    worksheet = workbook.create_sheet(sheet, 0)
    workbook.remove(workbook.worksheets[1])  # the empty sheet a new workbook starts with
    formats = {
        header.index(name) + 1: number_format
        for name, number_format in (number_formats or {}).items()
    }
    for row_number, values in enumerate([header, *rows], start=1):
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = worksheet.cell(row=row_number, column=column)
            if isinstance(value, str):
                cell.value = _xlsx_text(value)
                # Typed explicitly: openpyxl would take a text starting with "=" as a formula.
                cell.data_type = "s"
            else:
                cell.value = value
                if column in formats:
                    cell.number_format = formats[column]
            if row_number == 1:
                cell.font = Font(bold=True)
    worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_ods(header: Sequence[str], rows: Iterable[Row], *, sheet: str) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    table.addElement(_ods_row(header))
    for row in rows:
        table.addElement(_ods_row(row))
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _ods_row(values: Iterable[Cell]) -> TableRow:
    row = TableRow()
    for value in values:
        if value is None:
            cell = TableCell()
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            cell = TableCell(valuetype="float", value=str(value))
            cell.addElement(P(text=str(value)))
        else:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=_XML_ILLEGAL.sub("", str(safe_cell(value)))))
        row.addElement(cell)
    return row
