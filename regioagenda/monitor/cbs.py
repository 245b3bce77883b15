"""Read figures from the CBS OData v4 API (`https://datasets.cbs.nl/odata/v1/CBS/<table>`) as
observation rows for `importing.import_rows`.

A table is long: one row for each measure, code of every dimension and period, with `Value` and
`ValueAttribute`. Which rows an indicator wants follows from its `source_table` and
`source_measure`. The measure may be followed by codes of the table's other dimensions,
`"M000352 Geslacht=3000"`; a dimension not named there is read at its total (the code whose title
starts with "Totaal"). Region codes become the region's municipalities (`GM0546`) and places
(`WK054600`, `BU05460000`); other codes are skipped and counted. Periods become dates: `2024JJ00`
the year, `2024KW02` the quarter, `2024MM03` the month; a stock counted on one day, such as
03759ned's "Bevolking op 1 januari", becomes that day, labelled "1 januari 2024".

All HTTP goes through one transport, a function from URL to parsed JSON: `http_transport` asks
CBS, `file_transport` serves recorded responses (tests and `import_cbs --from-files`) through the
same client code.
"""

import calendar
import datetime
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.competences.models import Place
from regioagenda.monitor.importing import ObservationRow
from regioagenda.monitor.models import Indicator
from regioagenda.regions.models import Municipality, Region

BASE_URL = "https://datasets.cbs.nl/odata/v1/CBS"
TIMEOUT_SECONDS = 60
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

Transport = Callable[[str], dict[str, Any]]
Progress = Callable[[int, int | None], None]


class CbsError(Exception):
    """CBS could not be read, or a table does not hold what an indicator asks of it."""


def http_transport(url: str) -> dict[str, Any]:
    """Ask CBS for `url` and return the parsed JSON."""
    parts = urllib.parse.urlsplit(url)
    # Plain http only to this machine (a test server serving recorded responses).
    if parts.scheme != "https" and not (
        parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
    ):
        raise CbsError(_("Alleen adressen met https worden opgevraagd: %(url)s") % {"url": url})
    request = urllib.request.Request(  # noqa: S310 -- the scheme is checked above
        url, headers={"Accept": "application/json", "User-Agent": "Regio-agenda"}
    )
    try:
        # The scheme is checked above.
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 # nosec B310
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise CbsError(
            _("CBS antwoordde met foutcode %(code)s op %(url)s") % {"code": exc.code, "url": url}
        ) from exc
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise CbsError(
            _("CBS is niet bereikbaar (%(reason)s): %(url)s") % {"reason": exc, "url": url}
        ) from exc


def file_transport(folder: Path) -> Transport:
    """Serve responses recorded in `folder/<table>/` as the API would.

    The files are named as in `tests/data/cbs/`: `properties.json`, `dimensions.json`,
    `measure-codes.json`, `codes-<Dimension>.json` and `observations-page-<n>.json`. The first
    request for observations gets page 1 whatever its `$filter` (the client checks every row
    itself); the `@odata.nextLink` of page n leads to page n + 1.
    """
    next_pages: dict[str, Path] = {}

    def transport(url: str) -> dict[str, Any]:
        if url in next_pages:
            return _read(next_pages.pop(url))
        path = urllib.parse.urlsplit(url).path
        parts = path.rstrip("/").split("/")
        table, resource = parts[-2], parts[-1]
        table_folder = _table_folder(folder, table)
        if resource == "Observations":
            return _read(table_folder / "observations-page-1.json")
        names = {
            "Properties": "properties.json",
            "Dimensions": "dimensions.json",
            "MeasureCodes": "measure-codes.json",
        }
        if resource in names:
            return _read(table_folder / names[resource])
        if resource.endswith("Codes"):
            return _read(table_folder / f"codes-{resource.removesuffix('Codes')}.json")
        raise CbsError(_("Geen opgenomen antwoord voor %(url)s") % {"url": url})

    def _read(path: Path) -> dict[str, Any]:
        if not path.is_file():
            raise CbsError(_("Het bestand %(path)s ontbreekt.") % {"path": path})
        data = json.loads(path.read_text(encoding="utf-8"))
        next_link = data.get("@odata.nextLink")
        if next_link and path.name.startswith("observations-page-"):
            number = int(path.stem.removeprefix("observations-page-"))
            next_pages[next_link] = path.with_name(f"observations-page-{number + 1}.json")
        return data

    return transport


def _table_folder(folder: Path, table: str) -> Path:
    for candidate in (folder / table, folder / table.lower(), folder / table.upper()):
        if candidate.is_dir():
            return candidate
    for candidate in folder.iterdir() if folder.is_dir() else ():
        if candidate.is_dir() and candidate.name.lower() == table.lower():
            return candidate
    raise CbsError(
        _("In %(folder)s staat geen map voor tabel %(table)s.") % {"folder": folder, "table": table}
    )


@dataclass(frozen=True)
class TableInfo:
    identifier: str
    title: str
    modified: datetime.date | None
    licence: str
    url: str


@dataclass(frozen=True)
class Dimension:
    identifier: str
    title: str
    kind: str  # "Dimension", "GeoDimension" or "TimeDimension"
    codes_url: str


@dataclass(frozen=True)
class Measure:
    identifier: str
    title: str
    unit: str
    decimals: int | None


@dataclass(frozen=True)
class Code:
    identifier: str
    title: str
    status: str = ""  # for periods: "Definitief" or "Voorlopig"


class CbsClient:
    """The few resources of a CBS OData v4 table that an import needs."""

    def __init__(self, transport: Transport = http_transport, base_url: str = BASE_URL) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")

    def table_url(self, table: str) -> str:
        return f"{self.base_url}/{table}"

    def properties(self, table: str) -> TableInfo:
        data = self.transport(f"{self.table_url(table)}/Properties")
        modified = data.get("Modified") or data.get("ModificationDate")
        return TableInfo(
            identifier=data.get("Identifier") or table,
            title=(data.get("Title") or table).strip(),
            modified=datetime.datetime.fromisoformat(modified).date() if modified else None,
            licence=data.get("License") or "",
            url=self.table_url(table),
        )

    def dimensions(self, table: str) -> list[Dimension]:
        return [
            Dimension(
                identifier=item["Identifier"],
                title=(item.get("Title") or item["Identifier"]).strip(),
                kind=item.get("Kind") or "Dimension",
                # Built from the base URL rather than read from `CodesUrl` (which always names
                # datasets.cbs.nl), so that a client pointed elsewhere stays there.
                codes_url=f"{self.table_url(table)}/{item['Identifier']}Codes",
            )
            for item in self._values(f"{self.table_url(table)}/Dimensions")
        ]

    def measures(self, table: str) -> dict[str, Measure]:
        return {
            item["Identifier"]: Measure(
                identifier=item["Identifier"],
                title=(item.get("Title") or item["Identifier"]).strip(),
                unit=(item.get("Unit") or "").strip(),
                decimals=item.get("Decimals"),
            )
            for item in self._values(f"{self.table_url(table)}/MeasureCodes")
        }

    def codes(self, dimension: Dimension) -> dict[str, Code]:
        return {
            item["Identifier"].strip(): Code(
                identifier=item["Identifier"].strip(),
                title=(item.get("Title") or item["Identifier"]).strip(),
                status=item.get("Status") or "",
            )
            for item in self._values(dimension.codes_url)
        }

    def observations_url(self, table: str, filter: str) -> str:
        query = urllib.parse.urlencode({"$filter": filter}, quote_via=urllib.parse.quote)
        return f"{self.table_url(table)}/Observations?{query}"

    def observations(
        self, table: str, filter: str, *, progress: Progress | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every observation row the filter selects, page after page."""
        yield from self._values(self.observations_url(table, filter), progress=progress)

    def _values(self, url: str, *, progress: Progress | None = None) -> Iterator[dict[str, Any]]:
        seen: set[str] = set()
        read = 0
        next_url: str | None = url
        while next_url:
            if next_url in seen:
                raise CbsError(_("CBS verwijst in een kring naar %(url)s") % {"url": next_url})
            seen.add(next_url)
            page = self.transport(next_url)
            values = page.get("value")
            if not isinstance(values, list):
                raise CbsError(_("Onverwacht antwoord van CBS op %(url)s") % {"url": next_url})
            yield from values
            read += len(values)
            if progress is not None:
                progress(read, None)
            next_url = page.get("@odata.nextLink")


@dataclass(frozen=True)
class Selection:
    """What an indicator reads from a table: a measure, perhaps with codes of other dimensions."""

    measure: str
    codes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, source_measure: str) -> "Selection":
        measure, *rest = source_measure.split()
        codes: dict[str, str] = {}
        for part in rest:
            dimension, sep, code = part.partition("=")
            if not sep or not dimension or not code:
                raise CbsError(
                    _("‘%(part)s’ in meetcode ‘%(measure)s’ is niet van de vorm Dimensie=code.")
                    % {"part": part, "measure": source_measure}
                )
            codes[dimension] = code
        return cls(measure=measure, codes=codes)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str


PERIOD_CODE = re.compile(r"^(?P<year>\d{4})(?P<kind>JJ|KW|MM)(?P<number>\d{2})$")
STOCK_DAY = re.compile(r"\bop (?P<day>\d{1,2}) (?P<month>" + "|".join(MONTHS) + r")\b", re.I)


def period_of(code: str, title: str = "", *, measure_title: str = "") -> Period | None:
    """The dates of a CBS period code, or None for a kind of period the monitor does not hold.

    A measure counted on one day of the year ("Bevolking op 1 januari") gives that day.
    """
    match = PERIOD_CODE.match(code.strip())
    if match is None:
        return None
    year, kind, number = int(match["year"]), match["kind"], int(match["number"])
    label = title.strip() or code.strip()
    if kind == "JJ" and number == 0:
        stock = STOCK_DAY.search(measure_title)
        if stock:
            month = MONTHS.index(stock["month"].lower()) + 1
            day = datetime.date(year, month, int(stock["day"]))
            return Period(day, day, f"{day.day} {MONTHS[month - 1]} {year}")
        return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), label)
    if kind == "KW" and 1 <= number <= 4:
        first = 3 * number - 2
        last = datetime.date(year, first + 2, calendar.monthrange(year, first + 2)[1])
        return Period(datetime.date(year, first, 1), last, label)
    if kind == "MM" and 1 <= number <= 12:
        last = datetime.date(year, number, calendar.monthrange(year, number)[1])
        return Period(datetime.date(year, number, 1), last, label)
    return None


@dataclass
class TableRows:
    """What was read from one table for one region, ready for `import_rows`."""

    table: TableInfo
    rows: list[ObservationRow] = field(default_factory=list)
    read: int = 0
    outside_region: int = 0
    empty: Counter[str] = field(default_factory=Counter)
    other_periods: int = 0
    queries: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            _("%(read)s cijfers gelezen, %(rows)s voor de indicatoren van de regio")
            % {"read": self.read, "rows": len(self.rows)}
        ]
        if self.outside_region:
            parts.append(
                _("%(count)s van gebieden buiten de regio overgeslagen")
                % {"count": self.outside_region}
            )
        if self.empty:
            reasons = ", ".join(
                f"{reason}: {count}" for reason, count in sorted(self.empty.items())
            )
            parts.append(
                _("%(count)s zonder waarde overgeslagen (%(reasons)s)")
                % {"count": sum(self.empty.values()), "reasons": reasons}
            )
        if self.other_periods:
            parts.append(
                _("%(count)s met een ander soort periode overgeslagen")
                % {"count": self.other_periods}
            )
        return "; ".join(parts) + "."

    def as_report(self) -> dict[str, Any]:
        return {
            "table": self.table.identifier,
            "title": self.table.title,
            "modified": self.table.modified.isoformat() if self.table.modified else None,
            "licence": self.table.licence,
            "read": self.read,
            "rows": len(self.rows),
            "outside_region": self.outside_region,
            "empty": dict(self.empty),
            "other_periods": self.other_periods,
            "queries": self.queries,
        }


def tables_in_use(region: Region) -> list[str]:
    """The CBS tables the region's indicators read, for the form that refreshes them."""
    tables = (
        Indicator.objects.filter(region=region)
        .exclude(source_table="")
        .exclude(source_measure="")
        .values_list("source_table", flat=True)
    )
    return sorted(set(tables), key=str.lower)


def read_table(
    client: CbsClient,
    table: str,
    region: Region,
    *,
    since: int | None = None,
    today: datetime.date | None = None,
    progress: Progress | None = None,
) -> TableRows:
    """The figures of `table` for the indicators of `region` that read it.

    Raises CbsError when no indicator reads the table, or the table lacks what one asks for.
    """
    indicators = list(
        Indicator.objects.filter(region=region, source_table__iexact=table)
        .exclude(source_measure="")
        .order_by("position", "slug")
    )
    if not indicators:
        raise CbsError(
            _("Geen indicator van %(region)s leest tabel %(table)s.")
            % {"region": region, "table": table}
        )
    today = today or timezone.localdate()
    info = client.properties(table)
    dimensions = client.dimensions(table)
    measures = client.measures(table)
    geo = next((d for d in dimensions if d.kind == "GeoDimension"), None)
    time = next((d for d in dimensions if d.kind == "TimeDimension"), None)
    if geo is None or time is None:
        raise CbsError(_("Tabel %(table)s heeft geen regio's of geen perioden.") % {"table": table})
    others = [d for d in dimensions if d not in (geo, time)]
    other_codes = {d.identifier: client.codes(d) for d in others}
    periods = client.codes(time)
    in_table = client.codes(geo)
    # Only the region's codes the table knows go into the query, which keeps its URL short.
    areas = {code for code in _areas_of(region) if code in in_table}
    if not areas:
        raise CbsError(
            _("Tabel %(table)s bevat geen gemeenten, wijken of buurten van %(region)s.")
            % {"table": table, "region": region}
        )
    result = TableRows(table=info)
    for indicator in indicators:
        selection = Selection.parse(indicator.source_measure)
        measure = measures.get(selection.measure)
        if measure is None:
            raise CbsError(
                _("Tabel %(table)s kent meetcode %(measure)s niet (indicator %(indicator)s).")
                % {"table": table, "measure": selection.measure, "indicator": indicator.slug}
            )
        chosen = _choose_codes(table, indicator, selection, others, other_codes)
        filter = _filter(measure.identifier, chosen, geo.identifier, sorted(areas), time, since)
        result.queries.append(client.observations_url(info.identifier, filter))
        for item in client.observations(info.identifier, filter, progress=progress):
            result.read += 1
            if item.get("Measure") != measure.identifier or any(
                str(item.get(name, "")).strip() != code for name, code in chosen.items()
            ):
                continue
            area = str(item.get(geo.identifier, "")).strip()
            if area not in areas:
                result.outside_region += 1
                continue
            period_code = str(item.get(time.identifier, "")).strip()
            known = periods.get(period_code)
            period = period_of(
                period_code, known.title if known else "", measure_title=measure.title
            )
            if period is None or (since and period.start.year < since):
                result.other_periods += 1
                continue
            if item.get("Value") is None:
                result.empty[str(item.get("ValueAttribute") or "None")] += 1
                continue
            result.rows.append(
                ObservationRow(
                    indicator=indicator.slug,
                    area=area,
                    period_start=period.start,
                    period_end=period.end,
                    period_label=period.label,
                    value=Decimal(str(item["Value"])),
                    source_title=info.title,
                    source_table=info.identifier,
                    # The query for exactly this figure, so that anyone can check it.
                    source_url=client.observations_url(
                        info.identifier,
                        _filter(measure.identifier, chosen, geo.identifier, [area], time, None)
                        + f" and {time.identifier} eq '{period_code}'",
                    ),
                    retrieved_on=today,
                    note=_note(item, known),
                )
            )
    return result


def _areas_of(region: Region) -> set[str]:
    codes = set(Municipality.objects.in_region(region).values_list("code", flat=True))
    codes |= set(Place.objects.filter(municipality__region=region).values_list("code", flat=True))
    return codes


def _choose_codes(
    table: str,
    indicator: Indicator,
    selection: Selection,
    others: list[Dimension],
    other_codes: dict[str, dict[str, Code]],
) -> dict[str, str]:
    known = {d.identifier for d in others}
    for name in selection.codes:
        if name not in known:
            raise CbsError(
                _("Tabel %(table)s heeft geen dimensie %(dimension)s (indicator %(indicator)s).")
                % {"table": table, "dimension": name, "indicator": indicator.slug}
            )
    chosen: dict[str, str] = {}
    for dimension in others:
        codes = other_codes[dimension.identifier]
        code = selection.codes.get(dimension.identifier)
        if code is None:
            totals = [c for c in codes.values() if c.title.lower().startswith("totaal")]
            if len(totals) != 1:
                raise CbsError(
                    _(
                        "Kies voor indicator %(indicator)s een code van %(dimension)s in de "
                        "meetcode, bijvoorbeeld ‘%(measure)s %(dimension)s=%(example)s’."
                    )
                    % {
                        "indicator": indicator.slug,
                        "dimension": dimension.identifier,
                        "measure": selection.measure,
                        "example": next(iter(codes), "code"),
                    }
                )
            code = totals[0].identifier
        elif code not in codes:
            raise CbsError(
                _("Dimensie %(dimension)s van tabel %(table)s kent code %(code)s niet.")
                % {"dimension": dimension.identifier, "table": table, "code": code}
            )
        chosen[dimension.identifier] = code
    return chosen


def _filter(
    measure: str,
    chosen: dict[str, str],
    geo: str,
    areas: list[str],
    time: Dimension,
    since: int | None,
) -> str:
    clauses = [f"Measure eq '{measure}'"]
    clauses += [f"{name} eq '{code}'" for name, code in chosen.items()]
    clauses.append("(" + " or ".join(f"{geo} eq '{code}'" for code in areas) + ")")
    if since:
        # Period codes begin with the year, so they sort by time.
        clauses.append(f"{time.identifier} ge '{since:04d}'")
    return " and ".join(clauses)


def _note(item: dict[str, Any], period: Code | None) -> str:
    notes = []
    if period is not None and period.status and period.status != "Definitief":
        notes.append(_("%(status)s cijfer") % {"status": period.status.lower()})
    attribute = item.get("ValueAttribute")
    if attribute and attribute != "None":
        notes.append(_("CBS-kenmerk: %(attribute)s") % {"attribute": attribute})
    return "; ".join(notes).capitalize()
