"""Imports are atomic, for any file people export: generated files with k bad rows out of n.

Hypothesis writes valid figures, spoils k of them (a word for a number, an unknown area or
indicator, an impossible date, a year to come, an empty cell), and saves the file the ways
spreadsheets do: comma and decimal point, or semicolon and Dutch decimal comma (with thousands
points, as Dutch Excel writes them); UTF-8 with or without a byte order mark, or Windows-1252;
empty lines between the rows. The import, by the command or by the web's task, must name exactly
the spoiled rows and columns in Dutch and write nothing; a clean file writes every figure, and
importing it again changes nothing.
"""

import csv
import io
import re
from dataclasses import dataclass, replace
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regioagenda.monitor import tasks
from regioagenda.monitor.importing import COLUMNS
from regioagenda.monitor.models import ImportRun, Observation
from regioagenda.monitor.tests.factories import make_indicator

pytestmark = pytest.mark.django_db

INDICATORS = ("inwoners", "afval")
AREAS = (
    "GM0546",
    "GM0547",
    "GM0579",
    "GM0626",
    "GM0638",
    "Zoeterwoude-Dorp é ë",
    "Leiden Bio Science Park",
)
# Letters that Windows-1252 and UTF-8 both hold, with some that Latin-1 reads otherwise.
ALPHABET = "abcdefghijklmnopqrstuvwxyzABCÉéëèêïöüáàçñ €’“”-'.,;\"0123456789"

# What each kind of spoiling does to a row: the column it spoils, the new text, and a word of
# the Dutch message that must name it.
SPOILINGS = {
    "number": ("waarde", "veel", "geen getal"),
    "area": ("gebied", "GM9999", "geen bekende gemeente"),
    "indicator": ("indicator", "onbekend-cijfer", "geen indicator"),
    "date": ("periode_begin", "2024-13-01", "geen datum"),
    "future": ("opgehaald_op", "2999-01-01", "in de toekomst"),
    "empty value": ("waarde", "", "is leeg"),
    "empty source": ("bron", "", "is leeg"),
}
PROBLEM = re.compile(r"^Rij (\d+), kolom '([a-z_]+)': (.+)$")


@dataclass(frozen=True)
class Figure:
    indicator: str
    area: str
    year: int
    whole_year: bool
    value: Decimal
    source: str
    note: str

    def cells(self, *, dutch: bool, grouped: bool) -> dict[str, str]:
        return {
            "indicator": self.indicator,
            "gebied": self.area,
            "periode_begin": f"{self.year}-01-01",
            "periode_einde": f"{self.year}-12-31" if self.whole_year else "",
            "periode": str(self.year) if self.whole_year else f"1 januari {self.year}",
            "waarde": dutch_number(self.value, grouped) if dutch else f"{self.value:f}",
            "bron": self.source,
            "tabel": "03759ned",
            "bron_url": "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/03759ned",
            "opgehaald_op": "2026-07-02",
            "toelichting": self.note,
        }


def dutch_number(value: Decimal, grouped: bool) -> str:
    """1234.5 as Dutch Excel writes it: 1234,5 or, with thousands points, 1.234,5."""
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    # Only beside a decimal comma: "1.234" alone is 1.234 to the importer (see the report).
    if grouped and fraction:
        whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + fraction if fraction else "")


@dataclass(frozen=True)
class Export:
    figures: list[Figure]
    spoiled: dict[int, str]  # index of a figure → kind of spoiling
    semicolon: bool
    grouped: bool
    encoding: str  # "utf-8", "utf-8-sig" or "cp1252"
    blank_before: frozenset[int]  # indexes of figures with an empty line before them

    def rows(self) -> list[tuple[int, dict[str, str]]]:
        """(spreadsheet row number, cells) of every figure; the header is row 1."""
        number = 1
        rows = []
        for index, figure in enumerate(self.figures):
            number += 2 if index in self.blank_before else 1
            cells = figure.cells(dutch=self.semicolon, grouped=self.grouped)
            if index in self.spoiled:
                column, text, _ = SPOILINGS[self.spoiled[index]]
                cells[column] = text
            rows.append((number, cells))
        return rows

    def content(self) -> bytes:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=";" if self.semicolon else ",", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for index, (_, cells) in enumerate(self.rows()):
            if index in self.blank_before:
                buffer.write("\r\n")
            writer.writerow([cells[column] for column in COLUMNS])
        return buffer.getvalue().encode(self.encoding)

    def expected_problems(self) -> set[tuple[int, str, str]]:
        numbers = [number for number, _ in self.rows()]
        return {
            (numbers[index], SPOILINGS[kind][0], SPOILINGS[kind][2])
            for index, kind in self.spoiled.items()
        }


values = st.builds(
    lambda cents: Decimal(cents) / 100, st.integers(min_value=-(10**9), max_value=10**9)
)
figures = st.builds(
    Figure,
    indicator=st.sampled_from(INDICATORS),
    area=st.sampled_from(AREAS),
    year=st.integers(min_value=1990, max_value=2025),
    whole_year=st.booleans(),
    value=values,
    source=st.sampled_from(["CBS StatLine", "Gemeente Zoeterwoude – afvalcijfers", "Rijnland €"]),
    note=st.text(alphabet=ALPHABET, max_size=30).map(str.strip),
)


@st.composite
def exports(draw: st.DrawFn, spoil: bool = True) -> Export:
    # One figure per indicator, area and period, as the import asks.
    unique = draw(
        st.lists(
            figures,
            min_size=1,
            max_size=12,
            unique_by=lambda f: (f.indicator, f.area, f.year, f.whole_year),
        )
    )
    indexes = range(len(unique))
    spoiled = (
        draw(st.dictionaries(st.sampled_from(indexes), st.sampled_from(sorted(SPOILINGS))))
        if spoil
        else {}
    )
    return Export(
        figures=unique,
        spoiled=spoiled,
        semicolon=draw(st.booleans()),
        grouped=draw(st.booleans()),
        encoding=draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        blank_before=frozenset(draw(st.sets(st.sampled_from(indexes)))),
    )


@pytest.fixture
def region(leidse_regio, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    for slug in INDICATORS:
        make_indicator(leidse_regio, slug)
    return leidse_regio


def import_by_command(content: bytes, folder) -> tuple[list[str], str]:
    path = folder / "cijfers.csv"
    path.write_bytes(content)
    out = io.StringIO()
    try:
        call_command("import_observations", str(path), "--region", "leidse-regio", stdout=out)
    except CommandError as refusal:
        lines = str(refusal).splitlines()[1:]
        return [line.removeprefix("  - ") for line in lines], ""
    return [], out.getvalue()


def import_by_task(content: bytes, region) -> tuple[list[str], str]:
    stored = tasks.upload_storage().save("upload.csv", ContentFile(content))
    run = ImportRun.objects.create(
        region=region,
        kind="bestand",
        description="Bestand cijfers.csv",
        report={"file": stored, "file_name": "cijfers.csv"},
    )
    tasks.execute(run)
    run.refresh_from_db()
    assert run.status == (ImportRun.Status.FAILED if run.report["problems"] else "klaar")
    return run.report["problems"], run.report["summary"]


def import_file(route: str, content: bytes, region, folder) -> tuple[list[str], str]:
    if route == "command":
        return import_by_command(content, folder)
    return import_by_task(content, region)


PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(export=exports(), route=st.sampled_from(["command", "task"]))
def test_a_file_with_k_bad_rows_names_exactly_those_and_writes_nothing(
    region, tmp_path, export, route
):
    with transaction.atomic():
        problems, _ = import_file(route, export.content(), region, tmp_path)
        written = Observation.objects.count()
        transaction.set_rollback(True)

    expected = {(row, column): word for row, column, word in export.expected_problems()}
    named = {}
    for problem in problems:
        match = PROBLEM.match(problem)
        assert match, problem
        named[int(match[1]), match[2]] = match[3]
    assert len(problems) == len(export.spoiled)
    assert named.keys() == expected.keys()
    for where, word in expected.items():
        assert word in named[where]
    if export.spoiled:
        assert written == 0


@PROPERTY
@given(export=exports(spoil=False), route=st.sampled_from(["command", "task"]))
def test_a_good_file_writes_every_figure_once_and_again_changes_nothing(
    region, tmp_path, export, route
):
    n = len(export.figures)
    with transaction.atomic():
        problems, first = import_file(route, export.content(), region, tmp_path)
        stored = list(Observation.objects.values_list("area", "area_key", "value", "note"))
        again_problems, again = import_file(route, export.content(), region, tmp_path)
        count_again = Observation.objects.count()
        transaction.set_rollback(True)

    assert problems == again_problems == []
    assert f"{n} nieuw, 0 herzien, 0 ongewijzigd" in first
    assert f"0 nieuw, 0 herzien, {n} ongewijzigd" in again
    assert len(stored) == count_again == n
    # The text comes back as written: no é read as Ã©, no € read as a control character.
    assert sorted((value, note) for _, _, value, note in stored) == sorted(
        (f.value, f.note) for f in export.figures
    )
    named = {f.area for f in export.figures if not f.area.startswith("GM")}
    assert {area for area, _, _, _ in stored if area} == named


def test_the_generated_files_are_what_they_claim():
    """The generator's own promises, so that the properties above test what they say."""
    figure = Figure("inwoners", "Zoeterwoude-Dorp é ë", 2024, False, Decimal("-1234.5"), "€", "’")
    export = Export(
        [figure, replace(figure, year=2023)], {1: "number"}, True, True, "cp1252", frozenset({1})
    )

    content = export.content()

    assert content.startswith(b"indicator;gebied;")
    assert b";Zoeterwoude-Dorp \xe9 \xeb;2024-01-01;;1 januari 2024;-1.234,5;\x80;" in content
    assert b"\r\n\r\n" in content  # the empty line before the second figure
    assert export.expected_problems() == {(4, "waarde", "geen getal")}
