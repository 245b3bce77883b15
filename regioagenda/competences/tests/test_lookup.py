import datetime

import pytest

from regioagenda.competences.lookup import Where, find_domains, normalise, who_decides
from regioagenda.competences.models import Authority, Scale
from regioagenda.competences.tests.factories import make_competence, make_domain
from regioagenda.registry.tests.factories import join, make_body

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def test_a_competence_at_the_places_own_scale_is_found_without_walking_up(
    leidse_regio, leiden, green, leiden_places
):
    parent, _child = green
    _district, neighbourhood = leiden_places
    local = make_competence(parent, Scale.NEIGHBOURHOOD, Authority.COLLEGE, decision="Buurtbudget")
    make_competence(parent, Scale.MUNICIPALITY, Authority.COUNCIL)

    answer = who_decides(parent, Where(leidse_regio, leiden, neighbourhood), today=TODAY)

    assert answer.competences == [local]
    assert answer.found_at == Scale.NEIGHBOURHOOD
    assert not answer.walked_up
    assert answer.walk_up_note == ""


@pytest.mark.parametrize(
    ("place_index", "expected_note"),
    [
        (1, "Voor een buurt is niets apart geregeld; de gemeente beslist."),
        (0, "Voor een wijk, dorp of kern is niets apart geregeld; de gemeente beslist."),
    ],
)
def test_a_neighbourhood_or_district_walks_up_to_the_municipality(
    leidse_regio, leiden, green, leiden_places, college_decides, place_index, expected_note
):
    parent, _child = green
    answer = who_decides(
        parent, Where(leidse_regio, leiden, leiden_places[place_index]), today=TODAY
    )
    assert answer.competences == [college_decides]
    assert answer.found_at == Scale.MUNICIPALITY
    assert answer.walked_up
    assert answer.walk_up_note == expected_note


def test_a_neighbourhood_walks_up_to_its_district_before_the_municipality(
    leidse_regio, leiden, green, leiden_places, college_decides
):
    parent, _child = green
    district_rule = make_competence(parent, Scale.DISTRICT, Authority.COLLEGE, decision="Wijkplan")
    answer = who_decides(parent, Where(leidse_regio, leiden, leiden_places[1]), today=TODAY)
    assert answer.competences == [district_rule]
    assert answer.found_at == Scale.DISTRICT


def test_the_region_walks_up_from_region_to_several_municipalities(leidse_regio, green):
    parent, _child = green
    several = make_competence(parent, Scale.SEVERAL_MUNICIPALITIES, Authority.COUNCIL)
    make_competence(parent, Scale.MUNICIPALITY, Authority.COLLEGE)
    answer = who_decides(parent, Where(leidse_regio), today=TODAY)
    assert answer.competences == [several]
    assert answer.walked_up
    assert "de gemeenten beslissen samen" in answer.walk_up_note


def test_a_municipality_walks_up_to_the_joint_body_it_takes_part_in(
    leidse_regio, leiden, oegstgeest, green
):
    parent, _child = green
    body = make_body(leidse_regio, "proefregeling")
    join(body, leiden, started_on=datetime.date(2010, 1, 1))
    board = make_competence(
        parent, Scale.REGION, Authority.GENERAL_BOARD, joint_body=body, law="Wgr"
    )
    state = make_competence(parent, Scale.BEYOND_REGION, Authority.STATE)

    for_leiden = who_decides(parent, Where(leidse_regio, leiden), today=TODAY)
    for_oegstgeest = who_decides(parent, Where(leidse_regio, oegstgeest), today=TODAY)

    assert for_leiden.competences == [board]
    assert for_leiden.found_at == Scale.REGION
    assert "er wordt voor de hele regio beslist" in for_leiden.walk_up_note
    assert for_oegstgeest.competences == [state]  # Oegstgeest does not take part in the body
    assert for_oegstgeest.found_at == Scale.BEYOND_REGION


def test_a_sub_domain_without_competences_borrows_its_parents(
    leidse_regio, leiden, green, college_decides
):
    parent, child = green
    answer = who_decides(child, Where(leidse_regio, leiden), today=TODAY)
    assert answer.competences == [college_decides]
    assert answer.from_domain == parent
    assert answer.domain == child


def test_a_sub_domain_with_its_own_competence_does_not_borrow(
    leidse_regio, leiden, green, college_decides
):
    _parent, child = green
    own = make_competence(child, Scale.MUNICIPALITY, Authority.COUNCIL)
    answer = who_decides(child, Where(leidse_regio, leiden), today=TODAY)
    assert answer.competences == [own]
    assert answer.from_domain is None


def test_a_joint_body_board_decides_only_for_participating_municipalities(
    leidse_regio, leiden, oegstgeest, green
):
    parent, _child = green
    body = make_body(leidse_regio, "proefregeling")
    join(body, leiden, started_on=datetime.date(2010, 1, 1))
    join(body, oegstgeest, started_on=datetime.date(2010, 1, 1), ended_on=datetime.date(2025, 1, 1))
    board = make_competence(
        parent, Scale.MUNICIPALITY, Authority.GENERAL_BOARD, joint_body=body, law="Wgr"
    )
    college = make_competence(parent, Scale.MUNICIPALITY, Authority.COLLEGE)

    for_leiden = who_decides(parent, Where(leidse_regio, leiden), today=TODAY)
    for_oegstgeest = who_decides(parent, Where(leidse_regio, oegstgeest), today=TODAY)

    assert set(for_leiden.competences) == {board, college}
    assert for_oegstgeest.competences == [college]  # Oegstgeest left the body in 2025


def test_a_municipality_specific_competence_holds_there_only(
    leidse_regio, leiden, oegstgeest, green
):
    parent, _child = green
    mandate = make_competence(
        parent, Scale.MUNICIPALITY, Authority.MAYOR, municipality=leiden, basis="mandaat"
    )
    general = make_competence(parent, Scale.MUNICIPALITY, Authority.COLLEGE)
    assert set(who_decides(parent, Where(leidse_regio, leiden), today=TODAY).competences) == {
        mandate,
        general,
    }
    assert who_decides(parent, Where(leidse_regio, oegstgeest), today=TODAY).competences == [
        general
    ]


def test_a_competence_not_yet_in_force_is_left_out(leidse_regio, leiden, green):
    parent, _child = green
    make_competence(parent, Scale.MUNICIPALITY, since=datetime.date(2027, 1, 1))
    answer = who_decides(parent, Where(leidse_regio, leiden), today=TODAY)
    assert not answer.found
    assert who_decides(parent, Where(leidse_regio, leiden), today=datetime.date(2027, 1, 1)).found


def test_nothing_found_in_a_municipality_says_to_ask_the_municipality(leidse_regio, leiden):
    domain = make_domain(leidse_regio, "proefleeg", name="Proefleeg")
    answer = who_decides(domain, Where(leidse_regio, leiden), today=TODAY)
    assert not answer.found and answer.competences == []
    assert answer.ask is not None
    assert answer.ask.name == "de gemeente Leiden"
    assert answer.ask.url == leiden.get_absolute_url()


def test_nothing_found_for_the_region_says_to_ask_its_coordinator(leidse_regio):
    domain = make_domain(leidse_regio, "proefleeg", name="Proefleeg")
    answer = who_decides(domain, Where(leidse_regio), today=TODAY)
    assert answer.ask is not None
    assert answer.ask.name.startswith("de coördinator van")
    assert answer.ask.url == "/contact/"


def test_a_place_is_named_in_urls_by_municipality_and_code(leidse_regio, leiden, leiden_places):
    _district, neighbourhood = leiden_places
    where = Where(leidse_regio, leiden, neighbourhood)
    assert where.key == "leiden/BU99990101"
    assert Where.from_key(leidse_regio, where.key) == where
    assert Where.from_key(leidse_regio, "leiden") == Where(leidse_regio, leiden)
    assert Where.from_key(leidse_regio, "regio") == Where(leidse_regio)
    assert Where.from_key(leidse_regio, "bestaat-niet") is None
    assert Where.from_key(leidse_regio, "leiden/BU00000000") is None


def test_normalise_drops_case_and_accents():
    assert normalise("Cultuur én ERFGOED") == "cultuur en erfgoed"


def test_find_domains_matches_names_and_keywords_without_minding_case_or_accents(
    leidse_regio, green
):
    parent, child = green
    # The loaded data set may hold domains that match some words too; ours come first.
    assert find_domains(leidse_regio, "WIPWAPJE kapot")[0] == child
    assert find_domains(leidse_regio, "Bóómkap in de straat")[0] == parent
    assert parent not in find_domains(leidse_regio, "wipwapje")
    assert find_domains(leidse_regio, "xqzv") == []


def test_find_domains_puts_the_best_match_first(leidse_regio, green):
    parent, child = green
    # Both names start with "proef"; only the parent's keyword also occurs.
    found = find_domains(leidse_regio, "proef plantsoenzorg")
    assert found[:2] == [parent, child]
