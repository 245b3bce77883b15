"""The competences register in the region's data set: checked with the rest, loaded idempotently."""

import csv
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import KUSTREGIO, LEIDSE_REGIO
from regioagenda.competences.models import Competence, Place, PolicyDomain
from regioagenda.regions.models import Region
from regioagenda.vision.dataset import DataSetError, load_region

pytestmark = pytest.mark.django_db

JCI_LINK = re.compile(r"^https://wetten\.overheid\.nl/jci1\.3:c:BWBR\d{7}&artikel=[0-9a-z.:]+$")
LAW_PAGE = re.compile(r"^https://wetten\.overheid\.nl/BWBR\d{7}$")


def _read(folder: Path, name: str) -> Any:
    path = folder / name
    if name.endswith(".csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_leidse_regio_holds_every_domain_place_and_competence_of_its_files(leidse_regio):
    domains = _read(LEIDSE_REGIO, "policy_domains.yaml")["policy_domains"]
    places = _read(LEIDSE_REGIO, "places.csv")
    competences = _read(LEIDSE_REGIO, "competences.yaml")["competences"]

    assert PolicyDomain.objects.filter(region=leidse_regio).count() == len(domains)
    assert Place.objects.filter(municipality__region=leidse_regio).count() == len(places)
    assert Competence.objects.filter(region=leidse_regio).count() == len(competences)

    housing = PolicyDomain.objects.get(slug="woonruimteverdeling")
    assert housing.parent.slug == "wonen"
    assert "urgentie" in housing.keyword_list
    assert housing.topics.filter(slug="woningbouwprogramma").exists()
    district = Place.objects.get(code="WK054600")
    assert district.children.count() == sum(p["parent_code"] == "WK054600" for p in places)
    assert all("2014" in place.source for place in Place.objects.all())
    for neighbourhood in Place.objects.filter(kind=Place.Kind.NEIGHBOURHOOD):
        assert neighbourhood.parent.kind == Place.Kind.DISTRICT
        assert neighbourhood.parent.municipality_id == neighbourhood.municipality_id

    for competence in Competence.objects.select_related("joint_body"):
        if competence.article:
            assert JCI_LINK.match(competence.url), competence.url
            assert competence.url.endswith(f"&artikel={competence.article}")
        else:
            assert LAW_PAGE.match(competence.url) or competence.url.startswith("https://"), (
                competence
            )
        if competence.joint_body is not None:
            assert competence.joint_body.region_id == leidse_regio.pk
    safety = Competence.objects.filter(joint_body__slug="veiligheidsregio-hollands-midden")
    assert safety.exists() and not safety.exclude(municipality=None).exists()

    with_competences = set(
        Competence.objects.filter(region=leidse_regio).values_list("domain__slug", flat=True)
    )
    for domain in PolicyDomain.objects.filter(region=leidse_regio):
        children = set(domain.children.values_list("slug", flat=True))
        assert domain.slug in with_competences or children & with_competences, domain.slug

    report = load_region(LEIDSE_REGIO)
    assert (report.created, report.updated, report.deleted) == (0, 0, 0)


def test_a_reload_updates_a_changed_row_and_keeps_what_editors_added(tmp_path: Path):
    folder = tmp_path / "kust"
    shutil.copytree(KUSTREGIO, folder)
    region = load_region(folder).region
    domain = PolicyDomain.objects.get(region=region, slug="strand")
    mandate = Competence.objects.create(
        region=region,
        domain=domain,
        scale="buurt",
        decision="Terrasvergunningen op de boulevard verlenen",
        authority="college",
        basis="mandaat",
        law="Mandaatbesluit Zandhaven 2026",
        url="https://example.org/mandaatbesluit",
    )
    path = folder / "competences.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "decision_en: Adopt the environmental plan for the beach",
            "decision_en: Adopt the beach's environmental plan",
        ),
        encoding="utf-8",
    )
    domains = folder / "policy_domains.yaml"
    domains.write_text(
        domains.read_text(encoding="utf-8").replace("topics: [strandpaviljoens]", "topics: []"),
        encoding="utf-8",
    )

    report = load_region(folder)

    assert (report.created, report.updated, report.deleted) == (0, 2, 0)
    changed = Competence.objects.get(decision="Het omgevingsplan voor het strand vaststellen")
    assert changed.decision_en == "Adopt the beach's environmental plan"
    assert changed.version == 2
    assert not PolicyDomain.objects.get(slug="strand").topics.exists()
    assert Competence.objects.filter(pk=mandate.pk).exists()


def _domain(**fields: Any) -> dict[str, Any]:
    return {
        "slug": "haven",
        "name": "Haven",
        "name_en": "Harbour",
        "description": "De haven.",
        "description_en": "The harbour.",
        **fields,
    }


def _competence(**fields: Any) -> dict[str, Any]:
    return {
        "domain": "strand",
        "scale": "gemeente",
        "decision": "Iets besluiten",
        "authority": "college",
        "basis": "wet",
        "law": "Gemeentewet",
        "url": "https://wetten.overheid.nl/BWBR0005416",
        **fields,
    }


def _add_domain(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data["policy_domains"].append(_domain(**fields))


def _add_competence(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data["competences"].append(_competence(**fields))


DOMAIN = "policy_domains.yaml, beleidsdomein 4 ('haven')"
COMPETENCE = "competences.yaml, bevoegdheid 4"

BAD_YAML = [
    (
        "policy_domains.yaml",
        _add_domain(themes=["zeehaven"]),
        f"{DOMAIN}: veld 'themes' noemt een onbekend thema ('zeehaven').",
    ),
    (
        "policy_domains.yaml",
        _add_domain(topics=["jachthaven"]),
        f"{DOMAIN}: veld 'topics' noemt een onbekend onderwerp ('jachthaven').",
    ),
    (
        "policy_domains.yaml",
        _add_domain(parent="havens"),
        f"{DOMAIN}: veld 'parent' noemt een onbekend beleidsdomein ('havens').",
    ),
    (
        "policy_domains.yaml",
        _add_domain(slug="toerisme"),
        "policy_domains.yaml: beleidsdomein 'toerisme' komt meer dan één keer voor.",
    ),
    (
        "policy_domains.yaml",
        _add_domain(name_en=""),
        f"{DOMAIN}: veld 'name_en' is leeg.",
    ),
    (
        "competences.yaml",
        _add_competence(domain="visserij"),
        f"{COMPETENCE}: veld 'domain' noemt een onbekend beleidsdomein ('visserij').",
    ),
    (
        "competences.yaml",
        _add_competence(authority="algemeen-bestuur", joint_body="kustregeling"),
        f"{COMPETENCE}: veld 'joint_body' noemt een onbekende verbonden partij ('kustregeling').",
    ),
    (
        "competences.yaml",
        _add_competence(joint_body="kustregeling"),
        f"{COMPETENCE}: veld 'joint_body' hoort alleen bij algemeen-bestuur of dagelijks-bestuur, "
        "niet bij 'college'.",
    ),
    (
        "competences.yaml",
        _add_competence(authority="dagelijks-bestuur"),
        f"{COMPETENCE}: veld 'joint_body' ontbreekt; 'dagelijks-bestuur' is het bestuur van een "
        "verbonden partij.",
    ),
    (
        "competences.yaml",
        _add_competence(municipality="GM0546"),
        f"{COMPETENCE}: veld 'municipality' is geen gemeente van de regio (GM0546).",
    ),
    (
        "competences.yaml",
        _add_competence(url="http://wetten.overheid.nl/BWBR0005416"),
        f"{COMPETENCE}: veld 'url' is geen geldig webadres (begin met https://): "
        "http://wetten.overheid.nl/BWBR0005416",
    ),
    (
        "competences.yaml",
        _add_competence(authority="wethouder"),
        f"{COMPETENCE}: veld 'authority' is geen van: 'gemeenteraad', 'college', 'burgemeester', "
        "'algemeen-bestuur', 'dagelijks-bestuur', 'provinciale-staten', 'gedeputeerde-staten', "
        "'waterschap', 'rijk'.",
    ),
    (
        "competences.yaml",
        lambda data: data["competences"].append(dict(data["competences"][0])),
        f"{COMPETENCE}: dezelfde bevoegdheid staat al als bevoegdheid 1 (zelfde domein, schaal, "
        "wie beslist, verbonden partij, gemeente en besluit).",
    ),
]


@pytest.mark.parametrize(("file_name", "change", "problem"), BAD_YAML)
def test_a_bad_domain_or_competence_is_named_and_nothing_is_loaded(
    tmp_path: Path, file_name: str, change: Callable[[dict[str, Any]], None], problem: str
):
    folder = tmp_path / "kust"
    shutil.copytree(KUSTREGIO, folder)
    data = _read(folder, file_name)
    change(data)
    (folder / file_name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    with pytest.raises(DataSetError) as error:
        load_region(folder)

    assert error.value.problems == [problem]
    assert not Region.objects.exists()
    assert not PolicyDomain.objects.exists()
    assert not Competence.objects.exists()


def test_parents_that_form_a_cycle_are_refused(tmp_path: Path):
    folder = tmp_path / "kust"
    shutil.copytree(KUSTREGIO, folder)
    path = folder / "policy_domains.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "    name: Toerisme\n", "    name: Toerisme\n    parent: strand\n"
        ),
        encoding="utf-8",
    )

    with pytest.raises(DataSetError) as error:
        load_region(folder)

    cycle = "veld 'parent' maakt een kring; een domein kan niet onder zichzelf vallen."
    assert error.value.problems == [
        f"policy_domains.yaml, beleidsdomein 2 ('toerisme'): {cycle}",
        f"policy_domains.yaml, beleidsdomein 3 ('strand'): {cycle}",
    ]


BAD_PLACES = [
    (
        "BU99010003,buurt,GM9901,Duinrand,WK990199,Test\n",
        "places.csv, rij 5 (BU99010003): kolom 'parent_code' noemt een onbekende plaats "
        "(WK990199).",
    ),
    (
        "WK054600,wijk,GM0546,Binnenstad,,Test\n",
        "places.csv, rij 5 (WK054600): kolom 'municipality_code' is geen gemeente van de regio "
        "(GM0546).",
    ),
    (
        "BU99010001,buurt,GM9901,Haven,WK990100,Test\n",
        "places.csv: code 'BU99010001' komt meer dan één keer voor.",
    ),
    (
        "WK990200,dorp,GM9902,Duinrade,,Test\n",
        "places.csv, rij 5 (WK990200): kolom 'kind' is geen van: 'wijk', 'buurt'.",
    ),
    (
        "BU99020001,buurt,GM9902,Strandweg,WK990100,Test\n",
        "places.csv, rij 5 (BU99020001): kolom 'parent_code' noemt een wijk van een andere "
        "gemeente (WK990100).",
    ),
]


@pytest.mark.parametrize(("row", "problem"), BAD_PLACES)
def test_a_bad_place_is_named_by_row_and_nothing_is_loaded(tmp_path: Path, row: str, problem: str):
    folder = tmp_path / "kust"
    shutil.copytree(KUSTREGIO, folder)
    path = folder / "places.csv"
    path.write_text(path.read_text(encoding="utf-8") + row, encoding="utf-8")

    with pytest.raises(DataSetError) as error:
        load_region(folder)

    assert error.value.problems == [problem]
    assert not Place.objects.exists()


def test_a_region_without_the_register_files_still_loads(tmp_path: Path):
    folder = tmp_path / "kust"
    shutil.copytree(KUSTREGIO, folder)
    for name in ("policy_domains.yaml", "competences.yaml", "places.csv"):
        (folder / name).unlink()

    region = load_region(folder).region

    assert region.municipalities.count() == 3
    assert not PolicyDomain.objects.exists()
    assert not Place.objects.exists()


def test_competences_without_policy_domains_are_refused(tmp_path: Path):
    folder = tmp_path / "kust"
    shutil.copytree(KUSTREGIO, folder)
    (folder / "policy_domains.yaml").unlink()

    with pytest.raises(DataSetError) as error:
        load_region(folder)

    assert error.value.problems == [
        "competences.yaml: bevoegdheden hebben policy_domains.yaml nodig."
    ]
