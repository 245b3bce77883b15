"""The core of every import of figures: the data set, a CSV or XLSX file, and CBS.

    read_rows(file, file_name)   a CSV or XLSX file in the documented layout → rows, problems
    import_rows(region, rows)    validate every row, then write them all in one transaction
    record_observation(o, by=u)  one figure from a form or the API, by the same revision rule

The file layout (one figure a row, a header row first; CSV with a comma or a
semicolon between the columns, UTF-8 or Windows-1252 as Excel saves it, or the first sheet of
an XLSX workbook; at most MAX_FILE_BYTES):

    indicator, gebied, periode_begin, periode_einde, periode, waarde, bron, tabel, bron_url,
    opgehaald_op, toelichting

`gebied` is a CBS code (GM0546, WK054600, BU05460000) or the name of another area (Leiden Bio
Science Park); dates are YYYY-MM-DD; `waarde` takes a decimal point or a Dutch comma
(1234.5 or 1.234,5). `periode_einde` may be empty for a figure on one day (a "peildatum").

An import is all or nothing: one bad row stops it and nothing is written. A figure that is new
becomes revision 1; the same value as the current revision changes nothing; a different value
becomes a new revision and the older one stays in the history.
"""

import datetime
import io
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.competences.models import Place
from regioagenda.core.csvfiles import FileTooLarge, csv_records, decode_text, read_limited
from regioagenda.monitor.models import Indicator, Observation
from regioagenda.regions.models import Municipality, Region

COLUMNS = [
    "indicator",
    "gebied",
    "periode_begin",
    "periode_einde",
    "periode",
    "waarde",
    "bron",
    "tabel",
    "bron_url",
    "opgehaald_op",
    "toelichting",
]
REQUIRED_COLUMNS = ["indicator", "gebied", "periode_begin", "periode", "waarde", "bron"]
OPTIONAL_COLUMNS = [name for name in COLUMNS if name not in REQUIRED_COLUMNS]

MUNICIPALITY_CODE = re.compile(r"^GM\d{4}$")
PLACE_CODE = re.compile(r"^(WK\d{6}|BU\d{8})$")
# Looks like a CBS code, so it is not taken for the name of another area.
CODE_LIKE = re.compile(r"^(GM|WK|BU)\d+$", re.IGNORECASE)

# Observation.value holds 20 digits, 6 after the point.
VALUE_PLACES = Decimal("0.000001")
VALUE_LIMIT = Decimal(10) ** 14
# SQLite keeps a decimal as a double: a figure with more digits would come back changed.
SIGNIFICANT_DIGITS = 15
BATCH_SIZE = 2000
# A file for the command or the data set (the web form allows less): 100,000 figures take some
# 15 MB. A larger file is refused before it is read.
MAX_FILE_BYTES = 50 * 1024 * 1024
PAUSE_AFTER_ROWS = "REGIOAGENDA_IMPORT_PAUSE_AFTER_ROWS"
# A report lists at most this many changes; the counts always cover all of them.
MAX_CHANGES = 1000

Progress = Callable[[int, int], None]


@dataclass
class ObservationRow:
    """One figure to import, as a file, the data set or the CBS client gives it."""

    indicator: str
    area: str
    period_start: datetime.date
    period_end: datetime.date
    period_label: str
    value: Decimal
    source_title: str
    source_table: str
    source_url: str
    retrieved_on: datetime.date
    note: str = ""
    line: int | None = None


@dataclass
class ImportResult:
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return _("%(created)d nieuw, %(revised)d herzien, %(unchanged)d ongewijzigd.") % {
            "created": self.created,
            "revised": self.revised,
            "unchanged": self.unchanged,
        }


# Reading files ------------------------------------------------------------------------------


def parse_decimal(text: str) -> Decimal | None:
    """1234.5, 1234,5 or 1.234,5 → Decimal; None when it is not a number."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in cleaned:
        # The Dutch way: points group the thousands, the comma is the decimal sign.
        if cleaned.count(",") > 1 or not re.fullmatch(r"[-+]?(\d{1,3}(\.\d{3})*|\d+),\d+", cleaned):
            return None
        cleaned = cleaned.replace(".", "").replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", cleaned):
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _csv_records(data: bytes, file_name: str, problems: list[str]) -> list[list[str]]:
    text = decode_text(data)
    if text is None:
        problems.append(
            _(
                "%(file)s: de tekens in het bestand zijn niet te lezen; sla het op als CSV "
                "(UTF-8) of als CSV uit Excel."
            )
            % {"file": file_name}
        )
        return []
    return csv_records(text)


def _xlsx_records(data: bytes, file_name: str, problems: list[str]) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged or foreign file
        problems.append(_("%(file)s: geen leesbaar XLSX-bestand.") % {"file": file_name})
        return []
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_rows(
    file: IO[bytes] | bytes | Path | str, file_name: str
) -> tuple[list[ObservationRow], list[str]]:
    """Read a CSV or XLSX file in the documented layout; problems name the row and the column.

    Row numbers count the header as row 1, as a spreadsheet shows them."""
    problems: list[str] = []
    try:
        data = read_limited(file, MAX_FILE_BYTES, file_name)
    except FileTooLarge as refusal:
        return [], [str(refusal)]
    suffix = Path(file_name).suffix.lower()
    if suffix == ".csv":
        records = _csv_records(data, file_name, problems)
    elif suffix == ".xlsx":
        records = _xlsx_records(data, file_name, problems)
    else:
        return [], [
            _("%(file)s: kies een CSV- of XLSX-bestand.") % {"file": file_name},
        ]
    if problems:
        return [], problems
    # Numbered before empty lines are left out, so that a problem names the row a spreadsheet
    # shows, also below an empty line.
    numbered = [(number, r) for number, r in enumerate(records, start=1) if any(r)]
    if not numbered:
        return [], [_("%(file)s: het bestand is leeg.") % {"file": file_name}]

    header = [cell.strip().lower() for cell in numbered[0][1]]
    while header and not header[-1]:
        header.pop()
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if unknown:
        problems.append(
            _("%(file)s: onbekende kolom(men) %(columns)s; verwacht: %(expected)s.")
            % {"file": file_name, "columns": ", ".join(unknown), "expected": ", ".join(COLUMNS)}
        )
    if missing:
        problems.append(
            _("%(file)s: kolom(men) %(columns)s ontbreken.")
            % {"file": file_name, "columns": ", ".join(missing)}
        )
    if problems:
        return [], problems

    rows = []
    for number, record in numbered[1:]:
        cells = dict(zip(header, record, strict=False))
        row = _row(cells, number, problems)
        if row is not None:
            rows.append(row)
    return rows, problems


def _row(cells: dict[str, str], number: int, problems: list[str]) -> ObservationRow | None:
    known = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(
            _("Rij %(row)d, kolom '%(column)s': %(message)s")
            % {"row": number, "column": column, "message": message}
        )

    def text(column: str) -> str:
        value = cells.get(column, "").strip()
        if not value and column in REQUIRED_COLUMNS:
            problem(column, _("is leeg."))
        return value

    def day(column: str, required: bool = True) -> datetime.date | None:
        value = cells.get(column, "").strip()
        if not value:
            if required:
                problem(column, _("is leeg."))
            return None
        try:
            return datetime.date.fromisoformat(
                value[:10] if "T" in value or " " in value else value
            )
        except ValueError:
            problem(
                column,
                _("'%(value)s' is geen datum in de vorm JJJJ-MM-DD.") % {"value": value},
            )
            return None

    indicator = text("indicator")
    area = text("gebied")
    period_start = day("periode_begin")
    period_end = day("periode_einde", required=False) or period_start
    period_label = text("periode")
    raw_value = text("waarde")
    value = parse_decimal(raw_value) if raw_value else None
    if raw_value and value is None:
        problem("waarde", _("'%(value)s' is geen getal.") % {"value": raw_value})
    source_title = text("bron")
    retrieved_on = day("opgehaald_op", required=False) or datetime.date.today()
    if len(problems) > known or period_start is None or period_end is None or value is None:
        return None
    return ObservationRow(
        indicator=indicator,
        area=area,
        period_start=period_start,
        period_end=period_end,
        period_label=period_label,
        value=value,
        source_title=source_title,
        source_table=cells.get("tabel", "").strip(),
        source_url=cells.get("bron_url", "").strip(),
        retrieved_on=retrieved_on,
        note=cells.get("toelichting", "").strip(),
        line=number,
    )


# Importing ----------------------------------------------------------------------------------


@dataclass
class _Area:
    key: str
    name: str
    municipality_id: int | None = None
    place_id: int | None = None
    area: str = ""


Key = tuple[int, str, datetime.date, datetime.date]


def _resolve_areas(
    rows: Sequence[ObservationRow],
) -> tuple[dict[str, _Area], set[str]]:
    """Areas by the text of `gebied`; the second value holds codes that name no known area.

    Municipalities of any region are known (a national table may hold them all); places by
    their CBS code; any other text is the name of another area."""
    texts = {row.area.strip() for row in rows}
    codes = {t.upper() for t in texts}
    municipalities = {
        m.code: m
        for m in Municipality.objects.filter(
            code__in=[c for c in codes if MUNICIPALITY_CODE.match(c)]
        )
    }
    places: dict[str, Place] = {}
    for place in Place.objects.filter(code__in=[c for c in codes if PLACE_CODE.match(c)]):
        places.setdefault(place.code, place)
    areas: dict[str, _Area] = {}
    unknown: set[str] = set()
    for original in texts:
        code = original.upper()
        if code in municipalities:
            m = municipalities[code]
            areas[original] = _Area(key=m.code, name=m.name, municipality_id=m.pk)
        elif code in places:
            p = places[code]
            areas[original] = _Area(
                key=p.code, name=p.name, municipality_id=p.municipality_id, place_id=p.pk
            )
        elif CODE_LIKE.match(original):
            unknown.add(original)
        else:
            areas[original] = _Area(
                key=f"gebied:{original.casefold()}", name=original, area=original
            )
    return areas, unknown


def _check_text(row: ObservationRow, where: Callable[[str], str], problems: list[str]) -> None:
    limits = (
        ("periode", row.period_label, 30, True),
        ("bron", row.source_title, 300, True),
        ("tabel", row.source_table, 50, False),
        ("bron_url", row.source_url, 500, False),
        ("toelichting", row.note, 500, False),
        ("gebied", row.area, 200, True),
    )
    for column, value, limit, required in limits:
        if required and not value.strip():
            problems.append(where(column) + _("is leeg."))
        elif len(value) > limit:
            problems.append(
                where(column) + _("is te lang (hoogstens %(limit)d tekens).") % {"limit": limit}
            )
    if row.source_url:
        try:
            URLValidator()(row.source_url)
        except ValidationError:
            problems.append(
                where("bron_url")
                + _("'%(value)s' is geen geldig webadres.") % {"value": row.source_url}
            )


def _validate(
    region: Region,
    rows: Sequence[ObservationRow],
    areas: dict[str, _Area],
    unknown_areas: set[str],
    indicators: dict[str, Indicator],
    progress: Progress | None,
) -> list[str]:
    problems: list[str] = []
    today = datetime.date.today()
    seen: dict[tuple[str, str, datetime.date, datetime.date], int] = {}
    total = len(rows)
    for index, row in enumerate(rows):
        number = row.line if row.line is not None else index + 1

        def where(column: str, number: int = number) -> str:
            return _("Rij %(row)d, kolom '%(column)s': ") % {"row": number, "column": column}

        indicator = indicators.get(row.indicator.strip())
        if indicator is None:
            problems.append(
                where("indicator")
                + _("'%(value)s' is geen indicator van %(region)s.")
                % {"value": row.indicator, "region": region.name}
            )
        area = areas.get(row.area.strip())
        if row.area.strip() in unknown_areas:
            problems.append(
                where("gebied")
                + _("'%(value)s' is geen bekende gemeente, wijk of buurt.") % {"value": row.area}
            )
        if not isinstance(row.value, Decimal) or not row.value.is_finite():
            problems.append(
                where("waarde") + _("'%(value)s' is geen getal.") % {"value": row.value}
            )
        elif abs(row.value) >= VALUE_LIMIT:
            problems.append(where("waarde") + _("'%(value)s' is te groot.") % {"value": row.value})
        elif too_precise(row.value):
            problems.append(
                where("waarde")
                + _("'%(value)s' heeft te veel cijfers (hoogstens %(digits)d).")
                % {"value": row.value, "digits": SIGNIFICANT_DIGITS}
            )
        if row.period_start > today:
            problems.append(
                where("periode_begin")
                + _("%(value)s ligt in de toekomst.") % {"value": row.period_start.isoformat()}
            )
        if row.period_end < row.period_start:
            problems.append(
                where("periode_einde")
                + _("%(end)s ligt voor het begin van de periode (%(start)s).")
                % {"end": row.period_end.isoformat(), "start": row.period_start.isoformat()}
            )
        if row.retrieved_on > today:
            problems.append(
                where("opgehaald_op")
                + _("%(value)s ligt in de toekomst.") % {"value": row.retrieved_on.isoformat()}
            )
        _check_text(row, where, problems)
        if indicator is not None and area is not None:
            key = (indicator.slug, area.key, row.period_start, row.period_end)
            earlier = seen.get(key)
            if earlier is not None:
                problems.append(
                    where("gebied")
                    + _(
                        "dubbel: rij %(earlier)d geeft al een waarde voor %(indicator)s, "
                        "%(area)s, %(period)s."
                    )
                    % {
                        "earlier": earlier,
                        "indicator": indicator.slug,
                        "area": area.name,
                        "period": row.period_label,
                    }
                )
            else:
                seen[key] = number
        if progress is not None and (index + 1) % BATCH_SIZE == 0:
            progress(index + 1, total * 2)
    return problems


def _current_values(
    indicator_ids: Iterable[int], area_keys: set[str]
) -> dict[Key, tuple[int, Decimal]]:
    """The current revision and value of every figure of these indicators and areas."""
    latest: dict[Key, tuple[int, Decimal]] = {}
    observations = (
        Observation.objects.filter(indicator_id__in=list(indicator_ids))
        .order_by()
        .values_list("indicator_id", "area_key", "period_start", "period_end", "revision", "value")
    )
    for indicator_id, area_key, start, end, revision, value in observations.iterator(
        chunk_size=BATCH_SIZE
    ):
        if area_key not in area_keys:
            continue
        key = (indicator_id, area_key, start, end)
        known = latest.get(key)
        if known is None or revision > known[0]:
            latest[key] = (revision, value)
    return latest


def next_revision(known: tuple[int, Decimal] | None, value: Decimal) -> int | None:
    """The revision a figure with this value becomes, given the current (revision, value) of the
    same figure; None when the value is the current one already and nothing is to be written."""
    if known is None:
        return 1
    if known[1] == value:
        return None
    return known[0] + 1


def _format(value: Decimal) -> str:
    return format(value.normalize(), "f")


INSERTED = [
    "indicator",
    "municipality",
    "place",
    "area",
    "area_key",
    "period_start",
    "period_end",
    "period_label",
    "value",
    "revision",
    "source_title",
    "source_table",
    "source_url",
    "retrieved_on",
    "note",
]


def _insert(values: list[tuple[Any, ...]], user: Any) -> None:
    """Insert new figures with one prepared statement per batch.

    `bulk_create` spends most of its time compiling SQL for every row (about half a
    millisecond each); a plain `executemany` with the database's own value adapters writes
    100,000 figures in seconds. No signals are sent, as with `bulk_create`: the import run is
    the record of what was written."""
    ops = connection.ops
    recorded_at = ops.adapt_datetimefield_value(timezone.now())
    recorded_by = user.pk if getattr(user, "pk", None) else None
    decimal_field = Observation._meta.get_field("value")
    columns = [
        str(Observation._meta.get_field(name).column)  # type: ignore[union-attr] # concrete fields
        for name in [*INSERTED, "recorded_at", "recorded_by"]
    ]
    # Only names from the model and placeholders go into the statement; values are parameters.
    sql = "INSERT INTO {table} ({columns}) VALUES ({placeholders})".format(  # noqa: S608 # nosec B608
        table=ops.quote_name(Observation._meta.db_table),
        columns=", ".join(ops.quote_name(c) for c in columns),
        placeholders=", ".join(["%s"] * len(columns)),
    )
    date_positions = {INSERTED.index(n) for n in ("period_start", "period_end", "retrieved_on")}
    value_position = INSERTED.index("value")

    def adapt(row: tuple[Any, ...]) -> tuple[Any, ...]:
        adapted = list(row)
        for position in date_positions:
            adapted[position] = ops.adapt_datefield_value(adapted[position])
        adapted[value_position] = ops.adapt_decimalfield_value(
            adapted[value_position],
            decimal_field.max_digits,  # type: ignore[union-attr]
            decimal_field.decimal_places,  # type: ignore[union-attr]
        )
        return (*adapted, recorded_at, recorded_by)

    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH_SIZE):
            batch = values[start : start + BATCH_SIZE]
            cursor.executemany(sql, [adapt(row) for row in batch])
            _pause_when_asked(start + len(batch))


def _pause_when_asked(written: int) -> None:
    """Stop the writer here, inside the transaction, when a test asks for it.

    The tests of a killed import (monitor/tests/test_import_kill.py) set PAUSE_AFTER_ROWS, wait
    for the line on stderr and kill the process. Unset, as everywhere else, it does nothing."""
    after = os.environ.get(PAUSE_AFTER_ROWS)
    if after and written >= int(after):
        sys.stderr.write(f"{PAUSE_AFTER_ROWS}: {written}\n")
        sys.stderr.flush()
        time.sleep(600)


def import_rows(
    region: Region,
    rows: Sequence[ObservationRow],
    *,
    dry_run: bool = False,
    user: Any = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate all rows, then (unless a dry run) write the new figures and revisions at once.

    Any problem stops the import before anything is written; `problems` then lists them all."""
    result = ImportResult(dry_run=dry_run)
    total = len(rows)
    indicators = {i.slug: i for i in Indicator.objects.filter(region=region)}
    areas, unknown_areas = _resolve_areas(rows)
    result.problems = _validate(region, rows, areas, unknown_areas, indicators, progress)
    if result.problems:
        return result
    if progress is not None:
        # Checked: said before the transaction, as progress reported inside it is seen by no
        # one until it ends (a task's heartbeat goes with it).
        progress(total, total * 2)

    used = {indicators[row.indicator.strip()] for row in rows}
    with transaction.atomic():
        if not dry_run and used:
            # Two imports of the same indicators at once would both take the same revision
            # number; locking the indicators' rows makes the second wait (on PostgreSQL).
            list(Indicator.objects.select_for_update().filter(pk__in=[i.pk for i in used]))
        current = _current_values(
            (i.pk for i in used), {areas[row.area.strip()].key for row in rows}
        )
        new: list[tuple[Any, ...]] = []
        for index, row in enumerate(rows):
            indicator = indicators[row.indicator.strip()]
            area = areas[row.area.strip()]
            value = row.value.quantize(VALUE_PLACES)
            known = current.get((indicator.pk, area.key, row.period_start, row.period_end))
            revision = next_revision(known, value)
            if revision is None:
                result.unchanged += 1
                continue
            if known is None:
                result.created += 1
                change = f"+ {indicator.name} — {area.name} — {row.period_label}: {_format(value)}"
            else:
                result.revised += 1
                change = _("~ %(what)s: %(old)s → %(new)s (herziening %(revision)d)") % {
                    "what": f"{indicator.name} — {area.name} — {row.period_label}",
                    "old": _format(known[1]),
                    "new": _format(value),
                    "revision": revision,
                }
            if len(result.changes) < MAX_CHANGES:
                result.changes.append(change)
            new.append(
                (
                    indicator.pk,
                    area.municipality_id if not area.place_id else None,
                    area.place_id,
                    area.area,
                    area.key,
                    row.period_start,
                    row.period_end,
                    row.period_label,
                    value,
                    revision,
                    row.source_title,
                    row.source_table,
                    row.source_url,
                    row.retrieved_on,
                    row.note,
                )
            )
            if progress is not None and (index + 1) % BATCH_SIZE == 0:
                progress(total + index + 1, total * 2)
        more = result.created + result.revised - len(result.changes)
        if more > 0:
            result.changes.append(_("… en %(count)d wijzigingen meer.") % {"count": more})
        if not dry_run:
            _insert(new, user)
    if progress is not None:
        progress(total * 2, total * 2)
    return result


def too_precise(value: Decimal) -> bool:
    """Whether the value, rounded to the places we keep, has more digits than every database
    gives back unchanged."""
    digits = value.quantize(VALUE_PLACES).normalize().as_tuple().digits
    return len(digits) > SIGNIFICANT_DIGITS


@transaction.atomic
def record_observation(observation: Observation, *, by: Any = None) -> tuple[Observation, bool]:
    """Record one figure the way an import does, for a form or the API.

    `observation` is unsaved, without a revision. A new figure becomes revision 1; the same value
    as the current revision changes nothing and returns that one with False; a different value
    becomes the next revision and the older one stays. The model's checks run first (a refusal
    is a ValidationError naming the model's fields); the row is saved through the ORM, one at a
    time, so that the audit log records who wrote it."""
    value = Decimal(observation.value)
    if not value.is_finite() or abs(value) >= VALUE_LIMIT:
        raise ValidationError({"value": _("'%(value)s' is te groot.") % {"value": value}})
    observation.value = value.quantize(VALUE_PLACES)
    observation.area_key = observation.compute_area_key()
    # The revision is not known yet: the constraint that holds it is checked by the database.
    observation.full_clean(exclude=["revision", "recorded_by"])
    if observation.retrieved_on > datetime.date.today():
        raise ValidationError(
            {
                "retrieved_on": _("%(value)s ligt in de toekomst.")
                % {"value": observation.retrieved_on.isoformat()}
            }
        )
    # As in import_rows: whoever records the same figure at the same time waits (on PostgreSQL).
    list(Indicator.objects.select_for_update().filter(pk=observation.indicator_id))
    key = (
        observation.indicator_id,
        observation.area_key,
        observation.period_start,
        observation.period_end,
    )
    known = _current_values([observation.indicator_id], {observation.area_key}).get(key)
    revision = next_revision(known, observation.value)
    if revision is None:
        existing = Observation.objects.get(
            indicator_id=observation.indicator_id,
            area_key=observation.area_key,
            period_start=observation.period_start,
            period_end=observation.period_end,
            revision=known[0],  # type: ignore[index]  # None only for a new figure
        )
        return existing, False
    observation.revision = revision
    observation.recorded_by = by if getattr(by, "pk", None) else None
    observation.save()
    return observation, True
