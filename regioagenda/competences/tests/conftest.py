import pytest

from regioagenda.competences.models import Authority, Scale
from regioagenda.competences.tests.factories import (
    make_competence,
    make_domain,
    make_place,
)
from regioagenda.vision.models import Topic


@pytest.fixture
def green(leidse_regio):
    """A domain with a sub-domain: "Proefgroen" and "Proefspeelplekken" below it."""
    parent = make_domain(
        leidse_regio,
        "proefgroen",
        name="Proefgroen",
        keywords="boomkap, plantsoenzorg",
        topics=list(Topic.objects.in_region(leidse_regio)[:1]),
    )
    child = make_domain(
        leidse_regio,
        "proefspeelplekken",
        name="Proefspeelplekken",
        parent=parent,
        keywords="wipwapje",
    )
    return parent, child


@pytest.fixture
def leiden_places(leiden):
    district = make_place(leiden, "WK999901", "Proefwijk")
    neighbourhood = make_place(leiden, "BU99990101", "Proefbuurt", parent=district)
    return district, neighbourhood


@pytest.fixture
def college_decides(green):
    parent, _child = green
    return make_competence(parent, Scale.MUNICIPALITY, Authority.COLLEGE)
