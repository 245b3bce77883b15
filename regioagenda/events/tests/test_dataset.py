"""The calendar's part of the data set: labels, clash thresholds, neighbours and the bodies that
meet, with Dutch messages naming the file, the item and the field, and nothing stored on error."""

import shutil
from pathlib import Path

import pytest

from regioagenda.events.models import Audience, Category, ClashRules, Neighbour
from regioagenda.meetings.models import Body, BodyKind
from regioagenda.regions.models import Region
from regioagenda.vision.dataset import DataSetError, load_region

pytestmark = pytest.mark.django_db

LEIDSE_REGIO = Path(__file__).resolve().parents[2] / "data" / "regions" / "leidse-regio"


def test_every_municipality_gets_a_council_and_a_college_and_every_joint_body_a_board(
    leidse_regio,
):
    municipalities = leidse_regio.municipalities.count()
    bodies = Body.objects.filter(region=leidse_regio)
    assert bodies.filter(kind=BodyKind.COUNCIL).count() == municipalities
    assert bodies.filter(kind=BodyKind.COLLEGE).count() == municipalities
    assert bodies.filter(kind=BodyKind.JOINT_BODY).count() == leidse_regio.joint_bodies.count()
    leiden = bodies.get(slug="gemeenteraad-leiden")
    assert leiden.municipality.code == "GM0546" and leiden.name == "Gemeenteraad Leiden"
    assert bodies.filter(kind=BodyKind.REGIONAL, slug="regionale-raadsconferentie").exists()


def test_labels_rules_and_neighbours_are_loaded_both_ways(leidse_regio):
    assert Category.objects.filter(region=leidse_regio, slug="festival").exists()
    assert Audience.objects.filter(region=leidse_regio, slug="internationals").exists()
    assert ClashRules.objects.get(region=leidse_regio).large_attendance == 2000
    pairs = set(Neighbour.objects.values_list("municipality__code", "neighbour__code"))
    assert ("GM0546", "GM0547") in pairs and ("GM0547", "GM0546") in pairs
    assert ("GM0579", "GM0626") not in pairs


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("[GM0546, GM0547]", "[GM0546, GM9999]"),
            "calendar.yaml, buurgemeenten, paar 1: GM9999 is geen gemeente van de regio",
        ),
        (
            ("slug: raden-van-de-regio", "slug: gemeenteraad-leiden"),
            "calendar.yaml, orgaan 'gemeenteraad-leiden': veld 'slug' is voorbehouden",
        ),
    ],
)
def test_a_bad_calendar_file_names_the_problem_and_stores_nothing(tmp_path, change, message):
    folder = tmp_path / "leidse-regio"
    shutil.copytree(LEIDSE_REGIO, folder)
    path = folder / "calendar.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(*change), encoding="utf-8")

    with pytest.raises(DataSetError) as error:
        load_region(folder)

    assert any(message in problem for problem in error.value.problems), error.value.problems
    assert not Region.objects.exists()
    assert not Body.objects.exists()
