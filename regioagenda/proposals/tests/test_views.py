"""The public pages of proposals: overview with filters, detail, paragraph downloads and the list
of proposals without a check."""

import datetime
import io
import shutil
import subprocess  # runs poppler's pdftotext, a fixed local program

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from docx import Document
from pypdf import PdfReader

from regioagenda.proposals.checks import Affected, CheckAnswers, draft_for, save_draft, submit
from regioagenda.proposals.documents import store_document
from regioagenda.proposals.models import Effect, ImpactCheck, ProposalStatus
from regioagenda.proposals.paragraph import paragraph_lines, regional_paragraph
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.registry.models import JointBody
from regioagenda.vision.models import Theme, Topic

pytestmark = pytest.mark.django_db

OVERVIEW = "/voorstellen/"


def submitted(proposal, user, answers: CheckAnswers | None = None, **values) -> ImpactCheck:
    """Submit a new revision of the proposal's check with these answers."""
    answers = answers or CheckAnswers(**values)
    draft = draft_for(proposal, by=user)
    draft = save_draft(draft, answers, version=draft.version, by=user)
    return submit(draft, version=draft.version, by=user)


def numbers(response) -> set[str]:
    return {proposal.number for proposal in response.context["proposals"]}


@pytest.fixture
def themes(leidse_regio) -> list[Theme]:
    return list(Theme.objects.in_region(leidse_regio).order_by("position"))


@pytest.fixture
def topic(themes) -> Topic:
    return Topic.objects.filter(theme=themes[0]).order_by("position")[0]


@pytest.fixture
def body(leidse_regio) -> JointBody:
    return JointBody.objects.in_region(leidse_regio).order_by("name")[0]


# Visibility


def test_a_concept_proposal_is_hidden_from_visitors_and_other_municipalities(
    client: Client, leiden, oegstgeest_editor
):
    concept = make_proposal(leiden, "RV 26.0100", status=ProposalStatus.DRAFT)
    public = make_proposal(leiden, "RV 26.0101")

    assert client.get(concept.get_absolute_url()).status_code == 404
    assert numbers(client.get(OVERVIEW)) == {public.number}
    client.force_login(oegstgeest_editor)
    assert client.get(concept.get_absolute_url()).status_code == 404
    assert concept.number not in numbers(client.get(OVERVIEW))


@pytest.mark.parametrize("who", ["leiden_editor", "coordinator"])
def test_a_concept_proposal_is_shown_to_those_who_keep_it(client: Client, leiden, who, request):
    concept = make_proposal(leiden, "RV 26.0100", status=ProposalStatus.DRAFT)
    client.force_login(request.getfixturevalue(who))

    response = client.get(concept.get_absolute_url())

    assert response.status_code == 200
    assert concept.number in numbers(client.get(OVERVIEW))


def test_the_draft_of_a_check_is_never_public(client: Client, leiden, leiden_editor, themes):
    proposal = make_proposal(leiden)
    submitted(proposal, leiden_editor, regional=True, consequences="Eerste inschatting")
    draft = draft_for(proposal, by=leiden_editor)
    save_draft(
        draft,
        CheckAnswers(themes=[themes[1]], regional=True, consequences="Nog geheime tekst"),
        version=draft.version,
        by=leiden_editor,
    )

    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Eerste inschatting" in page and "Nog geheime tekst" not in page
    assert "concept van een nieuwe herziening" not in page
    assert numbers(client.get(OVERVIEW, {"thema": themes[1].slug})) == set()
    client.force_login(leiden_editor)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "concept van een nieuwe herziening" in page
    assert "Nog geheime tekst" not in page  # the page shows the submitted check


# Filters


@pytest.fixture
def three(leiden, oegstgeest, leiden_editor, oegstgeest_editor, themes, topic, body):
    """Three proposals whose checks differ in each filtered answer."""
    housing = make_proposal(leiden, "RV 1", date=datetime.date(2026, 3, 1))
    submitted(
        housing,
        leiden_editor,
        themes=[themes[0]],
        topics=[topic],
        joint_bodies=[body],
        regional=True,
        consequences="Meer woningen",
        affected=[Affected("GM0537", "Katwijk", Effect.POSITIVE)],
    )
    local = make_proposal(
        oegstgeest, "OG 2", date=datetime.date(2026, 6, 1), status=ProposalStatus.DECIDED
    )
    submitted(
        local,
        oegstgeest_editor,
        themes=[themes[1]],
        topics=[topic],
        regional=False,
        affected=[Affected("GM0546", "Leiden", Effect.UNKNOWN)],
    )
    unchecked = make_proposal(leiden, "RV 3", date=datetime.date(2026, 9, 1))
    return housing, local, unchecked


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"RV 1", "OG 2", "RV 3"}),
        ({"thema": "<theme0>"}, {"RV 1"}),
        ({"onderwerp": "<topic>"}, {"RV 1", "OG 2"}),
        ({"gemeente": "oegstgeest"}, {"OG 2"}),
        ({"geraakt": "GM0537"}, {"RV 1"}),  # Katwijk, a neighbour outside the region
        ({"geraakt": "GM0546"}, {"OG 2"}),
        ({"verbonden_partij": "<body>"}, {"RV 1"}),
        ({"van": "2026-05-01"}, {"OG 2", "RV 3"}),
        ({"van": "2026-02-01", "tot": "2026-07-01"}, {"RV 1", "OG 2"}),
        ({"status": "besloten"}, {"OG 2"}),
        ({"regionaal": "on"}, {"RV 1"}),
        ({"thema": "<theme0>", "gemeente": "oegstgeest"}, set()),
    ],
)
def test_each_filter_narrows_the_overview(
    client: Client, three, themes, topic, body, query, expected
):
    slugs = {"<theme0>": themes[0].slug, "<topic>": topic.slug, "<body>": body.slug}
    query = {name: slugs.get(value, value) for name, value in query.items()}

    response = client.get(OVERVIEW, query)

    assert response.status_code == 200
    assert not response.context["filters"].errors
    assert numbers(response) == expected


def test_an_unknown_filter_value_is_reported_not_ignored(client: Client, three):
    response = client.get(OVERVIEW, {"thema": "bestaat-niet", "van": "gisteren"})

    assert response.status_code == 200
    assert set(response.context["filters"].errors) == {"thema", "van"}
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_neighbour_is_offered_as_an_affected_municipality(client: Client, three):
    choices = dict(client.get(OVERVIEW).context["filters"].fields["geraakt"].choices)

    assert choices["GM0537"].startswith("Katwijk")
    assert choices["GM0546"] == "Leiden"


def test_a_filter_reads_the_current_revision_only(client: Client, three, themes, leiden_editor):
    housing = three[0]
    submitted(housing, leiden_editor, themes=[themes[2]], regional=True, consequences="Anders")

    assert numbers(client.get(OVERVIEW, {"thema": themes[0].slug})) == set()
    assert numbers(client.get(OVERVIEW, {"thema": themes[2].slug})) == {"RV 1"}


# Side by side


def test_proposals_of_different_municipalities_on_one_topic_stand_side_by_side(
    client: Client, three, topic
):
    overview = client.get(OVERVIEW)
    shared = overview.context["shared"]
    assert [(item.topic, item.municipalities, item.count) for item in shared] == [
        (topic, ["Leiden", "Oegstgeest"], 2)
    ]
    assert "Zelfde onderwerp, andere gemeenten" in overview.content.decode()

    response = client.get(OVERVIEW, {"onderwerp": topic.slug})

    page = response.content.decode()
    assert f"Naast elkaar: {topic.title}" in page
    # Grouped by municipality: Leiden's row before Oegstgeest's, each with its row header.
    assert [p.municipality.name for p in response.context["proposals"]] == ["Leiden", "Oegstgeest"]
    assert '<th scope="row" class="utrecht-table__header-cell">Leiden</th>' in page
    assert '<th scope="row" class="utrecht-table__header-cell">Oegstgeest</th>' in page
    assert response.context["shared"] == []


def test_a_topic_of_one_municipality_is_not_shared(client: Client, leiden, leiden_editor, topic):
    for number in ("RV 1", "RV 2"):
        submitted(make_proposal(leiden, number), leiden_editor, topics=[topic], regional=False)

    assert client.get(OVERVIEW).context["shared"] == []


# Feeds on the overview


def test_the_overview_links_the_feed_of_what_a_filter_selects(client: Client, three, themes):
    plain = client.get(OVERVIEW).content.decode()
    assert "application/atom+xml" not in plain

    page = client.get(OVERVIEW, {"thema": themes[0].slug, "geraakt": "GM0537"}).content.decode()

    theme_feed = f"/voorstellen/feeds/thema/{themes[0].slug}.atom"
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert page.count(theme_feed) == 2  # in the head, and as a visible link
    assert page.count("/voorstellen/feeds/gemeente/GM0537.atom") == 2


# Pagination and query count


def test_the_overview_pages_by_25_and_keeps_the_filters(client: Client, leiden):
    for number in range(30):
        make_proposal(leiden, f"RV {number:02}", date=datetime.date(2026, 1, 1))

    first = client.get(OVERVIEW, {"gemeente": "leiden"})
    second = client.get(OVERVIEW, {"gemeente": "leiden", "pagina": "2"})

    assert len(first.context["proposals"]) == 25
    assert len(second.context["proposals"]) == 5
    assert "gemeente=leiden&amp;pagina=2" in first.content.decode()


def fill(municipalities, editors, count, topic, themes, start=0):
    for index in range(start, start + count):
        municipality, editor = municipalities[index % 2], editors[index % 2]
        proposal = make_proposal(municipality, f"N {index}")
        submitted(
            proposal,
            editor,
            themes=themes[:2],
            topics=[topic],
            regional=True,
            consequences="Gevolgen",
            affected=[Affected("GM0537", "Katwijk", Effect.MIXED, "toelichting")],
        )


def test_the_overview_query_count_does_not_grow_with_the_proposals(
    client: Client, leiden, oegstgeest, leiden_editor, oegstgeest_editor, topic, themes
):
    places, editors = [leiden, oegstgeest], [leiden_editor, oegstgeest_editor]
    fill(places, editors, 2, topic, themes)
    client.get(OVERVIEW)  # warm caches (region, content types)
    with CaptureQueriesContext(connection) as few:
        small = client.get(OVERVIEW)
    fill(places, editors, 12, topic, themes, start=2)
    with CaptureQueriesContext(connection) as many:
        large = client.get(OVERVIEW)

    assert len(small.context["proposals"]) == 2 and len(large.context["proposals"]) == 14
    assert "Katwijk (positief en negatief)" in large.content.decode()
    assert len(many) == len(few)


# Detail


def test_the_detail_page_shows_the_proposal_its_check_and_the_paragraph(
    client: Client, leiden, leiden_editor, themes, topic, body
):
    leiden_editor.first_name, leiden_editor.last_name = "Anna", "de Vries"
    leiden_editor.email = "anna@leiden.example"
    leiden_editor.save()
    proposal = make_proposal(
        leiden, "RV 26.0042", title="Fietsroute langs de Oude Rijn", summary="Een snelle route."
    )
    proposal.links.create(title="Raadsvoorstel in iBabs", url="https://leiden.example/rv42")
    proposal.documents.create(
        name="scan.pdf",
        media_type="application/pdf",
        size=10,
        sha256="0" * 64,
        pages=3,
        has_text=False,
    )
    check = submitted(
        proposal,
        leiden_editor,
        themes=[themes[0]],
        topics=[topic],
        joint_bodies=[body],
        regional=True,
        consequences="Meer fietsers uit Oegstgeest",
        affected=[Affected("GM0579", "Oegstgeest", Effect.POSITIVE, "kortere reistijd")],
    )

    response = client.get(proposal.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert escape(regional_paragraph(check)) in page
    for text in (
        "RV 26.0042",
        "Een snelle route.",
        "https://leiden.example/rv42",
        "scan.pdf",
        "gescande PDF zonder tekst",
        "kortere reistijd",
        escape(body.name),
        escape(topic.title),
        "Anna de Vries",
        f"/voorstellen/{proposal.pk}/regionale-paragraaf.docx",
        f"/voorstellen/{proposal.pk}/regionale-paragraaf.pdf",
    ):
        assert text in page, text
    assert "anna@leiden.example" not in page
    assert "/bewerken/" not in page and "Geschiedenis" not in page  # for staff only


def test_an_editor_of_the_municipality_gets_the_links_to_edit(
    client: Client, leiden, leiden_editor
):
    proposal = make_proposal(leiden)
    client.force_login(leiden_editor)

    page = client.get(proposal.get_absolute_url()).content.decode()

    for path in ("bewerken/", "documenten/", "toets/"):
        assert f'href="/voorstellen/{proposal.pk}/{path}"' in page
    assert "Geschiedenis" in page  # the audit trail include


def test_an_editor_of_another_municipality_gets_no_links_to_edit(
    client: Client, leiden, oegstgeest_editor
):
    proposal = make_proposal(leiden)
    client.force_login(oegstgeest_editor)

    page = client.get(proposal.get_absolute_url()).content.decode()

    assert f"/voorstellen/{proposal.pk}/bewerken/" not in page


def test_the_revisions_list_only_submitted_ones_to_the_public(
    client: Client, leiden, leiden_editor
):
    proposal = make_proposal(leiden)
    submitted(proposal, leiden_editor, regional=False)
    submitted(proposal, leiden_editor, regional=True, consequences="Toch regionaal")
    draft_for(proposal, by=leiden_editor)

    public = client.get(proposal.get_absolute_url()).context["revisions"]
    client.force_login(leiden_editor)
    staff = client.get(proposal.get_absolute_url()).context["revisions"]

    assert [r.revision for r in public] == [2, 1]
    assert [r.revision for r in staff] == [3, 2, 1]


def test_the_detail_page_speaks_english_under_en(client: Client, leiden, leiden_editor):
    proposal = make_proposal(leiden)
    submitted(proposal, leiden_editor, regional=False)

    overview = client.get("/en/voorstellen/")
    detail = client.get(f"/en/voorstellen/{proposal.pk}/")

    assert overview.status_code == 200 and detail.status_code == 200
    assert '<html lang="en"' in overview.content.decode()
    assert '<html lang="en"' in detail.content.decode()


# The paragraph as a file


@pytest.fixture
def checked(leiden, leiden_editor, themes):
    proposal = make_proposal(leiden, "RV 26/0042 (herzien)", title="Fietsroute")
    check = submitted(
        proposal,
        leiden_editor,
        themes=[themes[0]],
        regional=True,
        consequences="Meer fietsers uit Oegstgeest",
        affected=[Affected("GM0579", "Oegstgeest", Effect.POSITIVE)],
    )
    return proposal, check


def test_the_paragraph_downloads_as_docx(client: Client, checked):
    proposal, check = checked

    response = client.get(f"/voorstellen/{proposal.pk}/regionale-paragraaf.docx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="rv-260042-herzien-regionale-paragraaf.docx"'
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert " ".join(paragraph_lines(check)) in text


def test_the_paragraph_downloads_as_a_pdf_with_its_text(client: Client, checked, tmp_path):
    proposal, _check = checked

    response = client.get(f"/voorstellen/{proposal.pk}/regionale-paragraaf.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('regionale-paragraaf.pdf"')
    assert response.content.startswith(b"%PDF")
    catalog = PdfReader(io.BytesIO(response.content)).root_object
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "nl"  # tagged, PDF/UA
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils (pdftotext) is needed for this test"
    path = tmp_path / "paragraaf.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603  # a fixed local program on a file we wrote
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = " ".join(text.split())
    assert "Regionale aspecten en consequenties" in words
    assert "Meer fietsers uit Oegstgeest." in words
    assert "gevolgen buiten de gemeente Leiden" in words


def test_no_paragraph_without_a_submitted_check_or_in_another_format(
    client: Client, leiden, leiden_editor, checked
):
    proposal = make_proposal(leiden, "RV 9")
    draft_for(proposal, by=leiden_editor)

    assert client.get(f"/voorstellen/{proposal.pk}/regionale-paragraaf.docx").status_code == 404
    assert client.get(f"/voorstellen/{checked[0].pk}/regionale-paragraaf.odt").status_code == 404


def test_no_paragraph_of_a_concept_proposal_for_a_visitor(client: Client, leiden, leiden_editor):
    proposal = make_proposal(leiden, status=ProposalStatus.DRAFT)
    submitted(proposal, leiden_editor, regional=False)

    assert client.get(f"/voorstellen/{proposal.pk}/regionale-paragraaf.pdf").status_code == 404
    client.force_login(leiden_editor)
    assert client.get(f"/voorstellen/{proposal.pk}/regionale-paragraaf.docx").status_code == 200


# Without a check


def test_proposals_without_a_check_are_listed_per_municipality(
    client: Client, leiden, oegstgeest, leiden_editor
):
    checked = make_proposal(leiden, "RV 1")
    submitted(checked, leiden_editor, regional=False)
    open_one = make_proposal(leiden, "RV 2")
    drafted = make_proposal(oegstgeest, "OG 1")
    concept = make_proposal(leiden, "RV 3", status=ProposalStatus.DRAFT)

    response = client.get("/voorstellen/zonder-toets/")

    listed = {m.name: {p.number for p in m.unchecked} for m in response.context["municipalities"]}
    assert listed["Leiden"] == {open_one.number}
    assert listed["Oegstgeest"] == {drafted.number}
    assert response.context["total"] == 2
    client.force_login(leiden_editor)
    response = client.get("/voorstellen/zonder-toets/")
    listed = {m.name: {p.number for p in m.unchecked} for m in response.context["municipalities"]}
    assert listed["Leiden"] == {open_one.number, concept.number}
    assert checked.number not in response.content.decode()


def test_a_document_downloads_for_whoever_may_see_the_proposal(
    client: Client, leiden, leiden_editor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    public = make_proposal(leiden, number="RV 26.0700")
    concept = make_proposal(leiden, number="RV 26.0701", status=ProposalStatus.DRAFT)
    text = b"Een fietsroute van de Stevenshof naar Leiderdorp."
    shown = store_document(public, text, name="toelichting.txt", by=leiden_editor)
    hidden = store_document(concept, text, name="concept.txt", by=leiden_editor)

    page = client.get(reverse("proposals:proposal", args=[public.pk])).content.decode()
    url = reverse("proposals:document", args=[public.pk, shown.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == text
    assert response["Content-Disposition"].startswith('attachment; filename="toelichting.txt"')
    assert response["Content-Type"].startswith("text/plain")
    # A concept's document only for those who keep it; another proposal's never by this path.
    hidden_url = reverse("proposals:document", args=[concept.pk, hidden.pk])
    assert client.get(hidden_url).status_code == 404
    assert client.get(reverse("proposals:document", args=[public.pk, hidden.pk])).status_code == 404
    client.force_login(leiden_editor)
    assert client.get(hidden_url).status_code == 200


def test_the_proposal_page_names_its_body_with_the_right_article(client: Client, leiden):
    college = make_proposal(leiden, number="B&W 1", body="college")
    council = make_proposal(leiden, number="RV 1")
    college_page = client.get(reverse("proposals:proposal", args=[college.pk])).content.decode()
    council_page = client.get(reverse("proposals:proposal", args=[council.pk])).content.decode()
    assert "Voorstel aan het college van B&W van Leiden" in college_page
    assert "Voorstel aan de gemeenteraad van Leiden" in council_page
