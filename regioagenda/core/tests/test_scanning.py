"""The virus scanner against a real clamd (see conftest.py), and what happens without one."""

import io
import logging
from pathlib import Path

import pytest
from django.core import checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from regioagenda.core import scanning
from regioagenda.core.tests.conftest import EICAR, SIGNATURE
from regioagenda.proposals.models import ProposalDocument
from regioagenda.proposals.tests.factories import make_proposal

UNREACHABLE = "De virusscanner is niet bereikbaar; probeer het later opnieuw."
CLEAN = b"Notitie over de regionale woningbouwafspraken, met de planning voor 2027."


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def upload_as_editor(db, leiden, leiden_editor, media):
    proposal = make_proposal(leiden)
    client = Client()
    client.force_login(leiden_editor)

    def upload(name: str, content: bytes):
        return client.post(
            reverse("proposals:upload", args=[proposal.pk]),
            {"file": SimpleUploadedFile(name, content)},
        )

    return upload


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def test_clamd_names_the_test_signature_and_passes_a_clean_file(scanner):
    assert scanning.scan(EICAR) == scanning.ScanResult(
        scanned=True, signature=f"{SIGNATURE}.UNOFFICIAL"
    )
    assert scanning.scan(b"Vergaderstukken" + EICAR + b" staan hier").infected
    assert scanning.scan(CLEAN) == scanning.ScanResult(scanned=True)


def test_a_stream_is_scanned_to_its_end_and_put_back_where_it_was(scanner):
    stream = io.BytesIO(b"kop\n" + b"x" * 200_000 + EICAR)
    stream.seek(4)
    assert scanning.scan(stream).infected
    assert stream.tell() == 4


def test_an_upload_with_the_eicar_string_is_refused_in_dutch_and_nothing_is_stored(
    scanner, upload_as_editor, media
):
    response = upload_as_editor("notitie.txt", b"Zie de bijlage.\n" + EICAR)
    assert response.status_code == 400
    message = response.context["form"].errors["file"][0]
    assert message.startswith("„notitie.txt” bevat een virus (")
    assert "niet opgeslagen" in message
    assert not ProposalDocument.objects.exists()
    assert stored_files(media) == []


def test_a_clean_upload_passes_the_scanner_and_is_stored(scanner, upload_as_editor, media):
    response = upload_as_editor("notitie.txt", CLEAN)
    assert response.status_code == 302
    document = ProposalDocument.objects.get()
    assert document.name == "notitie.txt"
    assert len(stored_files(media)) == 1


def test_a_configured_scanner_that_cannot_be_reached_refuses_the_upload(
    settings, tmp_path, upload_as_editor, media
):
    settings.CLAMD_SOCKET = str(tmp_path / "geen-clamd.sock")
    response = upload_as_editor("notitie.txt", CLEAN)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [UNREACHABLE]
    assert not ProposalDocument.objects.exists()
    assert stored_files(media) == []


def test_a_scanner_address_where_nothing_listens_refuses_too(settings):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_ADDRESS = "127.0.0.1:1"
    assert scanning.refusal(CLEAN, name="notitie.txt") == UNREACHABLE


def test_without_a_scanner_uploads_pass_unscanned_and_the_deploy_check_says_so(settings, caplog):
    settings.CLAMD_SOCKET = settings.CLAMD_ADDRESS = ""
    with caplog.at_level(logging.WARNING, logger="regioagenda.core.scanning"):
        assert scanning.scan(EICAR) == scanning.ScanResult(scanned=False)
        assert scanning.refusal(CLEAN, name="notitie.txt") == ""
    assert caplog.records == []  # no line per upload
    deploy_messages = [
        message.msg
        for message in checks.run_checks(tags=["security"], include_deployment_checks=True)
    ]
    assert any("off" in message for message in deploy_messages)
    settings.CLAMD_SOCKET = "/run/clamav/clamd.ctl"
    assert "/run/clamav/clamd.ctl" in scanning.describe_configuration()
