"""The editors' pages: a proposal registered and edited, its documents, its check submitted."""

import re
from html import escape
from pathlib import Path

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.proposals import checks
from regioagenda.proposals.models import ImpactCheck, Proposal, ProposalDocument, ProposalLink
from regioagenda.proposals.suggestions import suggest
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.regions.models import Municipality
from regioagenda.vision.models import Theme, Topic

pytestmark = pytest.mark.django_db

LEIDERDORP = "GM0547"
TEXT = (
    "Samen met Leiderdorp bouwt Leiden 300 woningen in de sociale huur aan de rand van de "
    "Oostvlietpolder. De woningcorporaties bouwen betaalbare sociale huurwoningen voor "
    "starters en senioren."
)
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(50) + b"PE\x00\x00"


@pytest.fixture
def proposal(leiden) -> Proposal:
    return make_proposal(leiden, title="Woningbouw Oostvlietpolder", text=TEXT)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def proposal_data(municipality: Municipality, **values) -> dict[str, object]:
    return {
        "municipality": municipality.pk,
        "body": "raad",
        "number": "RV 26.0100",
        "title": "Sociale huur in de Oostvlietpolder",
        "date": "2026-10-01",
        "decision_date": "",
        "status": "in-procedure",
        "summary": "",
        "decision": "",
        "text": TEXT,
        "links-TOTAL_FORMS": "1",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
        "links-0-title": "Raadsvoorstel in iBabs",
        "links-0-url": "https://leiden.bestuurlijkeinformatie.nl/Reports/Item/1",
        **values,
    }


def edit_data(proposal: Proposal, **values) -> dict[str, object]:
    data = proposal_data(proposal.municipality, number=proposal.number, version=proposal.version)
    return {**data, **values}


# -- permissions -------------------------------------------------------------------------------


def page_urls(proposal: Proposal) -> list[str]:
    return [
        reverse("proposals:edit", args=[proposal.pk]),
        reverse("proposals:upload", args=[proposal.pk]),
        reverse("proposals:check", args=[proposal.pk]),
    ]


def test_a_visitor_is_sent_to_log_in_from_every_page(client: Client, proposal):
    for url in [reverse("proposals:create"), *page_urls(proposal)]:
        response = client.get(url)
        assert response.status_code == 302 and "/inloggen/" in response["Location"], url
    response = client.post(reverse("proposals:submit_check", args=[proposal.pk]), {"version": 1})
    assert response.status_code == 302 and "/inloggen/" in response["Location"]
    assert not ImpactCheck.objects.exists()


def test_an_editor_of_another_municipality_is_refused_every_page(proposal, oegstgeest_editor):
    client = logged_in(oegstgeest_editor)
    for url in page_urls(proposal):
        assert client.get(url).status_code == 403, url
    checks.draft_for(proposal, by=make_user("admin", Membership.Role.ADMINISTRATOR))
    response = client.post(reverse("proposals:submit_check", args=[proposal.pk]), {"version": 1})
    assert response.status_code == 403
    assert not ImpactCheck.objects.filter(state=ImpactCheck.State.SUBMITTED).exists()


def test_a_council_member_may_not_register_proposals(council_member):
    assert logged_in(council_member).get(reverse("proposals:create")).status_code == 403


@pytest.mark.parametrize("who", ["leiden_editor", "coordinator"])
def test_the_municipalitys_editor_and_the_coordinator_reach_every_page(request, proposal, who):
    client = logged_in(request.getfixturevalue(who))
    for url in [reverse("proposals:create"), *page_urls(proposal)]:
        assert client.get(url).status_code == 200, url


def test_submitting_is_a_post_only(proposal, leiden_editor):
    url = reverse("proposals:submit_check", args=[proposal.pk])
    assert logged_in(leiden_editor).get(url).status_code == 405


# -- registering and editing -------------------------------------------------------------------


def test_an_editor_registers_a_proposal_of_her_municipality_with_a_link(
    leiden, leiden_editor, oegstgeest_editor
):
    response = logged_in(leiden_editor).post(
        reverse("proposals:create"),
        # Fields a form does not offer are ignored, whatever they say.
        proposal_data(leiden, created_by=oegstgeest_editor.pk, version=99),
    )

    proposal = Proposal.objects.get(number="RV 26.0100")
    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:check", args=[proposal.pk])
    assert proposal.municipality == leiden
    assert proposal.created_by == leiden_editor
    assert proposal.version == 1
    assert list(proposal.links.values_list("title", flat=True)) == ["Raadsvoorstel in iBabs"]


def test_an_editor_cannot_register_a_proposal_for_another_municipality(leiden_editor, oegstgeest):
    response = logged_in(leiden_editor).post(reverse("proposals:create"), proposal_data(oegstgeest))

    assert response.status_code == 400
    assert response.context["form"].errors["municipality"]
    assert not Proposal.objects.exists()


def test_the_coordinator_chooses_among_the_regions_municipalities(
    leidse_regio, coordinator, oegstgeest
):
    response = logged_in(coordinator).get(reverse("proposals:create"))
    offered = set(response.context["form"].fields["municipality"].queryset)
    assert offered == set(Municipality.objects.in_region(leidse_regio))

    logged_in(coordinator).post(reverse("proposals:create"), proposal_data(oegstgeest))
    assert Proposal.objects.get().municipality == oegstgeest


def test_a_number_is_used_once_per_municipality(leiden, leiden_editor):
    make_proposal(leiden, number="RV 26.0100")

    response = logged_in(leiden_editor).post(reverse("proposals:create"), proposal_data(leiden))

    assert response.status_code == 400
    assert "al een voorstel met dit nummer" in response.content.decode()
    assert Proposal.objects.count() == 1


def test_an_edit_is_saved_and_raises_the_version(proposal, leiden_editor):
    response = logged_in(leiden_editor).post(
        reverse("proposals:edit", args=[proposal.pk]),
        edit_data(proposal, title="Nieuwe titel", status="besloten", decision_date="2026-11-05"),
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status, proposal.version) == ("Nieuwe titel", "besloten", 2)
    assert proposal.decision_date.isoformat() == "2026-11-05"
    assert proposal.links.count() == 1


def test_a_second_edit_of_the_same_version_is_refused_and_shown(proposal, leiden_editor):
    started_at = edit_data(proposal)
    client = logged_in(leiden_editor)
    client.post(reverse("proposals:edit", args=[proposal.pk]), {**started_at, "title": "Eerste"})

    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]), {**started_at, "title": "Tweede"}
    )

    assert response.status_code == 409
    content = response.content.decode()
    assert "iemand anders heeft dit voorstel intussen gewijzigd" in content
    assert "Eerste" in content and "Tweede" in content
    proposal.refresh_from_db()
    assert (proposal.title, proposal.version) == ("Eerste", 2)


def test_an_edit_cannot_move_a_proposal_to_another_municipality_or_skip_the_version_check(
    proposal, leiden_editor, oegstgeest, oegstgeest_editor
):
    client = logged_in(leiden_editor)
    url = reverse("proposals:edit", args=[proposal.pk])

    moved = client.post(url, edit_data(proposal, municipality=oegstgeest.pk, title="Verplaatst"))
    future = client.post(url, edit_data(proposal, version=50, title="Overschreven"))
    without = client.post(url, {**edit_data(proposal, title="Zonder versie"), "version": ""})
    client.post(url, edit_data(proposal, created_by=oegstgeest_editor.pk, title="Goed"))

    assert moved.status_code == 400
    assert future.status_code == 409 and without.status_code == 409
    proposal.refresh_from_db()
    assert proposal.municipality.code == "GM0546"
    assert proposal.title == "Goed"
    assert proposal.created_by is None


def test_a_link_can_be_removed(proposal, leiden_editor):
    link = ProposalLink.objects.create(proposal=proposal, title="Oud", url="https://example.org/")
    data = edit_data(
        proposal,
        **{
            "links-TOTAL_FORMS": "2",
            "links-INITIAL_FORMS": "1",
            "links-0-id": link.pk,
            "links-0-title": "Oud",
            "links-0-url": "https://example.org/",
            "links-0-DELETE": "on",
            "links-1-title": "",
            "links-1-url": "",
        },
    )

    response = logged_in(leiden_editor).post(reverse("proposals:edit", args=[proposal.pk]), data)

    assert response.status_code == 302
    assert not proposal.links.exists()


# -- documents ---------------------------------------------------------------------------------


def test_an_uploaded_pdf_is_stored_with_its_text(proposal, leiden_editor, media):
    pdf = weasyprint.HTML(string="<p>Sociale huurwoningen in Leiderdorp.</p>").write_pdf()
    upload = SimpleUploadedFile("voorstel.pdf", pdf, content_type="application/pdf")

    response = logged_in(leiden_editor).post(
        reverse("proposals:upload", args=[proposal.pk]), {"file": upload}
    )

    assert response.status_code == 302
    document = ProposalDocument.objects.get(proposal=proposal)
    assert document.name == "voorstel.pdf"
    assert "Sociale huurwoningen in Leiderdorp" in document.text
    assert document.uploaded_by == leiden_editor
    assert (Path(media) / document.file.name).read_bytes() == pdf


def test_a_refused_upload_shows_why_and_stores_nothing(proposal, leiden_editor, media):
    upload = SimpleUploadedFile("voorstel.pdf", WINDOWS_PROGRAM)

    response = logged_in(leiden_editor).post(
        reverse("proposals:upload", args=[proposal.pk]), {"file": upload}
    )

    assert response.status_code == 400
    error = response.context["form"].errors["file"][0]
    assert "voorstel.pdf" in error
    assert escape(error) in response.content.decode()
    assert not ProposalDocument.objects.exists()
    assert not Path(media).exists() or not any(Path(media).rglob("*.*"))


def test_an_upload_without_a_file_is_refused(proposal, leiden_editor):
    response = logged_in(leiden_editor).post(reverse("proposals:upload", args=[proposal.pk]), {})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


# -- the check ---------------------------------------------------------------------------------


def checked(content: str, name: str, value: object) -> bool:
    tag = re.search(rf'<input type="checkbox"[^>]*name="{name}" value="{value}"[^>]*>', content)
    assert tag, f"no checkbox {name}={value}"
    return " checked" in tag.group()


def test_a_new_check_starts_with_the_suggestions_ticked_and_their_reasons(
    leidse_regio, proposal, leiden_editor
):
    expected = suggest(TEXT, region=leidse_regio, municipality=proposal.municipality)
    assert expected.topics and LEIDERDORP in {m.key for m in expected.municipalities}

    response = logged_in(leiden_editor).get(reverse("proposals:check", args=[proposal.pk]))

    content = response.content.decode()
    assert response.status_code == 200 and response.context["prefilled"]
    assert checked(content, "affected", LEIDERDORP)
    assert not checked(content, "affected", "GM0579")  # Oegstgeest is not named
    (leiderdorp,) = [m for m in expected.municipalities if m.key == LEIDERDORP]
    for reason in leiderdorp.reasons:
        assert escape(reason) in content
    for suggestion in expected.topics:
        topic = Topic.objects.get(region=leidse_regio, slug=suggestion.key)
        assert checked(content, "topics", topic.pk)
        assert escape(suggestion.reasons[0]) in content
    assert "sociale huur" in " ".join(r for s in expected.topics for r in s.reasons)
    assert "voorgesteld" in content
    for reason in expected.regional.reasons:
        assert escape(reason) in content
    # Nothing is stored before the editor saves.
    draft = ImpactCheck.objects.get(proposal=proposal)
    assert draft.state == "concept" and draft.version == 1
    assert not draft.topics.exists() and not draft.affected.exists()


def check_data(leidse_regio, draft: ImpactCheck, **values) -> dict[str, object]:
    wonen = Theme.objects.get(region=leidse_regio, slug="wonen-en-groen")
    return {
        "actie": "opslaan",
        "version": draft.version,
        "themes": [wonen.pk],
        "topics": [wonen.topics.all()[0].pk],
        "affected": [LEIDERDORP],
        f"effect_{LEIDERDORP}": "positief",
        f"explanation_{LEIDERDORP}": "Meer sociale huur vlak bij Leiderdorp.",
        "consistency": "past",
        "regional": "ja",
        "consequences": "Meer sociale huurwoningen voor de hele regio.",
        **values,
    }


def test_the_editor_saves_submits_and_then_starts_a_new_revision(
    leidse_regio, proposal, leiden_editor
):
    client = logged_in(leiden_editor)
    url = reverse("proposals:check", args=[proposal.pk])
    client.get(url)
    draft = ImpactCheck.objects.get(proposal=proposal)

    saved = client.post(url, check_data(leidse_regio, draft))

    assert saved.status_code == 302
    draft.refresh_from_db()
    assert (draft.version, draft.regional, draft.consistency) == (2, True, "past")
    (affected,) = draft.affected.all()
    assert (affected.code, affected.name, affected.effect) == (LEIDERDORP, "Leiderdorp", "positief")
    assert list(draft.themes.values_list("slug", flat=True)) == ["wonen-en-groen"]
    # After a save the form shows what was stored, not the suggestions again.
    again = client.get(url)
    assert not again.context["prefilled"]
    assert not checked(again.content.decode(), "affected", "GM0579")

    submitted = client.post(
        reverse("proposals:submit_check", args=[proposal.pk]), {"version": draft.version}
    )

    assert submitted.status_code == 302
    assert submitted["Location"] == proposal.get_absolute_url()
    draft.refresh_from_db()
    assert draft.state == "ingediend" and draft.submitted_by == leiden_editor
    read_only = client.get(url)
    content = read_only.content.decode()
    assert read_only.context["read_only"]
    assert "Nieuwe herziening" in content
    assert 'name="themes"' not in content
    assert "Leiderdorp" in content
    # Saving into a submitted check is refused; it stays as it was.
    client.post(url, check_data(leidse_regio, draft, regional="nee"))
    draft.refresh_from_db()
    assert draft.regional is True and draft.state == "ingediend"

    opened = client.post(url, {"actie": "nieuwe-herziening"})

    assert opened.status_code == 302
    second = ImpactCheck.objects.get(proposal=proposal, state="concept")
    assert second.revision == 2
    assert list(second.affected.values_list("code", flat=True)) == [LEIDERDORP]
    response = client.get(url)
    assert not response.context["prefilled"]
    assert checked(response.content.decode(), "affected", LEIDERDORP)


def test_a_check_that_does_not_say_regional_or_local_cannot_be_submitted(
    leidse_regio, proposal, leiden_editor
):
    client = logged_in(leiden_editor)
    url = reverse("proposals:check", args=[proposal.pk])
    client.get(url)
    draft = ImpactCheck.objects.get(proposal=proposal)
    client.post(url, check_data(leidse_regio, draft, regional=""))
    draft.refresh_from_db()

    response = client.post(
        reverse("proposals:submit_check", args=[proposal.pk]), {"version": draft.version}
    )

    assert response.status_code == 400
    assert "Geef aan of het voorstel regionaal of lokaal is." in response.content.decode()
    assert response.context["form"].errors["regional"]
    draft.refresh_from_db()
    assert draft.state == "concept"


def test_a_save_on_an_outdated_version_is_refused_and_shown(leidse_regio, proposal, leiden_editor):
    client = logged_in(leiden_editor)
    url = reverse("proposals:check", args=[proposal.pk])
    client.get(url)
    draft = ImpactCheck.objects.get(proposal=proposal)
    client.post(url, check_data(leidse_regio, draft, consequences="Eerste versie."))

    response = client.post(url, check_data(leidse_regio, draft, consequences="Tweede versie."))

    assert response.status_code == 409
    content = response.content.decode()
    assert "iemand anders heeft deze toets intussen gewijzigd" in content
    assert "Eerste versie." in content and "Tweede versie." in content
    draft.refresh_from_db()
    assert draft.consequences == "Eerste versie."


def test_a_submit_on_an_outdated_version_is_refused(leidse_regio, proposal, leiden_editor):
    client = logged_in(leiden_editor)
    url = reverse("proposals:check", args=[proposal.pk])
    client.get(url)
    draft = ImpactCheck.objects.get(proposal=proposal)
    client.post(url, check_data(leidse_regio, draft))

    response = client.post(reverse("proposals:submit_check", args=[proposal.pk]), {"version": 1})

    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.state == "concept"


def test_the_own_municipality_cannot_be_named_as_affected(leidse_regio, proposal, leiden_editor):
    client = logged_in(leiden_editor)
    url = reverse("proposals:check", args=[proposal.pk])
    client.get(url)
    draft = ImpactCheck.objects.get(proposal=proposal)

    response = client.post(url, check_data(leidse_regio, draft, affected=["GM0546"]))

    assert response.status_code == 400
    assert response.context["form"].errors["affected"]
    assert not ImpactCheck.objects.get(pk=draft.pk).affected.exists()


def test_choices_of_another_region_are_refused(kustregio, leidse_regio, proposal, leiden_editor):
    client = logged_in(leiden_editor)
    url = reverse("proposals:check", args=[proposal.pk])
    client.get(url)
    draft = ImpactCheck.objects.get(proposal=proposal)
    elsewhere = Theme.objects.filter(region=kustregio).first()

    response = client.post(url, check_data(leidse_regio, draft, themes=[elsewhere.pk]))

    assert response.status_code == 400
    assert response.context["form"].errors["themes"]
    assert not ImpactCheck.objects.get(pk=draft.pk).themes.exists()
