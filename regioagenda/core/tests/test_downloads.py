"""Every download is an attachment and none may be sniffed into another type.

Two kinds are deliberately not attachments: an event's image is shown inline on the event's
page (its type was decided by Pillow when it was uploaded, and `nosniff` keeps the browser to
that type), and the iCalendar subscription feeds, which calendar apps read rather than people
save. A single event or meeting as .ics is a download and is an attachment."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from regioagenda.agenda import views as agenda_views
from regioagenda.agenda.tests.factories import make_action
from regioagenda.events.tests.factories import make_event
from regioagenda.meetings.edit_views import store_agenda_document
from regioagenda.meetings.models import AgendaItem
from regioagenda.meetings.registration_views import register_for
from regioagenda.meetings.tests.factories import make_meeting
from regioagenda.monitor import report_views
from regioagenda.monitor.tests.factories import make_indicator, make_observation
from regioagenda.proposals import views as proposal_views
from regioagenda.proposals.checks import CheckAnswers, draft_for, save_draft, submit
from regioagenda.proposals.documents import store_document
from regioagenda.proposals.tests.factories import make_proposal

pytestmark = pytest.mark.django_db

ATTACHMENT, INLINE = "attachment", "inline"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def no_pdf_rendering(monkeypatch):
    """The headers are under test here, not WeasyPrint (tested with the reports)."""

    def render_pdf(*args, **kwargs):
        return b"%PDF-1.7\n%%EOF\n"

    for module in (agenda_views, report_views, proposal_views):
        monkeypatch.setattr(module, "render_pdf", render_pdf)
    monkeypatch.setattr(report_views, "draw_charts", lambda report: None)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return buffer.getvalue()


def close_file(response) -> None:
    # Not response.close(): outside the test client it sends request_finished, which closes the
    # database connection, and on PostgreSQL the test's transaction with it.
    for closable in getattr(response, "_resource_closers", []):
        closable()


def test_every_download_is_an_attachment_and_nothing_is_sniffed(
    leidse_regio, leiden, leiden_editor, media, no_pdf_rendering, monkeypatch
):
    proposal = make_proposal(leiden)
    document = store_document(proposal, b"Nota over de regionale woningbouw.", name="nota.txt")
    draft = draft_for(proposal, by=leiden_editor)
    draft = save_draft(draft, CheckAnswers(regional=False), version=draft.version, by=leiden_editor)
    submit(draft, version=draft.version, by=leiden_editor)

    meeting = make_meeting(
        leidse_regio, organiser=leiden, kind="netwerkbijeenkomst", registration_open=True
    )
    item = AgendaItem.objects.create(meeting=meeting, title="Punt")
    agenda_document = store_agenda_document(
        item, "Agenda", SimpleUploadedFile("agenda.txt", b"Agenda van de bijeenkomst.")
    )
    register_for(meeting, name="Een", email="een@example.org")

    event = make_event(leidse_regio)
    event.image_format = "png"
    event.image.save("x.png", ContentFile(png()), save=False)
    event.image_alt = "Groen vlak"
    event.save()

    indicator = make_indicator(leidse_regio, "downloadtest")
    make_observation(indicator, leiden, 2024, 12)
    make_action(leiden)
    monkeypatch.setattr(
        report_views, "_report", lambda year: SimpleNamespace(region=leidse_regio, year=year)
    )

    expected = {
        reverse("proposals:document", args=[proposal.pk, document.pk]): ATTACHMENT,
        reverse("proposals:paragraph", args=[proposal.pk, "docx"]): ATTACHMENT,
        reverse("proposals:paragraph", args=[proposal.pk, "pdf"]): ATTACHMENT,
        reverse("meetings:document", args=[meeting.pk, agenda_document.pk]): ATTACHMENT,
        reverse("meetings:attendance", args=[meeting.pk]) + "?formaat=csv": ATTACHMENT,
        reverse("meetings:meeting_ics", args=[meeting.pk]): ATTACHMENT,
        reverse("meetings:feed"): None,
        reverse("events:event_ics", args=[event.pk]): ATTACHMENT,
        reverse("events:feed"): None,
        reverse("events:image", args=[event.pk]): INLINE,
        reverse("agenda:export_csv"): ATTACHMENT,
        reverse("agenda:export_xlsx"): ATTACHMENT,
        reverse("agenda:export_ods"): ATTACHMENT,
        reverse("agenda:report_pdf"): ATTACHMENT,
        reverse("monitor:report_pdf", args=[2025]): ATTACHMENT,
        **{
            reverse("monitor:download", args=[indicator.slug, file_format]): ATTACHMENT
            for file_format in ("csv", "xlsx", "ods")
        },
    }
    client = Client()
    client.force_login(leiden_editor)
    for url, disposition in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        got = response.get("Content-Disposition", "")
        if disposition == ATTACHMENT:
            assert got.startswith("attachment;") and "filename" in got, (url, got)
        else:
            # An image or a feed: shown or subscribed to, never offered as a file.
            assert "attachment" not in got, (url, got)
        close_file(response)


def test_an_uploaded_name_reaches_the_download_header_only_as_a_safe_filename(
    leidse_regio, leiden, media
):
    proposal = make_proposal(leiden)
    hostile = 'jaar"verslag\r\nSet-Cookie: x=1; ..\\..\\Überzicht.txt'
    document = store_document(proposal, b"Jaarverslag van de regio.", name=hostile)
    # Stored under its hash; the name is metadata only.
    assert document.file.name == f"voorstellen/{proposal.pk}/{document.sha256}"
    response = Client().get(reverse("proposals:document", args=[proposal.pk, document.pk]))
    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    assert "Set-Cookie" not in response.headers.get("Set-Cookie", "")
    # Non-ASCII goes in RFC 6266's filename*; no path part survives.
    assert header.startswith("attachment; filename*=utf-8''")
    assert "%C3%9Cberzicht.txt" in header and ".." not in header and "\\" not in header
    close_file(response)
