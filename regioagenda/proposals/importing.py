"""Register proposals from an export of a council information system (CSV or JSON).

The layout (one proposal a row; CSV in UTF-8 or Windows-1252 with a header row and a comma or
semicolon between the columns, or JSON: a list of objects with the same keys):

    gemeente       CBS code of the municipality (GM0546)
    orgaan         raad or college
    nummer         the proposal's number in the council information system
    titel          its title
    datum          date of the proposal, YYYY-MM-DD
    status         concept, in-procedure, besloten or ingetrokken (empty: in-procedure)
    datum_besluit  date of the decision, YYYY-MM-DD (may be empty)
    samenvatting   (may be empty)
    besluit        the decision's text (may be empty)
    url            the proposal's page in the council information system (may be empty)

A row whose municipality and number exist already updates that proposal; a new one is added.
The import is all or nothing: every row is checked first, and one bad row (an unknown or
foreign municipality, one the user may not edit, a date that is not one, a number twice in the
file…) stops it with a message naming the row and the column, and nothing is written.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import rules
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from regioagenda.core.csvfiles import FileTooLarge, csv_records, decode_text, read_limited
from regioagenda.proposals.models import GoverningBody, Proposal, ProposalLink, ProposalStatus
from regioagenda.regions.models import Municipality, Region

COLUMNS = [
    "gemeente",
    "orgaan",
    "nummer",
    "titel",
    "datum",
    "status",
    "datum_besluit",
    "samenvatting",
    "besluit",
    "url",
]
REQUIRED = ["gemeente", "orgaan", "nummer", "titel", "datum"]
# Length limits of the model's fields, checked before anything is written.
LIMITS = {"nummer": 60, "titel": 500, "url": 500}
LINK_TITLE = "Raadsinformatiesysteem"
# An export of every proposal of a municipality's council period is well under a megabyte; a
# larger file is refused before it is read.
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_rows(
    file: IO[bytes] | bytes | Path | str, name: str
) -> tuple[list[dict[str, str]], list[str]]:
    """The rows of a CSV or JSON file, each with its row number under "_rij" (as a spreadsheet
    counts them: the header is row 1, empty lines count too)."""
    try:
        data = read_limited(file, MAX_FILE_BYTES, name)
    except FileTooLarge as refusal:
        return [], [str(refusal)]
    text = decode_text(data)
    if text is None:
        return [], [
            _("%(name)s: de tekens in het bestand zijn niet te lezen; sla het op als UTF-8.")
            % {"name": name}
        ]
    if text.lstrip().startswith(("[", "{")):
        return _json_rows(text, name)
    numbered = [(n, record) for n, record in enumerate(csv_records(text), start=1) if any(record)]
    header = [column.lower() for column in numbered[0][1]] if numbered else []
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        return [], [
            _("%(name)s mist de kolom(men): %(columns)s.")
            % {"name": name, "columns": ", ".join(missing)}
        ]
    rows = []
    for number, record in numbered[1:]:
        row = {key: value for key, value in zip(header, record, strict=False) if key}
        row["_rij"] = str(number)
        rows.append(row)
    return rows, []


def _json_rows(text: str, name: str) -> tuple[list[dict[str, str]], list[str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return [], [
            _("%(name)s is geen geldige JSON (regel %(line)d): %(reason)s.")
            % {"name": name, "line": error.lineno, "reason": error.msg}
        ]
    if isinstance(data, dict):
        data = data.get("voorstellen", data.get("items"))
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        return [], [_("%(name)s is geen lijst van voorstellen.") % {"name": name}]
    rows = []
    for number, item in enumerate(data, start=1):
        row = {
            str(key).strip().lower(): "" if value is None else str(value).strip()
            for key, value in item.items()
        }
        row["_rij"] = str(number)
        rows.append(row)
    return rows, []


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@dataclass
class _Checked:
    municipality: Municipality
    values: dict[str, Any]
    url: str


def _check(
    row: dict[str, str],
    municipalities: dict[str, Municipality],
    user: Any,
    seen: dict[tuple[str, str], str],
) -> tuple[_Checked | None, list[str]]:
    line = row["_rij"]

    def where(column: str) -> str:
        return _("Rij %(row)s, kolom '%(column)s': ") % {"row": line, "column": column}

    problems = [where(column) + _("is leeg.") for column in REQUIRED if not row.get(column)]
    code = row.get("gemeente", "").upper()
    municipality = municipalities.get(code)
    if code and municipality is None:
        problems.append(
            where("gemeente") + _("'%(value)s' is geen gemeente van deze regio.") % {"value": code}
        )
    elif (
        municipality is not None
        and user is not None
        and not rules.test_rule("proposals.write_check", user, Proposal(municipality=municipality))
    ):
        problems.append(
            where("gemeente")
            + _("u mag geen voorstellen van %(name)s vastleggen.") % {"name": municipality.name}
        )
    body = row.get("orgaan", "").lower()
    if body and body not in GoverningBody.values:
        problems.append(where("orgaan") + _("kies raad of college."))
    status = row.get("status", "").lower() or ProposalStatus.IN_PROCEDURE
    if status not in ProposalStatus.values:
        problems.append(
            where("status")
            + _("'%(value)s' is geen status; kies concept, in-procedure, besloten of ingetrokken.")
            % {"value": status}
        )
    date = _date(row.get("datum", ""))
    if row.get("datum") and date is None:
        problems.append(
            where("datum") + _("'%(value)s' is geen datum (JJJJ-MM-DD).") % {"value": row["datum"]}
        )
    decided = _date(row.get("datum_besluit", "")) if row.get("datum_besluit") else None
    if row.get("datum_besluit") and decided is None:
        problems.append(
            where("datum_besluit")
            + _("'%(value)s' is geen datum (JJJJ-MM-DD).") % {"value": row["datum_besluit"]}
        )
    elif decided and date and decided < date:
        problems.append(where("datum_besluit") + _("ligt voor de datum van het voorstel."))
    for column, limit in LIMITS.items():
        if len(row.get(column, "")) > limit:
            problems.append(where(column) + _("is langer dan %(limit)d tekens.") % {"limit": limit})
    url = row.get("url", "")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            problems.append(where("url") + _("'%(value)s' is geen webadres.") % {"value": url})
    key = (code, row.get("nummer", ""))
    if row.get("nummer") and key in seen:
        problems.append(where("nummer") + _("staat ook al in rij %(row)s.") % {"row": seen[key]})
    seen.setdefault(key, line)
    if problems or municipality is None or date is None:
        return None, problems
    values = {
        "body": body,
        "number": row["nummer"],
        "title": row["titel"],
        "date": date,
        "status": status,
        "decision_date": decided,
        "summary": row.get("samenvatting", ""),
        "decision": row.get("besluit", ""),
    }
    return _Checked(municipality, values, url), []


def import_proposals(region: Region, rows: list[dict[str, str]], *, user: Any) -> ImportResult:
    """Check every row, then add or update the proposals in one transaction. `user` may only
    import the municipalities they edit; None is the command line's operator, who may import
    every municipality of the region."""
    result = ImportResult()
    municipalities = {m.code: m for m in Municipality.objects.filter(region=region)}
    seen: dict[tuple[str, str], str] = {}
    checked: list[_Checked] = []
    for row in rows:
        item, problems = _check(row, municipalities, user, seen)
        result.problems.extend(problems)
        if item is not None:
            checked.append(item)
    if result.problems:
        return result
    by = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        for item in checked:
            proposal = (
                Proposal.objects.select_for_update()
                .filter(municipality=item.municipality, number=item.values["number"])
                .first()
            )
            if proposal is None:
                proposal = Proposal(municipality=item.municipality, created_by=by, **item.values)
                proposal.full_clean()
                proposal.save()
                result.created += 1
            elif any(getattr(proposal, name) != value for name, value in item.values.items()):
                for name, value in item.values.items():
                    setattr(proposal, name, value)
                proposal.version += 1
                proposal.full_clean()
                proposal.save()
                result.updated += 1
            else:
                result.unchanged += 1
            if item.url and not proposal.links.filter(url=item.url).exists():
                ProposalLink.objects.create(proposal=proposal, title=LINK_TITLE, url=item.url)
    return result
