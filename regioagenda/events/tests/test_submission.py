"""The one write path for events: checks on hostile and wrong input (nothing stored then),
e-mail confirmation without an account, and organisers' edits back to moderation."""

import io
import struct
import zlib

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from regioagenda.core.concurrency import EditConflict
from regioagenda.events.models import Event
from regioagenda.events.submission import (
    TooManySubmissions,
    confirm_event,
    submit_event,
    update_event,
)
from regioagenda.events.tests.factories import local, make_audience, make_category, make_event
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache_and_media(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path
    yield
    cache.clear()


def values(municipality, **changes):
    base = {
        "title": "Zomerconcert in het park",
        "description": "<p>Muziek voor <strong>iedereen</strong>.</p>",
        "start": local(2026, 10, 3, 20),
        "end": local(2026, 10, 3, 22),
        "all_day": False,
        "recurrence": "",
        "venue": "Stadsgehoorzaal",
        "address": "Breestraat 60",
        "municipality": municipality,
        "place_outside_region": "",
        "organiser_name": "Stichting Cultuur",
        "organiser_email": "cultuur@example.org",
        "expected_visitors": 300,
        "accessibility": "Rolstoeltoegankelijk",
        "url": "https://example.org/concert",
        "status": Event.Status.SCHEDULED,
        "image": None,
        "image_alt": "",
        "categories": [],
        "audiences": [],
        "themes": [],
    }
    return base | changes


def png_bytes(size=(4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size: a decompression bomb without the bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def refused(region, vals, field, *, user=None):
    with pytest.raises(ValidationError) as caught:
        submit_event(region, vals, user=user, address="10.0.0.1")
    assert field in caught.value.message_dict, caught.value.message_dict
    assert not Event.objects.exists()
    return " ".join(caught.value.message_dict[field])


def test_anonymous_submission_is_unconfirmed_and_mails_the_confirmation_link(leidse_regio, leiden):
    category = make_category(leidse_regio, "muziek")
    event = submit_event(leidse_regio, values(leiden, categories=[category]), address="10.0.0.1")
    assert event.moderation == Event.Moderation.UNCONFIRMED
    assert event.organiser is None and len(event.token) >= 40
    assert list(event.categories.all()) == [category]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cultuur@example.org"]
    assert f"/evenementen/bevestigen/{event.token}/" in mail.outbox[0].body
    confirmed = confirm_event(event.token)
    assert confirmed is not None and confirmed.moderation == Event.Moderation.PENDING
    assert confirm_event("onbekend") is None


def test_submission_with_an_account_waits_for_moderation(leidse_regio, leiden, leiden_editor):
    event = submit_event(leidse_regio, values(leiden), user=leiden_editor, address="x")
    assert event.moderation == Event.Moderation.PENDING
    assert event.organiser == leiden_editor
    assert mail.outbox == []


def test_html_in_the_description_is_sanitised(leidse_regio, leiden):
    hostile = '<p onclick="x()">Hallo<script>alert(1)</script> <a href="javascript:x()">k</a></p>'
    event = submit_event(leidse_regio, values(leiden, description=hostile), address="a")
    assert "script" not in event.description and "onclick" not in event.description
    assert "javascript" not in event.description
    assert event.description.startswith("<p>Hallo")


def test_end_before_start_is_refused(leidse_regio, leiden):
    message = refused(leidse_regio, values(leiden, end=local(2026, 10, 3, 19)), "end")
    assert "Einde" in message and "voor het begin" in message


def test_municipality_of_another_region_is_refused(leidse_regio, kustregio, leiden):
    elsewhere = Municipality.objects.filter(region=kustregio).first()
    message = refused(leidse_regio, values(elsewhere), "municipality")
    assert "hoort niet bij deze regio" in message


def test_no_municipality_and_no_place_is_refused(leidse_regio):
    assert "Gemeente" in refused(leidse_regio, values(None), "municipality")


def test_venue_outside_the_region_is_allowed_and_flagged(leidse_regio):
    event = submit_event(leidse_regio, values(None, place_outside_region="Den Haag"), address="a")
    assert event.outside_region and event.place_outside_region == "Den Haag"


def test_invalid_recurrence_is_refused(leidse_regio, leiden):
    message = refused(leidse_regio, values(leiden, recurrence="FREQ=SOMETIMES"), "recurrence")
    assert "Herhaling" in message
    event = submit_event(
        leidse_regio, values(leiden, recurrence="RRULE:FREQ=WEEKLY;COUNT=4"), address="a"
    )
    assert event.recurrence == "FREQ=WEEKLY;COUNT=4"


def test_a_real_image_with_alt_text_is_stored(leidse_regio, leiden):
    upload = SimpleUploadedFile("foto.gif", png_bytes(), content_type="image/gif")
    event = submit_event(
        leidse_regio, values(leiden, image=upload, image_alt="Het park"), address="a"
    )
    assert event.image_format == "png"
    assert event.image.name.endswith(".png") and str(event.uid) in event.image.name


def test_an_image_needs_alt_text(leidse_regio, leiden):
    upload = SimpleUploadedFile("foto.png", png_bytes())
    assert "Tekstalternatief" in refused(leidse_regio, values(leiden, image=upload), "image_alt")


def test_a_text_file_named_png_is_refused(leidse_regio, leiden):
    upload = SimpleUploadedFile("foto.png", b"dit is geen plaatje", content_type="image/png")
    message = refused(leidse_regio, values(leiden, image=upload, image_alt="x"), "image")
    assert "geen afbeelding" in message


def test_a_gif_is_refused(leidse_regio, leiden):
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, "GIF")
    upload = SimpleUploadedFile("foto.gif", buffer.getvalue())
    assert "JPEG" in refused(leidse_regio, values(leiden, image=upload, image_alt="x"), "image")


def test_a_too_large_image_is_refused_before_reading_it(leidse_regio, leiden, settings):
    settings.EVENTS_IMAGE_MAX_BYTES = 1000
    upload = SimpleUploadedFile("foto.png", png_bytes((200, 200)) + b"\0" * 2000)
    message = refused(leidse_regio, values(leiden, image=upload, image_alt="x"), "image")
    assert "te groot" in message and "MB" in message


def test_a_decompression_bomb_is_refused(leidse_regio, leiden):
    upload = SimpleUploadedFile("bom.png", png_header_only(100_000, 100_000))
    message = refused(leidse_regio, values(leiden, image=upload, image_alt="x"), "image")
    assert "beeldpunten" in message


def test_rate_limit_per_address_for_anonymous_submissions(leidse_regio, leiden, settings):
    settings.EVENTS_PER_HOUR = 2
    for _ in range(2):
        submit_event(leidse_regio, values(leiden), address="10.9.9.9")
    with pytest.raises(TooManySubmissions):
        submit_event(leidse_regio, values(leiden), address="10.9.9.9")
    assert Event.objects.count() == 2
    submit_event(leidse_regio, values(leiden), address="10.9.9.8")


def test_form_guards_when_asked(leidse_regio, leiden):
    with pytest.raises(ValidationError):
        submit_event(
            leidse_regio,
            values(leiden, website="http://spam.example"),
            address="a",
            check_form_guards=True,
        )
    assert not Event.objects.exists()


def test_small_change_keeps_a_published_event_published(leidse_regio, leiden):
    event = make_event(leidse_regio, municipality=leiden, description="<p>Een concert.</p>")
    saved, back = update_event(
        event,
        {"description": "<p><strong>Een</strong>  concert.</p>", "url": "https://example.org/b"},
        user=None,
        expected_version=event.version,
    )
    assert not back and saved.moderation == Event.Moderation.PUBLISHED
    assert saved.sequence == event.sequence + 1 and saved.url == "https://example.org/b"
    assert saved.version == event.version + 1


@pytest.mark.parametrize(
    "change",
    [
        {"start": local(2026, 10, 4, 20), "end": local(2026, 10, 4, 22)},
        {"venue": "Pieterskerk"},
        {"title": "Winterconcert"},
        {"status": Event.Status.CANCELLED},
        {"description": "<p>Een ander verhaal.</p>"},
    ],
)
def test_substantial_change_sends_a_published_event_back(leidse_regio, leiden, change):
    event = make_event(
        leidse_regio,
        municipality=leiden,
        start=local(2026, 10, 3, 20),
        description="<p>Een concert.</p>",
    )
    saved, back = update_event(event, change, user=None, expected_version=event.version)
    assert back and saved.moderation == Event.Moderation.PENDING
    assert saved.sequence == 1


def test_many_to_many_change_bumps_sequence(leidse_regio, leiden):
    event = make_event(leidse_regio, municipality=leiden)
    audience = make_audience(leidse_regio, "jongeren")
    saved, back = update_event(
        event, {"audiences": [audience]}, user=None, expected_version=event.version
    )
    assert not back and saved.sequence == 1 and list(saved.audiences.all()) == [audience]


def test_stale_version_is_refused(leidse_regio, leiden):
    event = make_event(leidse_regio, municipality=leiden)
    update_event(event, {"title": "Eerste"}, user=None, expected_version=event.version)
    with pytest.raises(EditConflict):
        update_event(event, {"title": "Tweede"}, user=None, expected_version=event.version)
    assert Event.objects.get().title == "Eerste"


def test_bad_edit_stores_nothing(leidse_regio, leiden):
    event = make_event(leidse_regio, municipality=leiden, title="Origineel")
    with pytest.raises(ValidationError) as caught:
        update_event(
            event,
            {"title": "Nieuw", "end": event.start.replace(year=2000)},
            user=None,
            expected_version=event.version,
        )
    assert "end" in caught.value.message_dict
    assert Event.objects.get().title == "Origineel"


def test_an_edit_replaces_keeps_or_removes_the_image(leidse_regio, leiden):
    first = SimpleUploadedFile("a.png", png_bytes())
    event = submit_event(
        leidse_regio, values(leiden, image=first, image_alt="Het park"), address="a"
    )
    kept, _ = update_event(
        event, {"image": event.image, "url": ""}, user=None, expected_version=event.version
    )
    assert kept.image.name == event.image.name
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3)).save(buffer, "WEBP")
    webp = SimpleUploadedFile("b.webp", buffer.getvalue())
    replaced, back = update_event(
        kept, {"image": webp, "image_alt": "Het plein"}, user=None, expected_version=kept.version
    )
    assert replaced.image_format == "webp" and replaced.image.name.endswith(".webp")
    assert replaced.image_alt == "Het plein" and not back
    removed, _ = update_event(
        replaced, {"image": False}, user=None, expected_version=replaced.version
    )
    assert not removed.image and removed.image_alt == ""
    with pytest.raises(ValidationError) as caught:
        update_event(
            removed,
            {"image": SimpleUploadedFile("c.png", b"nep")},
            user=None,
            expected_version=removed.version,
        )
    assert "image" in caught.value.message_dict
