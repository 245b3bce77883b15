"""Build the Leidse regio's monitor observations from the collected public data.

    python scripts/build_monitor_data.py [SHARED_DATA_DIR]

Reads the files described in SHARED_DATA_DIR/README.md (by default ../shared/data next to the
repository) and writes one CSV per source to
regioagenda/data/regions/leidse-regio/monitor/observations/, in the import layout documented in
docs/data-set.md. The product reads only those CSV files; this script is how their numbers can be
traced back to the sources. Every figure is copied, or converted by a rule stated here (hectares
to km², homes per km² of land), never estimated.
"""

import csv
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

REPOSITORY = Path(__file__).resolve().parent.parent
OUT = REPOSITORY / "regioagenda/data/regions/leidse-regio/monitor/observations"
MUNICIPALITIES = {
    "GM0546": "Leiden",
    "GM0547": "Leiderdorp",
    "GM0579": "Oegstgeest",
    "GM0626": "Voorschoten",
    "GM0638": "Zoeterwoude",
}
BY_NAME = {name: code for code, name in MUNICIPALITIES.items()}
# Wijk codes of 2024 that CBS kept from the 2014 division (see shared/data/README.md); only
# these are matched to the places of places.csv.
WIJK_MUNICIPALITIES = {"GM0546", "GM0547", "GM0626"}
# The files without a capture date of their own were collected on this day.
COLLECTED_ON = "2026-11-28"
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
MONTHS = "januari februari maart april mei juni juli augustus september oktober november december"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write(name: str, rows: list[dict[str, str]]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rijen")


def number(value: Decimal | str) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


def on_day(day: str) -> tuple[str, str, str]:
    year, month, date = day.split("-")
    return day, day, f"{int(date)} {MONTHS.split()[int(month) - 1]} {year}"


def whole_year(year: str) -> tuple[str, str, str]:
    return f"{year}-01-01", f"{year}-12-31", year


def row(indicator: str, area: str, period: tuple[str, str, str], value: str, **source: str):
    start, end, label = period
    return {
        "indicator": indicator,
        "gebied": area,
        "periode_begin": start,
        "periode_einde": end,
        "periode": label,
        "waarde": value,
        "bron": source["bron"],
        "tabel": source.get("tabel", ""),
        "bron_url": source["bron_url"],
        "opgehaald_op": source.get("opgehaald_op", COLLECTED_ON),
        "toelichting": source.get("toelichting", ""),
    }


def population(data: Path) -> None:
    source = {
        "bron": "CBS StatLine, Bevolking op 1 januari en gemiddeld (M000352)",
        "tabel": "03759ned",
        "bron_url": "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/03759ned/table",
        "opgehaald_op": "2026-07-02",
    }
    rows = [
        row(
            "inwoners",
            r["regio_code"],
            on_day(f"{r['jaar']}-01-01"),
            r["bevolking_1_januari"],
            **source,
        )
        for r in read(data / "cbs/cbs_03759ned_bevolking_gemeenten_2019plus.csv")
        if r["regio_code"] in MUNICIPALITIES and r["bevolking_1_januari"]
    ]
    write("cbs-03759ned-bevolking.csv", rows)


def homes_and_area(data: Path, place_codes: set[str]) -> None:
    source = {
        "bron": "CBS StatLine, Kerncijfers wijken en buurten 2024",
        "tabel": "85984NED",
        "bron_url": "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/85984NED/table",
    }
    day = on_day("2024-01-01")
    rows = []
    for r in read(data / "cbs/cbs_85984NED_kwb2024_gemeenten_wijken.csv"):
        code = r["regio_code"]
        if code in MUNICIPALITIES:
            land_km2 = Decimal(r["oppervlakte_land_ha"]) / 100
            rows.append(row("woningvoorraad", code, day, r["woningvoorraad"], **source))
            rows.append(
                row(
                    "oppervlakte-land",
                    code,
                    day,
                    number(land_km2),
                    **source,
                    toelichting="Omgerekend van hectare naar km².",
                )
            )
            rows.append(
                row(
                    "woningdichtheid",
                    code,
                    day,
                    number(round(Decimal(r["woningvoorraad"]) / land_km2, 1)),
                    **source,
                    toelichting="Berekend: woningvoorraad gedeeld door landoppervlakte in km².",
                )
            )
        elif (
            r["niveau"] == "wijk"
            and r["gemeente_code"] in WIJK_MUNICIPALITIES
            and code in place_codes
            and r["woningvoorraad"]
        ):
            rows.append(
                row(
                    "woningvoorraad",
                    code,
                    day,
                    r["woningvoorraad"],
                    **source,
                    toelichting="Wijkindeling 2024; CBS rondt wijkcijfers af op 5.",
                )
            )
    write("cbs-85984ned-kerncijfers-wijken-buurten-2024.csv", rows)


def house_prices(data: Path) -> None:
    source = {
        "bron": "CBS StatLine, Bestaande koopwoningen; gemiddelde verkoopprijzen, regio (M001534)",
        "tabel": "83625NED",
        "bron_url": "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/83625NED/table",
        "opgehaald_op": "2026-07-17",
    }
    rows = [
        row(
            "verkoopprijs-koopwoningen",
            r["regio_code"],
            whole_year(r["jaar"]),
            r["gemiddelde_verkoopprijs_euro"],
            **source,
        )
        for r in read(data / "cbs/cbs_83625NED_gem_verkoopprijs_koopwoningen_regio_2015plus.csv")
        if r["regio_code"] in MUNICIPALITIES and r["gemiddelde_verkoopprijs_euro"]
    ]
    write("cbs-83625ned-verkoopprijzen.csv", rows)


ENERGY = {
    "aardgas-woningen": ["households_final_demand_network_gas_demand"],
    "aardgas-utiliteit": ["buildings_final_demand_network_gas_demand"],
    "elektriciteit-woningen": ["households_final_demand_electricity_demand"],
    "warmtenet-woningen": ["input_households_final_demand_steam_hot_water_demand"],
    "zon-en-wind": [
        "input_households_solar_pv_demand",
        "input_buildings_solar_pv_demand",
        "input_energy_power_solar_pv_solar_radiation_production",
        "input_energy_power_wind_turbine_inland_production",
    ],
}


def energy(data: Path) -> None:
    source = {
        "bron": "Klimaatmonitor, via de gemeentedatasets van het Energietransitiemodel "
        "(Quintel, etlocal)",
        "tabel": "etlocal",
        "bron_url": "https://github.com/quintel/etlocal",
    }
    rows = []
    for r in read(data / "energie/etlocal_gemeenten_energie_2019_2023.csv"):
        if r["gemeente_code"] not in MUNICIPALITIES:
            continue
        for indicator, columns in ENERGY.items():
            total = sum((Decimal(r[c]) for c in columns), Decimal(0))
            note = (
                "Som van zonnestroom op woningen en gebouwen, zonneparken en wind op land."
                if len(columns) > 1
                else ""
            )
            if r["jaar"] == "2019" and indicator == "elektriciteit-woningen":
                note = "2019 deels een schatting van Quintel (zie de bron)."
            rows.append(
                row(
                    indicator,
                    r["gemeente_code"],
                    whole_year(r["jaar"]),
                    number(total),
                    **source,
                    toelichting=note,
                )
            )
    write("klimaatmonitor-etlocal-energie.csv", rows)


# Cited figures: (indicator in the source file, area, period in the source) → our indicator and
# period. Only figures that fit an indicator's definition are taken; the rest stay unused.
CITED = {
    "huishoudelijk_afval_per_inwoner": "huishoudelijk-afval",
    "restafval_per_inwoner": "restafval",
    "huishoudelijk_restafval_per_inwoner": "restafval",
    "restafval_incl_grofvuil_per_inwoner": "restafval",
    "banen_LBSP": "banen-bio-science-park",
    "woningvoorraad_toename": "woningbouw",
    "woningvoorraad_stand_31_12": "woningvoorraad",
    "co2_uitstoot_totaal": "co2-uitstoot",
}
PERIODS = {
    "2016 (gemeld dec 2016)": "2016",
    "2023 (gemeld)": "2023",
}


def cited(data: Path) -> None:
    rows = []
    seen: set[tuple[str, str, str]] = set()
    for r in read(data / "regio/cited_figures.csv"):
        indicator = CITED.get(r["indicator"])
        area = r["gemeente_of_gebied"]
        year = PERIODS.get(r["jaar_of_peildatum"], r["jaar_of_peildatum"])
        if indicator is None or not year.isdigit():
            continue
        if area not in BY_NAME and area != "Leiden Bio Science Park":
            continue
        key = (indicator, area, year)
        if key in seen:
            # The same figure cited twice (Bio Science Park 2020): the first source is kept.
            continue
        seen.add(key)
        value = r["waarde"]
        if indicator == "co2-uitstoot":
            value = number(Decimal(value) / 1000)  # ton → kiloton
        notes = [r["toelichting"]]
        if r["indicator"] == "restafval_incl_grofvuil_per_inwoner":
            notes.insert(0, "Inclusief grofvuil.")
        period = on_day(f"{year}-12-31") if indicator == "woningvoorraad" else whole_year(year)
        rows.append(
            row(
                indicator,
                BY_NAME.get(area, area),
                period,
                value,
                bron=f"{r['bron_type'][:1].upper()}{r['bron_type'][1:]}, {host(r['bron_url'])}",
                bron_url=r["bron_url"],
                toelichting="; ".join(n for n in notes if n)[:500],
            )
        )
    write("geciteerde-cijfers.csv", rows)


def host(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.")


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else REPOSITORY.parent / "shared" / "data"
    places = read(REPOSITORY / "regioagenda/data/regions/leidse-regio/places.csv")
    population(data)
    homes_and_area(data, {p["code"] for p in places})
    house_prices(data)
    energy(data)
    cited(data)


if __name__ == "__main__":
    main()
