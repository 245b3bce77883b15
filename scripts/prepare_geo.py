"""Cut a region's municipality boundaries, with their neighbours, out of the national 2024 map.

Reads the TopoJSON of all 342 municipalities of 2024 (cartomap/nl, `wgs84/gemeente_2024.topojson`,
as copied to shared/data/geo/nl_gemeenten_2024_cartomap.topojson), keeps the region's
municipalities (the codes in the region folder's `municipalities.csv`) and every municipality that
shares a border with one of them, and writes them as GeoJSON to the region folder's
`geo/gemeenten_2024.geojson`.

Vega draws with d3-geo, which reads a ring that runs counter-clockwise (the RFC 7946 order) as
"the whole globe except this polygon". Every ring is therefore written clockwise (outer rings;
holes counter-clockwise), once, here, so that the site never fixes geometry at run time.

    python scripts/prepare_geo.py /work/shared/data/geo/nl_gemeenten_2024_cartomap.topojson \
        regioagenda/data/regions/leidse-regio
"""

import csv
import json
import sys
from pathlib import Path

Point = list[float]
Ring = list[Point]


def decode_arcs(topology: dict) -> list[Ring]:
    """The arcs in degrees: TopoJSON stores them quantised and delta-encoded."""
    (scale_x, scale_y), (translate_x, translate_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append(
                [round(x * scale_x + translate_x, 6), round(y * scale_y + translate_y, 6)]
            )
        arcs.append(points)
    return arcs


def ring_of(indexes: list[int], arcs: list[Ring]) -> Ring:
    ring: Ring = []
    for index in indexes:
        # A negative index ~i means arc i walked backwards.
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def signed_area(ring: Ring) -> float:
    """Positive for a counter-clockwise ring (longitude right, latitude up)."""
    return sum(
        x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def oriented(rings: list[Ring]) -> list[Ring]:
    """The outer ring clockwise and the holes counter-clockwise, as Vega expects."""
    result = []
    for position, ring in enumerate(rings):
        clockwise = signed_area(ring) < 0
        wanted = position == 0
        result.append(ring if clockwise == wanted else ring[::-1])
    return result


def arc_ids(geometry: dict) -> set[int]:
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    return {
        index if index >= 0 else ~index
        for polygon in polygons
        for ring in polygon
        for index in ring
    }


def feature(geometry: dict, arcs: list[Ring], *, in_region: bool) -> dict:
    if geometry["type"] == "Polygon":
        coordinates: list = oriented([ring_of(ring, arcs) for ring in geometry["arcs"]])
    else:
        coordinates = [
            oriented([ring_of(ring, arcs) for ring in polygon]) for polygon in geometry["arcs"]
        ]
    properties = geometry["properties"]
    return {
        "type": "Feature",
        "id": properties["statcode"],
        "properties": {
            "statcode": properties["statcode"],
            "statnaam": properties["statnaam"],
            "in_regio": in_region,
        },
        "geometry": {"type": geometry["type"], "coordinates": coordinates},
    }


def main(topology_path: Path, region_folder: Path) -> None:
    topology = json.loads(topology_path.read_text(encoding="utf-8"))
    with (region_folder / "municipalities.csv").open(encoding="utf-8") as file:
        codes = {row["code"] for row in csv.DictReader(file)}
    geometries = topology["objects"]["gemeente_2024"]["geometries"]
    region = [g for g in geometries if g["properties"]["statcode"] in codes]
    missing = codes - {g["properties"]["statcode"] for g in region}
    if missing:
        sys.exit(f"Niet in de kaart: {', '.join(sorted(missing))}")
    border = set().union(*(arc_ids(g) for g in region))
    neighbours = [g for g in geometries if g not in region and arc_ids(g) & border]
    arcs = decode_arcs(topology)
    collection = {
        "type": "FeatureCollection",
        "features": [feature(g, arcs, in_region=True) for g in region]
        + [feature(g, arcs, in_region=False) for g in neighbours],
    }
    target = region_folder / "geo" / "gemeenten_2024.geojson"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(collection, ensure_ascii=False) + "\n", encoding="utf-8")
    names = ", ".join(g["properties"]["statnaam"] for g in neighbours)
    print(f"{target}: {len(region)} gemeenten van de regio, buren: {names}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
