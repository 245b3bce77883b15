"""Suggestions of the regional impact check, on short invented texts (never the dev set)."""

import pytest

from regioagenda.proposals.models import GazetteerEntry, PlaceKind, Term
from regioagenda.proposals.suggestions import THRESHOLD, suggest
from regioagenda.registry.models import JointBody
from regioagenda.vision.models import Topic

pytestmark = pytest.mark.django_db

LEIDEN, LEIDERDORP, ZOETERWOUDE = "GM0546", "GM0547", "GM0638"


def codes(result) -> set[str]:
    return {m.key for m in result.municipalities}


def test_a_district_of_the_proposals_own_municipality_is_not_suggested(leidse_regio):
    text = "De fietsroute door de Stevenshof krijgt nieuwe verlichting."

    assert codes(suggest(text, region=leidse_regio, municipality=LEIDEN)) == set()
    from_leiderdorp = suggest(text, region=leidse_regio, municipality=LEIDERDORP)
    assert codes(from_leiderdorp) == {LEIDEN}
    (leiden,) = from_leiderdorp.municipalities
    assert leiden.name == "Leiden"
    assert any("Stevenshof" in reason for reason in leiden.reasons)


@pytest.mark.parametrize(
    "written", ["Zoeterwoude-Rijndijk", "Zoeterwoude Rijndijk", "zoeterwoude-rijndijk"]
)
def test_a_kern_is_resolved_to_its_municipality_whatever_the_hyphens_and_case(
    leidse_regio, written
):
    result = suggest(
        f"Een nieuwe bushalte in {written} bij de brug.", region=leidse_regio, municipality=LEIDEN
    )

    assert codes(result) == {ZOETERWOUDE}


def test_an_adjective_form_of_a_municipality_counts(leidse_regio):
    result = suggest(
        "Het Leiderdorpse deel van de route wordt verbreed.",
        region=leidse_regio,
        municipality=LEIDEN,
    )

    assert codes(result) == {LEIDERDORP}


def test_a_neighbour_outside_the_region_is_returned_with_its_code(leidse_regio):
    katwijk = GazetteerEntry.objects.get(kind=PlaceKind.NEIGHBOUR, name="Katwijk")

    result = suggest(
        "Afspraken met Katwijk over de ontsluiting van het bedrijventerrein.",
        region=leidse_regio,
        municipality=LEIDEN,
    )

    assert [(m.key, m.name) for m in result.municipalities] == [
        (katwijk.municipality_code, "Katwijk")
    ]
    assert result.as_json()["municipalities"][0]["code"] == katwijk.municipality_code


def test_an_ambiguous_name_needs_its_municipality_nearby(leidse_regio):
    assert GazetteerEntry.objects.get(name="Centrum", municipality_name="Voorschoten").ambiguous

    alone = suggest("Het Centrum krijgt meer bankjes.", region=leidse_regio, municipality=LEIDEN)
    with_context = suggest(
        "In Voorschoten krijgt het Centrum meer bankjes.",
        region=leidse_regio,
        municipality=LEIDEN,
    )

    assert codes(alone) == set()
    assert codes(with_context) == {"GM0626"}


def test_the_region_as_a_whole_means_all_other_municipalities(leidse_regio):
    others = set(leidse_regio.municipalities.exclude(code=LEIDEN).values_list("code", flat=True))

    for text in (
        "Een gezamenlijke aanpak van de vijf gemeenten.",
        "Samen met de vier andere gemeenten stellen we een plan op.",
        "Een bijeenkomst voor de hele Leidse regio.",
    ):
        result = suggest(text, region=leidse_regio, municipality=LEIDEN)
        assert codes(result) == others, text
        assert result.regional.value is True


def test_a_body_is_found_by_its_abbreviation_in_capitals_only(leidse_regio):
    body = JointBody.objects.get(region=leidse_regio, slug="omgevingsdienst-west-holland")
    assert "ODWH" in body.abbreviations

    capitals = suggest(
        "Zienswijze op de ontwerpbegroting 2027 van de ODWH.",
        region=leidse_regio,
        municipality=LEIDEN,
    )
    lower_case = suggest(
        "Zienswijze op de ontwerpbegroting van de odwh.", region=leidse_regio, municipality=LEIDEN
    )

    assert [b.name for b in capitals.bodies] == [body.name]
    assert any("ODWH" in reason for reason in capitals.bodies[0].reasons)
    assert capitals.regional.value is True
    assert lower_case.bodies == []


def test_a_body_is_found_by_its_name_with_other_hyphens(leidse_regio):
    result = suggest(
        "Het algemeen bestuur van de Omgevingsdienst West Holland vergadert.",
        region=leidse_regio,
        municipality=LEIDEN,
    )

    assert [b.key for b in result.bodies] == ["omgevingsdienst-west-holland"]


def test_a_purely_local_text_is_called_local(leidse_regio):
    result = suggest(
        "De gemeente verhoogt het tarief voor het parkeren bij het gemeentehuis.",
        region=leidse_regio,
        municipality=LEIDEN,
    )

    assert result.regional.value is False
    assert result.regional.score < 0.5
    assert result.municipalities == []
    assert result.bodies == []


def test_topics_come_with_the_words_that_matched(leidse_regio):
    result = suggest(
        "We bouwen 300 sociale huurwoningen met de woningcorporaties; nieuwbouw gaat voor.",
        region=leidse_regio,
        municipality=LEIDEN,
    )

    topics = {s.key: s for s in result.topics}
    assert "woningbouwprogramma" in topics
    assert result.themes[0].key == "wonen-en-groen"
    reasons = " ".join(topics["woningbouwprogramma"].reasons)
    assert "nieuwbouw" in reasons
    assert all(THRESHOLD < s.score <= 1 for s in [*result.themes, *result.topics])
    assert [s.score for s in result.topics] == sorted(
        (s.score for s in result.topics), reverse=True
    )


def test_a_curated_term_added_in_the_back_office_counts(leidse_regio):
    text = "De proefkikkerregeling wordt verlengd."
    topic = Topic.objects.get(region=leidse_regio, slug="stadswarmtenet")
    before = suggest(text, region=leidse_regio, municipality=LEIDEN)

    Term.objects.create(region=leidse_regio, text="proefkikkerregeling", topic=topic, weight=3)
    after = suggest(text, region=leidse_regio, municipality=LEIDEN)

    assert "stadswarmtenet" not in {s.key for s in before.topics}
    assert [s.key for s in after.topics] == ["stadswarmtenet"]
    assert "duurzaamheid" in {s.key for s in after.themes}
    assert "“proefkikkerregeling”" in after.topics[0].reasons


def test_an_empty_text_suggests_nothing(leidse_regio):
    result = suggest("", region=leidse_regio, municipality=LEIDEN)

    assert (result.themes, result.topics, result.municipalities, result.bodies) == ([], [], [], [])
    assert result.regional.value is False


def test_suggestions_are_remembered_until_the_vocabulary_changes(leidse_regio, monkeypatch):
    from regioagenda.proposals import suggestions

    leiden = leidse_regio.municipalities.get(code="GM0546")
    computed = []
    real = suggestions.suggest

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        computed.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(suggestions, "suggest", counting)
    text = "Een nieuw zwembad in Leiden voor de hele regio, met een Japanse grasvlakte."
    first = suggestions.cached_suggest(text, region=leidse_regio, municipality=leiden)
    again = suggestions.cached_suggest(text, region=leidse_regio, municipality=leiden)
    assert again == first and len(computed) == 1

    topic = Topic.objects.filter(region=leidse_regio).first()
    Term.objects.create(region=leidse_regio, text="japanse grasvlakte", topic=topic, weight=5)
    changed = suggestions.cached_suggest(text, region=leidse_regio, municipality=leiden)

    assert len(computed) == 2
    assert topic.slug in [s.key for s in changed.topics]
