"""Where councils diverged, worked out from unsaved rows: no database needed."""

import pytest

from regioagenda.agenda.models import Action
from regioagenda.dossiers.divergence import consequence_for, divergence, positions_of
from regioagenda.dossiers.models import CouncilDecision
from regioagenda.regions.models import Municipality

Outcome = CouncilDecision.Outcome
Body = CouncilDecision.Body

LEIDEN = Municipality(pk=546, code="GM0546", name="Leiden")
LEIDERDORP = Municipality(pk=547, code="GM0547", name="Leiderdorp")
OEGSTGEEST = Municipality(pk=579, code="GM0579", name="Oegstgeest")
VOORSCHOTEN = Municipality(pk=626, code="GM0626", name="Voorschoten")
ZOETERWOUDE = Municipality(pk=638, code="GM0638", name="Zoeterwoude")
REGION = [ZOETERWOUDE, LEIDEN, OEGSTGEEST, VOORSCHOTEN, LEIDERDORP]  # order does not matter
BY_LETTER = {"L": LEIDEN, "D": LEIDERDORP, "O": OEGSTGEEST, "V": VOORSCHOTEN, "Z": ZOETERWOUDE}
SHORT = {
    "a": Outcome.ADOPTED,
    "m": Outcome.AMENDED,
    "r": Outcome.REJECTED,
    "p": Outcome.POSTPONED,
    "-": Outcome.PENDING,
}


def decisions(spec: str, body: str = Body.COUNCIL) -> list[CouncilDecision]:
    """'La Dr' → Leiden adopted, Leiderdorp rejected; municipalities left out have no decision."""
    return [
        CouncilDecision(municipality=BY_LETTER[item[0]], body=body, outcome=SHORT[item[1]])
        for item in spec.split()
    ]


@pytest.mark.parametrize(
    ("spec", "summary", "diverged", "decided"),
    [
        (
            "La Da Oa Va Za",
            "Alle 5 raden hebben het voorstel aangenomen.",
            False,
            5,
        ),
        (
            "La Da Oa Vr Za",
            "4 van de 5 raden hebben het voorstel aangenomen; Voorschoten heeft het verworpen.",
            True,
            5,
        ),
        (
            "La Da Oa Za",
            "4 van de 5 raden hebben het voorstel aangenomen; Voorschoten heeft nog niet besloten.",
            True,
            4,
        ),
        (
            "La Dm Om Vr",
            "2 van de 5 raden hebben het voorstel geamendeerd aangenomen; Leiden heeft het "
            "aangenomen, Voorschoten heeft het verworpen en Zoeterwoude heeft nog niet besloten.",
            True,
            4,
        ),
        (
            "Lr Dr Op Vp",
            "2 van de 5 raden hebben het voorstel verworpen; Oegstgeest en Voorschoten hebben "
            "het aangehouden en Zoeterwoude heeft nog niet besloten.",
            True,
            4,
        ),
        (
            "",
            "Nog geen van de 5 gemeenten heeft over het voorstel besloten.",
            False,
            0,
        ),
        (
            "L- D-",
            "Nog geen van de 5 raden heeft over het voorstel besloten.",
            False,
            0,
        ),
        (
            "Lp Dp Op Vp Zp",
            "Alle 5 raden hebben het voorstel aangehouden.",
            False,
            5,
        ),
    ],
)
def test_summary_counts_the_largest_group_and_names_the_others(spec, summary, diverged, decided):
    result = divergence(REGION, decisions(spec))
    assert result.summary == summary
    assert result.diverged is diverged
    assert result.decided == decided
    assert result.total == 5
    assert sum(result.counts.values()) == 5


def test_counts_per_outcome_cover_every_outcome():
    result = divergence(REGION, decisions("La Dm Vr"))
    assert result.counts == {
        "adopted": 1,
        "amended": 1,
        "rejected": 1,
        "postponed": 0,
        "pending": 2,
    }
    assert [(group.outcome, [m.name for m in group.municipalities]) for group in result.groups] == [
        ("adopted", ["Leiden"]),
        ("amended", ["Leiderdorp"]),
        ("rejected", ["Voorschoten"]),
        ("pending", ["Oegstgeest", "Zoeterwoude"]),
    ]


@pytest.mark.parametrize(
    ("council", "college", "expected"),
    [
        # The council has the last word; without a council decision the college's counts.
        (Outcome.REJECTED, Outcome.ADOPTED, Outcome.REJECTED),
        (Outcome.PENDING, Outcome.ADOPTED, Outcome.PENDING),
        (None, Outcome.ADOPTED, Outcome.ADOPTED),
        (None, None, Outcome.PENDING),
    ],
)
def test_the_councils_decision_counts_before_the_colleges(council, college, expected):
    rows = []
    if college:
        rows.append(CouncilDecision(municipality=LEIDEN, body=Body.COLLEGE, outcome=college))
    if council:
        rows.append(CouncilDecision(municipality=LEIDEN, body=Body.COUNCIL, outcome=council))
    [position] = positions_of([LEIDEN], rows)
    assert position.outcome == expected


@pytest.mark.parametrize(
    ("bodies", "noun"),
    [
        ([Body.COUNCIL, Body.COUNCIL], "raden"),
        ([Body.COLLEGE, Body.COLLEGE], "colleges"),
        ([Body.COUNCIL, Body.COLLEGE], "gemeenten"),
    ],
)
def test_summary_names_the_bodies_that_decided(bodies, noun):
    rows = [
        CouncilDecision(municipality=municipality, body=body, outcome=Outcome.ADOPTED)
        for municipality, body in zip([LEIDEN, OEGSTGEEST], bodies, strict=True)
    ]
    result = divergence([LEIDEN, OEGSTGEEST, VOORSCHOTEN], rows)
    assert result.summary == (
        f"2 van de 3 {noun} hebben het voorstel aangenomen; Voorschoten heeft nog niet besloten."
    )


def test_a_single_deciding_municipality_is_named():
    result = divergence([VOORSCHOTEN], decisions("Vr"))
    assert result.summary == "Voorschoten heeft het voorstel verworpen."


def test_a_dossier_without_deciding_municipalities_says_so():
    result = divergence([], [])
    assert result.summary == "Er is nog geen gemeente aangewezen die over dit voorstel besluit."
    assert not result.diverged and not result.any_decided


def test_decisions_of_municipalities_outside_the_dossier_are_left_out():
    result = divergence([LEIDEN, OEGSTGEEST], decisions("La Oa Vr"))
    assert result.summary == "Beide raden hebben het voorstel aangenomen."
    assert not result.diverged


ACTION = Action(title="Regionale woningbouwcoalitie", lead=LEIDEN)


@pytest.mark.parametrize(
    ("spec", "members", "sentence", "not_adopting", "outsiders", "attention"),
    [
        (
            "La Da Oa Vr Za",
            "LDOZ",
            "Alleen Leiden, Leiderdorp, Oegstgeest en Zoeterwoude doen mee aan actie "
            "“Regionale woningbouwcoalitie”; Voorschoten verwierp het voorstel.",
            "",
            "",
            False,
        ),
        (
            "La Da Oa Va Za",
            "LDOVZ",
            "Alle gemeenten die over het voorstel besluiten, namen het aan en doen mee aan actie "
            "“Regionale woningbouwcoalitie”.",
            "",
            "",
            False,
        ),
        (
            "La Da Oa Vr Za",
            "LDOVZ",
            "Alle gemeenten die over het voorstel besluiten, doen mee aan actie "
            "“Regionale woningbouwcoalitie”. Let op: Voorschoten doet mee, maar verwierp het "
            "voorstel.",
            "V",
            "",
            True,
        ),
        (
            "La Dm Oa Vp",
            "LV",
            "Alleen Leiden en Voorschoten doen mee aan actie “Regionale woningbouwcoalitie”; "
            "Zoeterwoude heeft nog niet besloten en Leiderdorp en Oegstgeest namen het voorstel "
            "aan, maar doen niet mee. Let op: Voorschoten doet mee, maar hield het voorstel aan.",
            "V",
            "DO",
            True,
        ),
        (
            "La Dr Or Va",
            "L",
            "Alleen Leiden doet mee aan actie “Regionale woningbouwcoalitie”; Leiderdorp en "
            "Oegstgeest verwierpen het voorstel, Zoeterwoude heeft nog niet besloten en "
            "Voorschoten nam het voorstel aan, maar doet niet mee.",
            "",
            "V",
            True,
        ),
    ],
)
def test_consequences_name_who_takes_part_and_who_did_not_adopt(
    spec, members, sentence, not_adopting, outsiders, attention
):
    positions = positions_of(REGION, decisions(spec))
    result = consequence_for(ACTION, [BY_LETTER[letter] for letter in members], positions)
    assert result.sentence == sentence
    assert (
        "".join(
            letter
            for letter, m in BY_LETTER.items()
            if m in [p.municipality for p in result.members_not_adopting]
        )
        == not_adopting
    )
    assert (
        "".join(letter for letter, m in BY_LETTER.items() if m in result.adopters_not_taking_part)
        == outsiders
    )
    assert result.needs_attention is attention


def test_a_member_that_has_not_decided_yet_is_pointed_out():
    positions = positions_of(REGION, decisions("La Da Oa Va"))
    result = consequence_for(ACTION, list(REGION), positions)
    assert result.sentence.endswith("Let op: Zoeterwoude doet mee, maar heeft nog niet besloten.")
    assert [p.outcome for p in result.members_not_adopting] == [Outcome.PENDING]
