"""Importing proposals is atomic, for any export: generated files with k bad rows out of n.

Hypothesis writes valid proposals, spoils k of them (an unknown municipality or body, a date that
is none, an empty title, an unknown status, a dangerous link), and saves the file with commas or
semicolons, in UTF-8 with or without a byte order mark or in Windows-1252, with empty lines
between the rows. `import_proposals` must name exactly the spoiled rows and columns in Dutch and
write nothing; a clean file adds every proposal, and importing it again changes nothing.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regioagenda.proposals.importing import COLUMNS
from regioagenda.proposals.models import Proposal, ProposalLink

pytestmark = pytest.mark.django_db

MUNICIPALITIES = ("GM0546", "GM0547", "GM0579", "GM0626", "GM0638")
ALPHABET = "abcdefghijklmnopqrstuvwxyzABCÉéëèêïöüáàçñ €’“”-'.,;\"0123456789"
SPOILINGS = {
    "municipality": ("gemeente", "GM9999", "geen gemeente van deze regio"),
    "body": ("orgaan", "gemeenteraad", "kies raad of college"),
    "date": ("datum", "31-02-2026", "geen datum"),
    "title": ("titel", "", "is leeg"),
    "status": ("status", "klaar", "geen status"),
    "link": ("url", "javascript:alert(1)", "geen webadres"),
}
PROBLEM = re.compile(r"^Rij (\d+), kolom '([a-z_]+)': (.+)$")


@dataclass(frozen=True)
class Row:
    municipality: str
    number: int
    body: str
    title: str
    date: datetime.date
    status: str
    summary: str
    link: bool

    def cells(self) -> dict[str, str]:
        return {
            "gemeente": self.municipality,
            "orgaan": self.body,
            "nummer": f"PROEF {self.number}",
            "titel": self.title,
            "datum": self.date.isoformat(),
            "status": self.status,
            "datum_besluit": "",
            "samenvatting": self.summary,
            "besluit": "",
            "url": f"https://ris.example.org/voorstel/{self.number}" if self.link else "",
        }


rows = st.builds(
    Row,
    municipality=st.sampled_from(MUNICIPALITIES),
    number=st.integers(min_value=1, max_value=10_000),
    body=st.sampled_from(["raad", "college"]),
    title=st.text(alphabet=ALPHABET, min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
    .map(lambda title: f"Zoeterwoude-Dorp é ë: {title}"),
    date=st.dates(datetime.date(2018, 1, 1), datetime.date(2026, 12, 31)),
    status=st.sampled_from(["", "concept", "in-procedure", "ingetrokken"]),
    summary=st.text(alphabet=ALPHABET, max_size=60).map(str.strip),
    link=st.booleans(),
)


@st.composite
def exports(draw: st.DrawFn, spoil: bool = True) -> dict:
    proposals = draw(
        st.lists(rows, min_size=1, max_size=10, unique_by=lambda r: (r.municipality, r.number))
    )
    indexes = range(len(proposals))
    return {
        "rows": proposals,
        "spoiled": (
            draw(st.dictionaries(st.sampled_from(indexes), st.sampled_from(sorted(SPOILINGS))))
            if spoil
            else {}
        ),
        "delimiter": draw(st.sampled_from([",", ";"])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        "blank_before": draw(st.sets(st.sampled_from(indexes))),
    }


def write(export: dict) -> tuple[bytes, set[tuple[int, str, str]]]:
    """The file's bytes and the (row, column, Dutch word) every spoiled row must be named by."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=export["delimiter"], lineterminator="\r\n")
    writer.writerow(COLUMNS)
    number = 1
    expected = set()
    for index, row in enumerate(export["rows"]):
        if index in export["blank_before"]:
            buffer.write("\r\n")
            number += 1
        number += 1
        cells = row.cells()
        if index in export["spoiled"]:
            column, text, word = SPOILINGS[export["spoiled"][index]]
            cells[column] = text
            expected.add((number, column, word))
        writer.writerow([cells[column] for column in COLUMNS])
    return buffer.getvalue().encode(export["encoding"]), expected


def import_file(content: bytes, folder) -> tuple[list[str], str]:
    path = folder / "export.csv"
    path.write_bytes(content)
    out = io.StringIO()
    try:
        call_command("import_proposals", str(path), "--region", "leidse-regio", stdout=out)
    except CommandError as refusal:
        return [line.removeprefix("  - ") for line in str(refusal).splitlines()[1:]], ""
    return [], out.getvalue()


PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(export=exports())
def test_an_export_with_k_bad_rows_names_exactly_those_and_writes_nothing(
    leidse_regio, tmp_path, export
):
    content, expected = write(export)
    before = Proposal.objects.count()
    with transaction.atomic():
        problems, _ = import_file(content, tmp_path)
        written = Proposal.objects.count() - before
        transaction.set_rollback(True)

    named = {}
    for problem in problems:
        match = PROBLEM.match(problem)
        assert match, problem
        named[int(match[1]), match[2]] = match[3]
    assert len(problems) == len(export["spoiled"])
    assert named.keys() == {(row, column) for row, column, _ in expected}
    for row, column, word in expected:
        assert word in named[row, column]
    if export["spoiled"]:
        assert written == 0


@PROPERTY
@given(export=exports(spoil=False))
def test_a_good_export_adds_every_proposal_once_and_again_changes_nothing(
    leidse_regio, tmp_path, export
):
    content, _ = write(export)
    n = len(export["rows"])
    before = Proposal.objects.count(), ProposalLink.objects.count()
    with transaction.atomic():
        problems, first = import_file(content, tmp_path)
        titles = set(
            Proposal.objects.filter(number__startswith="PROEF ").values_list("title", flat=True)
        )
        again_problems, again = import_file(content, tmp_path)
        after = Proposal.objects.count(), ProposalLink.objects.count()
        transaction.set_rollback(True)

    assert problems == again_problems == []
    assert f"{n} nieuw, 0 gewijzigd, 0 ongewijzigd" in first
    assert f"0 nieuw, 0 gewijzigd, {n} ongewijzigd" in again
    links = sum(row.link for row in export["rows"])
    assert after == (before[0] + n, before[1] + links)
    # The accents come back as written, whichever encoding the file had.
    assert titles == {row.title for row in export["rows"]}
