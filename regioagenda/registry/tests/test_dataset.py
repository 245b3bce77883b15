"""The register in the region's data set: validated with the rest, loaded in one transaction."""

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import LEIDSE_REGIO
from regioagenda.regions.models import Region
from regioagenda.registry.models import JointBody, Participation, Source
from regioagenda.vision.dataset import DataSetError, load_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def copy_of_leidse_regio(tmp_path: Path) -> Path:
    folder = tmp_path / "leidse-regio"
    shutil.copytree(LEIDSE_REGIO, folder)
    return folder


def _edit(folder: Path, change) -> None:  # type: ignore[no-untyped-def]
    path = folder / "joint_bodies.yaml"
    data = yaml.safe_load(path.read_text())
    change({body["slug"]: body for body in data["joint_bodies"]})
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def test_leidse_regio_register_holds_the_bodies_each_fact_with_its_source():
    load_region(LEIDSE_REGIO)

    servicepunt = JointBody.objects.get(slug="servicepunt71")
    assert servicepunt.ended_on.isoformat() == "2023-01-01"
    assert servicepunt.lead_municipality.code == "GM0546"
    assert sorted(p.municipality.code for p in servicepunt.participations.all()) == [
        "GM0546",
        "GM0547",
        "GM0579",
        "GM0638",
    ]
    lab = JointBody.objects.get(slug="lab071")
    assert lab.sources.filter(fact="members", section__contains="bereikbaar").exists()
    katwijk = Participation.objects.filter(outside_name="Katwijk").values_list(
        "body__slug", flat=True
    )
    assert {"economie071", "holland-rijnland", "hart-van-holland"} <= set(katwijk)
    for body in JointBody.objects.all():
        assert body.sources.filter(fact__in=["body", "members"]).exists(), body
        assert body.summary and body.summary_en, body
    assert all(s.url or s.section for s in Source.objects.all())
    assert all(p.source_title for p in Participation.objects.all())


def test_overlapping_periods_in_the_file_are_named_and_nothing_is_loaded(copy_of_leidse_regio):
    def overlap(bodies):  # type: ignore[no-untyped-def]
        members = bodies["servicepunt71"]["members"]
        members.append({**members[0], "ended_on": "2020-01-01"})

    _edit(copy_of_leidse_regio, overlap)

    with pytest.raises(DataSetError) as error:
        load_region(copy_of_leidse_regio)

    assert error.value.problems == [
        "joint_bodies.yaml, verbonden partij 2 ('servicepunt71'), deelnemer 5 (GM0546): de "
        "periode onbekend tot 2020-01-01 overlapt met deelnemer 1 (onbekend tot 2023-01-01)."
    ]
    assert not Region.objects.exists()
    assert not JointBody.objects.exists()


def test_a_contribution_outside_the_participation_in_the_file_is_refused(copy_of_leidse_regio):
    def contribution(bodies):  # type: ignore[no-untyped-def]
        bodies["servicepunt71"]["members"][0]["contributions"] = [
            {"year": 2023, "amount_eur": "1000", "source": "Begroting 2023"}
        ]

    _edit(copy_of_leidse_regio, contribution)

    with pytest.raises(DataSetError) as error:
        load_region(copy_of_leidse_regio)

    assert error.value.problems == [
        "joint_bodies.yaml, verbonden partij 2 ('servicepunt71'), deelnemer 1, bijdrage 1: "
        "veld 'year' (2023) valt buiten de deelname (onbekend tot 2023-01-01)."
    ]
    assert not JointBody.objects.exists()


def test_a_bad_field_is_named_with_file_item_and_field(copy_of_leidse_regio):
    def bad(bodies):  # type: ignore[no-untyped-def]
        bodies["lab071"]["legal_form"] = "vereniging"
        del bodies["g32"]["sources"][0]["title"]

    _edit(copy_of_leidse_regio, bad)

    with pytest.raises(DataSetError) as error:
        load_region(copy_of_leidse_regio)

    assert error.value.problems == [
        "joint_bodies.yaml, verbonden partij 11 ('lab071'): veld 'legal_form' heeft niet de "
        "juiste vorm (een van: openbaar-lichaam, gemeenschappelijk-orgaan, "
        "bedrijfsvoeringsorganisatie, regeling-zonder-meer, convenant, programma, netwerk).",
        "joint_bodies.yaml, verbonden partij 15 ('g32'), bron 1: veld 'title' ontbreekt.",
    ]
    assert not JointBody.objects.exists()


def test_a_member_outside_the_region_must_be_named_not_coded(copy_of_leidse_regio):
    def coded(bodies):  # type: ignore[no-untyped-def]
        bodies["g32"]["members"][1] = {"code": "GM0503", "source": "Toekomstvisie"}

    _edit(copy_of_leidse_regio, coded)

    with pytest.raises(DataSetError) as error:
        load_region(copy_of_leidse_regio)

    assert error.value.problems == [
        "joint_bodies.yaml, verbonden partij 15 ('g32'), deelnemer 2: veld 'code' is geen "
        "gemeente van de regio (GM0503); noem een deelnemer buiten de regio met 'name'."
    ]


def test_reloading_the_register_changes_nothing_and_an_edit_changes_one_row(
    copy_of_leidse_regio,
):
    load_region(copy_of_leidse_regio)
    assert load_region(copy_of_leidse_regio).created == 0

    def shorter(bodies):  # type: ignore[no-untyped-def]
        bodies["g32"]["members"].pop()
        bodies["g32"]["summary"] = "Netwerk van middelgrote steden."

    _edit(copy_of_leidse_regio, shorter)
    report = load_region(copy_of_leidse_regio)

    assert (report.created, report.updated, report.deleted) == (0, 1, 1)
    g32 = JointBody.objects.get(slug="g32")
    assert g32.version == 2
    assert [p.member_name for p in g32.participations.all()] == ["Leiden"]
