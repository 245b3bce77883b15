"""Related proposals of other municipalities: the same topic or a similar text, in the period."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from regioagenda.proposals.models import ImpactCheck, Proposal, ProposalDocument
from regioagenda.proposals.related import related_proposals, text_of
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Topic

pytestmark = pytest.mark.django_db

HOUSING = (
    "De gemeente bouwt sociale huurwoningen met de woningcorporaties in de Oostvlietpolder. "
    "De huurwoningen zijn betaalbaar voor starters; de corporaties beheren de woningen."
)
SIMILAR = (
    "Met de woningcorporaties bouwen we betaalbare sociale huurwoningen voor starters. "
    "De corporaties nemen de woningen in beheer."
)
UNRELATED = "Het zwembad krijgt een nieuw dak en de sporthal nieuwe kleedkamers voor de clubs."
ON = datetime.date(2026, 10, 1)


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


def check_with(proposal: Proposal, topic: Topic, *, state: str = "ingediend") -> ImpactCheck:
    check = ImpactCheck.objects.create(
        proposal=proposal,
        revision=proposal.checks.count() + 1,
        state=state,
        submitted_at=timezone.now() if state == "ingediend" else None,
    )
    check.topics.add(topic)
    return check


@pytest.fixture
def housing_topic(leidse_regio) -> Topic:
    return Topic.objects.get(region=leidse_regio, slug="woningbouwprogramma")


@pytest.fixture
def proposal(leiden, housing_topic) -> Proposal:
    proposal = make_proposal(leiden, title="Sociale huur Oostvlietpolder", text=HOUSING, date=ON)
    check_with(proposal, housing_topic, state="concept")
    return proposal


def test_a_similar_text_of_another_municipality_is_related_with_the_shared_words(proposal):
    similar = make_proposal(municipality("GM0579"), title="Betaalbaar wonen", text=SIMILAR, date=ON)
    make_proposal(municipality("GM0547"), title="Sportpark", text=UNRELATED, date=ON)

    (found,) = related_proposals(proposal)

    assert found.proposal == similar
    assert found.reason.startswith("vergelijkbare tekst: woorden ")
    assert 2 <= len(found.words) <= 5
    # Shown as this proposal says them; matched on lemmas ("betaalbaar", "betaalbare").
    for word in found.words:
        assert word in HOUSING.casefold() and word[:4] in SIMILAR.casefold()
    assert found.reason.endswith(", ".join(found.words))
    assert 0.2 <= found.similarity <= 1


def test_a_proposal_whose_submitted_check_shares_a_topic_is_related(proposal, housing_topic):
    same_topic = make_proposal(municipality("GM0626"), title="Woonvisie", text=UNRELATED, date=ON)
    check_with(same_topic, housing_topic)
    only_drafted = make_proposal(
        municipality("GM0638"), number="RV 2", title="Woonvisie", text=UNRELATED, date=ON
    )
    check_with(only_drafted, housing_topic, state="concept")

    (found,) = related_proposals(proposal)

    assert found.proposal == same_topic
    assert found.reason == f"zelfde onderwerp: {housing_topic.title}"


def test_a_topic_of_an_earlier_revision_no_longer_counts(proposal, housing_topic, leidse_regio):
    other = make_proposal(municipality("GM0626"), title="Woonvisie", text=UNRELATED, date=ON)
    check_with(other, housing_topic)
    later = check_with(other, Topic.objects.exclude(pk=housing_topic.pk).first())
    assert later.revision == 2

    assert related_proposals(proposal) == []


def test_the_own_municipality_drafts_and_proposals_out_of_the_window_are_not_related(
    proposal, housing_topic, kustregio
):
    make_proposal(proposal.municipality, number="RV 2", text=SIMILAR, date=ON)
    make_proposal(
        municipality("GM0579"), number="RV 3", text=SIMILAR, date=ON - datetime.timedelta(days=400)
    )
    late = make_proposal(
        municipality("GM0547"), number="RV 4", text=SIMILAR, date=ON + datetime.timedelta(days=400)
    )
    check_with(late, housing_topic)
    make_proposal(municipality("GM0626"), number="RV 5", text=SIMILAR, date=ON, status="concept")
    elsewhere = Municipality.objects.filter(region=kustregio).first()
    make_proposal(elsewhere, number="RV 6", text=SIMILAR, date=ON)

    assert related_proposals(proposal) == []


def test_a_shared_topic_ranks_above_a_similar_text_and_the_limit_holds(proposal, housing_topic):
    similar = make_proposal(municipality("GM0579"), text=SIMILAR, date=ON)
    both = make_proposal(municipality("GM0547"), text=SIMILAR, date=ON)
    check_with(both, housing_topic)

    found = related_proposals(proposal)

    assert [r.proposal for r in found] == [both, similar]
    assert found[0].reason.startswith("zelfde onderwerp: ")
    assert "vergelijkbare tekst" in found[0].reason
    assert [r.proposal for r in related_proposals(proposal, limit=1)] == [both]


def test_a_documents_text_counts_for_the_similarity(proposal):
    other = make_proposal(municipality("GM0579"), title="Bijlage", text="", date=ON)
    ProposalDocument.objects.create(
        proposal=other,
        name="voorstel.pdf",
        media_type="application/pdf",
        size=1,
        sha256="0" * 64,
        text=SIMILAR,
        file="x",
    )

    assert text_of(other) == SIMILAR
    assert [r.proposal for r in related_proposals(proposal)] == [other]


def test_the_text_falls_back_to_the_title_and_summary(leiden):
    bare = make_proposal(leiden, title="Titel", summary="Samenvatting", text="")
    assert text_of(bare) == "Titel\n\nSamenvatting"


def test_the_related_proposals_are_on_the_check_form(proposal, leiden_editor, client):
    similar = make_proposal(municipality("GM0579"), title="Betaalbaar wonen", text=SIMILAR, date=ON)
    client.force_login(leiden_editor)

    response = client.get(reverse("proposals:check", args=[proposal.pk]))

    content = response.content.decode()
    assert similar.get_absolute_url() in content
    assert "Oegstgeest: Betaalbaar wonen" in content
    assert "vergelijkbare tekst: woorden" in content


def test_the_candidates_are_read_in_a_fixed_number_of_queries(
    proposal, django_assert_max_num_queries
):
    for number in range(30):
        make_proposal(municipality("GM0579"), number=f"RV {number}", text=SIMILAR, date=ON)

    with django_assert_max_num_queries(8):
        found = related_proposals(proposal, limit=50)

    assert len(found) == 30
