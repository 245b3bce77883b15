"""The gazetteer and the curated terms in a region's data set: checked, loaded, reloaded."""

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import KUSTREGIO, LEIDSE_REGIO
from regioagenda.proposals.models import GazetteerEntry, PlaceKind, Term
from regioagenda.regions.models import Region
from regioagenda.vision.dataset import DataSetError, load_region

pytestmark = pytest.mark.django_db

GAZETTEER: dict[str, Any] = {
    "sources": [{"id": "testbron", "title": "Verzonnen plaatsnamen voor tests"}],
    "municipalities": {
        "GM9901": {
            "name": "Zandhaven",
            "variants": ["Santhaven"],
            "kernen": [{"name": "Zandhaven-Bad", "source": "testbron"}],
            "areas": [
                {
                    "name": "Wijk 00",
                    "kind": "wijk",
                    "code": "WK990100",
                    "source": "testbron",
                    "matchable": False,
                },
                {
                    "name": "Duinkwartier",
                    "kind": "buurt",
                    "code": "BU99010001",
                    "source": "testbron; testbron (ook de oude naam)",
                    "variants": ["Duinbuurt"],
                },
                {"name": "Centrum", "kind": "gebied", "source": "testbron", "ambiguous": True},
            ],
        }
    },
    "neighbours": [
        {
            "code": "GM9990",
            "name": "Verweg",
            "borders": ["GM9901"],
            "kernen": ["Verweg-Dorp"],
            "source": "testbron",
        }
    ],
}
TERMS: dict[str, Any] = {
    "groups": [
        {"topic": "duinversterking", "weight": 2, "terms": ["zandsuppletie", "helmgras"]},
        {"theme": "toerisme", "terms": ["badgast"]},
    ]
}


def _write(folder: Path, name: str, data: dict[str, Any]) -> None:
    (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "kust"
    shutil.copytree(KUSTREGIO, folder)
    _write(folder, "gazetteer.yaml", GAZETTEER)
    _write(folder, "terms.yaml", TERMS)
    return folder


def test_leidse_regio_holds_every_place_and_term_of_its_files(leidse_regio):
    gazetteer = yaml.safe_load((LEIDSE_REGIO / "gazetteer.yaml").read_text(encoding="utf-8"))
    terms = yaml.safe_load((LEIDSE_REGIO / "terms.yaml").read_text(encoding="utf-8"))
    own = gazetteer["municipalities"]
    expected = (
        leidse_regio.municipalities.count()
        + sum(len(m.get("kernen", [])) for m in own.values())
        + sum(a.get("matchable", True) for m in own.values() for a in m.get("areas", []))
        + sum(1 + len(n.get("kernen", [])) for n in gazetteer["neighbours"])
    )

    entries = GazetteerEntry.objects.filter(region=leidse_regio)
    assert entries.count() == expected
    assert Term.objects.filter(region=leidse_regio).count() == sum(
        len(g["terms"]) for g in terms["groups"]
    )
    stevenshof = entries.get(name="Stevenshofdistrict")
    assert (stevenshof.kind, stevenshof.municipality_code) == (PlaceKind.DISTRICT, "GM0546")
    assert "Stevenshof" in stevenshof.variant_list
    assert entries.get(name="Zoeterwoude-Rijndijk").municipality_name == "Zoeterwoude"
    katwijk = entries.get(kind=PlaceKind.NEIGHBOUR, name="Katwijk")
    assert katwijk.municipality_code == katwijk.code == "GM0537"
    assert entries.get(name="Rijnsburg").municipality_code == "GM0537"
    assert not entries.filter(name="Wijk 00").exists()


def test_a_region_loads_its_places_and_terms_and_a_reload_keeps_back_office_rows(folder: Path):
    region = load_region(folder).region
    entries = GazetteerEntry.objects.filter(region=region)
    assert set(entries.values_list("name", "kind", "municipality_code")) == {
        ("Zandhaven", "gemeente", "GM9901"),
        ("Duinrade", "gemeente", "GM9902"),
        ("Helmbroek", "gemeente", "GM9903"),
        ("Zandhaven-Bad", "kern", "GM9901"),
        ("Duinkwartier", "buurt", "GM9901"),
        ("Centrum", "gebied", "GM9901"),
        ("Verweg", "buurgemeente", "GM9990"),
        ("Verweg-Dorp", "kern", "GM9990"),
    }
    assert entries.get(name="Zandhaven").variant_list == ["Santhaven"]
    assert entries.get(name="Centrum").ambiguous
    assert entries.get(name="Verweg-Dorp").municipality_name == "Verweg"
    helmgras = Term.objects.get(region=region, text="helmgras")
    assert helmgras.topic is not None
    assert (helmgras.topic.slug, helmgras.weight) == ("duinversterking", Decimal(2))
    badgast = Term.objects.get(region=region, text="badgast")
    assert badgast.theme is not None
    assert badgast.theme.slug == "toerisme"

    added_place = GazetteerEntry.objects.create(
        region=region,
        name="Strandopgang 7",
        kind="gebied",
        municipality_code="GM9901",
        municipality_name="Zandhaven",
    )
    added_term = Term.objects.create(region=region, text="golfbreker", theme=helmgras.topic.theme)
    TERMS["groups"][0]["weight"] = 3
    try:
        _write(folder, "terms.yaml", TERMS)
        report = load_region(folder)
    finally:
        TERMS["groups"][0]["weight"] = 2

    assert report.created == 0
    assert any("helmgras" in change for change in report.changes)
    assert Term.objects.get(pk=helmgras.pk).weight == Decimal(3)
    assert GazetteerEntry.objects.filter(pk=added_place.pk).exists()
    assert Term.objects.filter(pk=added_term.pk).exists()
    assert load_region(folder).updated == 0


def _unknown_source(data: dict[str, Any]) -> None:
    data["municipalities"]["GM9901"]["kernen"][0]["source"] = "geenbron"


def _bad_kind(data: dict[str, Any]) -> None:
    data["municipalities"]["GM9901"]["areas"][1]["kind"] = "straat"


def _outside_municipality(data: dict[str, Any]) -> None:
    data["municipalities"]["GM9999"] = {"name": "Nergens"}


def _neighbour_inside(data: dict[str, Any]) -> None:
    data["neighbours"][0]["code"] = "GM9902"


def _unknown_topic(data: dict[str, Any]) -> None:
    data["groups"][0]["topic"] = "zeespiegel"


def _theme_and_topic(data: dict[str, Any]) -> None:
    data["groups"][1]["topic"] = "duinversterking"


def _duplicate_term(data: dict[str, Any]) -> None:
    data["groups"][0]["terms"].append("Helmgras")


@pytest.mark.parametrize(
    ("file_name", "change", "problem"),
    [
        (
            "gazetteer.yaml",
            _unknown_source,
            "gazetteer.yaml, gemeente GM9901, kern 1 ('Zandhaven-Bad'): veld 'source' noemt een "
            "onbekende bron ('geenbron'); zet die onder 'sources:'.",
        ),
        (
            "gazetteer.yaml",
            _bad_kind,
            "gazetteer.yaml, gemeente GM9901, gebied 2: veld 'kind' is geen van: 'wijk', "
            "'buurt', 'gebied'.",
        ),
        (
            "gazetteer.yaml",
            _outside_municipality,
            "gazetteer.yaml, gemeente GM9999: is geen gemeente van de regio (zie "
            "municipalities.csv).",
        ),
        (
            "gazetteer.yaml",
            _neighbour_inside,
            "gazetteer.yaml, buurgemeente 1 ('Verweg'): veld 'code' (GM9902) is een gemeente van "
            "de regio zelf.",
        ),
        (
            "terms.yaml",
            _unknown_topic,
            "terms.yaml, groep 1 (onderwerp 'zeespiegel'): veld 'topic' noemt een onbekend "
            "onderwerp ('zeespiegel').",
        ),
        (
            "terms.yaml",
            _theme_and_topic,
            "terms.yaml, groep 2: geef veld 'theme' óf veld 'topic' (één van beide).",
        ),
        (
            "terms.yaml",
            _duplicate_term,
            "terms.yaml, groep 1 (onderwerp 'duinversterking'): veld 'terms': 'Helmgras' staat "
            "al in groep 1 bij hetzelfde onderwerp.",
        ),
    ],
)
def test_a_bad_place_or_term_is_named_and_nothing_is_loaded(
    folder: Path, file_name: str, change: Callable[[dict[str, Any]], None], problem: str
):
    data = yaml.safe_load((folder / file_name).read_text(encoding="utf-8"))
    change(data)
    _write(folder, file_name, data)

    with pytest.raises(DataSetError) as error:
        load_region(folder)

    assert error.value.problems == [problem]
    assert not Region.objects.exists()
    assert not GazetteerEntry.objects.exists()
    assert not Term.objects.exists()


def test_a_region_without_the_files_loads_without_places_or_terms(tmp_path: Path):
    folder = tmp_path / "kust"
    shutil.copytree(KUSTREGIO, folder)

    region = load_region(folder).region

    assert not GazetteerEntry.objects.filter(region=region).exists()
    assert not Term.objects.filter(region=region).exists()
