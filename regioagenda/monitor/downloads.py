"""Open data: an indicator's figures as its page shows them, as CSV (with CSVW), XLSX and ODS.

One row per figure: every current figure of each municipality of the region, then the region's
value per period (with whether it is complete and who is missing). Columns are named in Dutch, as
the site speaks, and hold machine formats: CBS codes, ISO 8601 dates, a decimal point, booleans as
`true`/`false`. The CSVW metadata (W3C "Metadata Vocabulary for Tabular Data") describes the same
columns, so that the CSV can be read without guessing.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from regioagenda.core import exports as tabular
from regioagenda.monitor.models import Indicator, Observation
from regioagenda.monitor.series import RegionalValue
from regioagenda.regions.models import Municipality, Region

# name, datatype (CSVW), description (Dutch, as the column names)
COLUMNS: list[tuple[str, str, str]] = [
    ("indicator", "string", "Korte naam van de indicator"),
    ("gebied_soort", "string", "gemeente, gebied (zonder CBS-code) of regio"),
    ("gebied_code", "string", "CBS-gemeentecode, of de code van de regio"),
    ("gebied_naam", "string", "Naam van de gemeente of de regio"),
    ("gebied_uri", "anyURI", "Bij een gemeente: haar identificatie in TOOI"),
    ("periode_begin", "date", "Eerste dag van de periode"),
    ("periode_eind", "date", "Laatste dag van de periode (gelijk aan het begin bij een peildatum)"),
    ("periode", "string", "De periode zoals de bron haar noemt"),
    ("waarde", "decimal", "Het cijfer; leeg als het niet bekend is"),
    ("eenheid", "string", "Eenheid van het cijfer"),
    ("volledig", "boolean", "Bij de regio: of alle gemeenten meetellen"),
    ("ontbrekend", "string", "Bij de regio: de gemeenten zonder cijfer, gescheiden door ;"),
    ("berekening", "string", "Bij de regio: hoe de waarde berekend is"),
    ("herziening", "integer", "Volgnummer van de herziening van het cijfer"),
    ("bron", "string", "Bron van het cijfer"),
    ("bron_tabel", "string", "Tabel in de bron"),
    ("bron_url", "anyURI", "Adres van de bron"),
    ("opgehaald_op", "date", "Datum waarop het cijfer is opgehaald"),
]
NAMES = [name for name, _type, _description in COLUMNS]
SHEET = "cijfers"

Cell = str | int | Decimal | None
Row = list[Cell]


def _value(value: Decimal | None) -> Decimal | None:
    """210363 for Decimal('210363.000000'): the figure, not the database column's scale."""
    if value is None:
        return None
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def indicator_rows(
    indicator: Indicator,
    region: Region,
    municipal: dict[Municipality, list[Observation]],
    regional: Iterable[RegionalValue],
    *,
    areas: Iterable[Observation] = (),
) -> list[Row]:
    """The municipalities' figures, the figures of named areas, then the region's values."""
    rows: list[Row] = []
    figures: list[tuple[str, str, str, str | None, Observation]] = [
        ("gemeente", municipality.code, municipality.name, municipality.tooi_uri, o)
        for municipality, observations in municipal.items()
        for o in observations
    ] + [("gebied", o.area_key, o.area, None, o) for o in areas]
    for kind, code, name, uri, o in figures:
        rows.append(
            [
                indicator.slug,
                kind,
                code,
                name,
                uri,
                o.period_start.isoformat(),
                o.period_end.isoformat(),
                o.period_label,
                _value(o.value),
                indicator.unit,
                None,
                None,
                None,
                o.revision,
                o.source_title,
                o.source_table or None,
                o.source_url or None,
                o.retrieved_on.isoformat(),
            ]
        )
    for v in regional:
        rows.append(
            [
                indicator.slug,
                "regio",
                region.slug,
                region.name,
                None,
                v.period_start.isoformat(),
                v.period_end.isoformat(),
                v.period_label,
                _value(v.value),
                indicator.unit,
                "true" if v.complete else "false",
                ";".join(v.missing) or None,
                v.explanation or None,
                None,
                None,
                None,
                None,
                None,
            ]
        )
    return rows


def write_csv(rows: Iterable[Row]) -> bytes:
    return tabular.write_csv(NAMES, rows)


def write_xlsx(rows: Iterable[Row]) -> bytes:
    return tabular.write_xlsx(NAMES, rows, sheet=SHEET)


def write_ods(rows: Iterable[Row]) -> bytes:
    return tabular.write_ods(NAMES, rows, sheet=SHEET)


def csvw_metadata(indicator: Indicator, *, csv_url: str, page_url: str) -> dict[str, Any]:
    """The CSV's description in the CSVW vocabulary, as JSON-LD."""
    columns: list[dict[str, Any]] = [
        {
            "name": name,
            "titles": name,
            "datatype": datatype,
            "dc:description": description,
            "required": name in {"indicator", "gebied_soort", "gebied_code", "periode_begin"},
        }
        for name, datatype, description in COLUMNS
    ]
    for column in columns:
        if column["datatype"] == "boolean":
            column["datatype"] = {"base": "boolean", "format": "true|false"}
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "nl"}],
        "url": csv_url,
        "dc:title": indicator.name,
        "dc:description": indicator.definition,
        "dc:source": indicator.source_url or indicator.source_title,
        "dcat:landingPage": page_url,
        "dialect": {"header": True, "encoding": "utf-8", "delimiter": ","},
        "tableSchema": {
            "columns": columns,
            "primaryKey": ["gebied_soort", "gebied_code", "periode_begin", "periode_eind"],
        },
    }


FORMATS: dict[str, tuple[str, Callable[[Iterable[Row]], bytes]]] = {
    "csv": (tabular.CSV, write_csv),
    "xlsx": (tabular.XLSX, write_xlsx),
    "ods": (tabular.ODS, write_ods),
}
