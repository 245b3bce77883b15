"""A corpus of hostile files against every upload: each is refused with a Dutch message on the
upload's field, nothing is stored (no row, no file) and nothing fails with a server error.

The requests are built by hand (`multipart`), because Django's test client sends only a file
name's last part and a browser can be made to send anything. A name is never refused for what
it is: Django keeps only its last part before a view sees it, and every upload is stored under
a generated name (a hash or a random id) with the original name, cleaned, as metadata only.
"""

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from PIL import Image, PngImagePlugin

from regioagenda.core.tests.conftest import EICAR
from regioagenda.events.models import Event
from regioagenda.events.tests.test_submit_views import form_data
from regioagenda.meetings.edit_views import store_agenda_document
from regioagenda.meetings.models import AgendaDocument, AgendaItem
from regioagenda.meetings.tests.factories import make_meeting
from regioagenda.monitor import import_forms
from regioagenda.monitor.models import ImportRun
from regioagenda.proposals.documents import DocumentRefused, store_document
from regioagenda.proposals.models import ProposalDocument
from regioagenda.proposals.tests.factories import make_proposal

pytestmark = pytest.mark.django_db

WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(50) + b"PE\x00\x00"
# A page that would run script if a browser rendered it; the commas make it pass for CSV's
# first line.
HTML = b'<!DOCTYPE html><html lang="nl"><body onload="alert(1, 2)"><script>x=1;</script>'
TEXT = b"Notitie over de regionale woningbouwafspraken, met de planning voor 2027.\n"
CSV_HEADER = (
    b"indicator,gebied,periode_begin,periode_einde,periode,waarde,bron,tabel,bron_url,"
    b"opgehaald_op,toelichting\n"
)
CSV = CSV_HEADER + b"inwoners,GM0546,2024-01-01,,1 januari 2024,127100,CBS,03759ned,,2026-07-02,\n"
LIMIT = 4096  # the size limit while these tests run


def png(comment: bytes = b"") -> bytes:
    info = PngImagePlugin.PngInfo()
    if comment:
        info.add_text("Comment", comment.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header claims `width` by `height` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))
        )

    header = struct.pack("!IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(64)))
        + chunk(b"IEND", b"")
    )


def zip_bomb(parts: dict[str, bytes], big: str, megabytes: int) -> bytes:
    """A small ZIP with the given parts and one part of `megabytes` MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        with archive.open(big, "w") as entry:
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                entry.write(block)
    return buffer.getvalue()


@functools.cache
def docx_bomb() -> bytes:
    return zip_bomb(
        {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>"},
        "word/document.xml",
        20,
    )


@functools.cache
def xlsx_bomb() -> bytes:
    # Over the import's limit on the unpacked size (100 MB), some 100 kB packed.
    return zip_bomb(
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"},
        "xl/worksheets/sheet1.xml",
        101,
    )


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body with the file names exactly as given (UTF-8, unescaped)."""
    boundary = "----regioagenda-hostile-corpus"
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        )
        body.write(value.encode() + b"\r\n")
    for field, file_name, content in files:
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        )
        body.write(content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


@dataclass
class Endpoint:
    """One upload form, as the corpus drives it."""

    key: str
    url: str
    client: Client
    field: str  # the file's field name in the POST
    form: str  # the form's name in the template context
    fields: dict[str, str]
    extension: str  # an extension the form expects
    valid: bytes  # a file the form accepts
    bomb: tuple[str, bytes]
    stored_rows: Callable[[], int]
    folders: list[Path]

    def post(self, *files: tuple[str, bytes]):
        body, content_type = multipart(self.fields, [(self.field, n, c) for n, c in files])
        cache.clear()  # the events form counts submissions per address
        return self.client.post(self.url, body, content_type=content_type)

    def stored_files(self) -> list[Path]:
        return [
            p
            for folder in self.folders
            if folder.exists()
            for p in folder.rglob("*")
            if p.is_file()
        ]

    def errors(self, response) -> list[str]:
        form = response.context[self.form]
        name = self.field.removeprefix("bestand-")
        return [str(message) for message in form.errors.get(name, [])]


ENDPOINTS = ["voorstel-document", "agenda-document", "evenement-afbeelding", "monitor-import"]


@pytest.fixture(params=ENDPOINTS)
def endpoint(request, settings, tmp_path, leidse_regio, leiden, leiden_editor) -> Endpoint:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.EVENTS_PER_HOUR = 1000
    folders = [settings.MEDIA_ROOT, settings.VAR_DIR]
    client = Client()
    if request.param == "voorstel-document":
        proposal = make_proposal(leiden)
        client.force_login(leiden_editor)
        return Endpoint(
            request.param, reverse("proposals:upload", args=[proposal.pk]), client, "file", "form",
            {}, ".pdf", TEXT, ("bom.docx", docx_bomb()), ProposalDocument.objects.count, folders,
        )  # fmt: skip
    if request.param == "agenda-document":
        meeting = make_meeting(leidse_regio, organiser=leiden)
        item = AgendaItem.objects.create(meeting=meeting, title="Punt")
        client.force_login(leiden_editor)
        return Endpoint(
            request.param,
            reverse("meetings:upload", kwargs={"pk": meeting.pk, "item_pk": item.pk}),
            client, "file", "form", {"title": "Stuk"}, ".pdf", TEXT,
            ("bom.docx", docx_bomb()), AgendaDocument.objects.count, folders,
        )  # fmt: skip
    if request.param == "evenement-afbeelding":
        fields = {k: str(v) for k, v in form_data(leiden, image_alt="Een foto").items()}
        return Endpoint(
            request.param, reverse("events:submit"), client, "image", "form", fields, ".jpg",
            png(), ("bom.png", png_claiming(50_000, 50_000)), Event.objects.count, folders,
        )  # fmt: skip
    coordinator = request.getfixturevalue("coordinator")
    client.force_login(coordinator)
    return Endpoint(
        request.param, "/monitor/importeren/", client, "bestand-file", "upload_form",
        {"soort": "bestand", "bestand-dry_run": "on"}, ".csv", CSV,
        ("cijfers.xlsx", xlsx_bomb()), ImportRun.objects.count, folders,
    )  # fmt: skip


def corpus(endpoint: Endpoint) -> list[tuple[str, str, bytes]]:
    """(what it is, file name, content) of every hostile file but the oversized one."""
    ext = endpoint.extension
    return [
        ("a Windows program with a good extension", f"rapport{ext}", WINDOWS_PROGRAM),
        ("a web page with a good extension", f"pagina{ext}", HTML),
        ("a Windows program with a double extension", "rapport.pdf.exe", WINDOWS_PROGRAM),
        ("a web page with a double extension", "foto.jpg.html", HTML),
        ("a path up the tree", f"../../etc/passwd{ext}", HTML),
        ("a Windows path up the tree", f"..\\..\\x{ext}", HTML),
        ("an absolute path", f"/etc/cron.d/taak{ext}", HTML),
        ("NUL and control characters", f"rap\x00port\x1b[31m{ext}", HTML),
        ("a name longer than a file system allows", "a" * 300 + ext, HTML),
        ("a decompression bomb", *endpoint.bomb),
    ]


def test_a_name_too_long_to_parse_gets_a_dutch_page_and_nothing_is_stored(endpoint):
    # Django reads at most 1024 bytes of a part's headers; a browser never sends such a name.
    response = endpoint.post(("a" * 2000 + endpoint.extension, endpoint.valid))
    assert response.status_code == 400
    assert "kortere bestandsnaam" in response.content.decode()
    assert endpoint.stored_rows() == 0
    assert endpoint.stored_files() == []


def assert_refused(endpoint: Endpoint, response, what: str) -> list[str]:
    assert response.status_code < 500, what
    assert response.status_code in (200, 400), (what, response.status_code)
    errors = endpoint.errors(response)
    assert errors, f"{endpoint.key}: {what} was not refused"
    assert endpoint.stored_rows() == 0, what
    assert endpoint.stored_files() == [], what
    return errors


def test_every_hostile_file_is_refused_on_its_field_and_nothing_is_stored(endpoint):
    for what, name, content in corpus(endpoint):
        response = endpoint.post((name, content))
        errors = assert_refused(endpoint, response, what)
        # Dutch, and about this upload (none of Django's generic English texts).
        assert not any("file" in error.lower() for error in errors), (what, errors)


def test_a_file_over_the_limit_is_refused_with_the_limit_in_the_message(
    endpoint, settings, monkeypatch
):
    settings.PROPOSAL_DOCUMENT_MAX_BYTES = LIMIT
    settings.EVENTS_IMAGE_MAX_BYTES = LIMIT
    monkeypatch.setattr(import_forms, "MAX_UPLOAD_BYTES", LIMIT)
    padding = b"\n" * LIMIT
    content = (
        png(comment=b"x" * LIMIT)
        if endpoint.key == "evenement-afbeelding"
        else endpoint.valid + padding
    )
    response = endpoint.post((f"groot{endpoint.extension}", content))
    errors = assert_refused(endpoint, response, "a file over the limit")
    # The message gives the limit.
    assert any(unit in error for error in errors for unit in ("KB", "MB", "bytes")), errors


def test_too_many_files_in_one_request_get_a_dutch_page_and_nothing_is_stored(endpoint, settings):
    files = [
        (f"stuk-{n}{endpoint.extension}", endpoint.valid)
        for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    ]
    response = endpoint.post(*files)
    assert response.status_code == 400
    assert "te veel bestanden tegelijk" in response.content.decode()
    assert endpoint.stored_rows() == 0
    assert endpoint.stored_files() == []


def test_a_file_with_a_virus_is_refused_by_the_scanner(endpoint, scanner):
    infected = {
        "evenement-afbeelding": png(comment=EICAR),
        "monitor-import": CSV
        + b"inwoners,GM0547,2024-01-01,,2024,1,CBS,,,2026-07-02,"
        + EICAR
        + b"\n",
    }.get(endpoint.key, TEXT + EICAR)
    response = endpoint.post((f"bijlage{endpoint.extension.replace('.pdf', '.txt')}", infected))
    errors = assert_refused(endpoint, response, "EICAR")
    assert any("bevat een virus" in error for error in errors), errors


def test_a_good_file_with_a_hostile_name_is_stored_under_a_generated_name(endpoint):
    ext = {"evenement-afbeelding": ".png", "monitor-import": ".csv"}.get(endpoint.key, ".txt")
    response = endpoint.post((f"..\\..\\..\\etc/../x\x00y{ext}", endpoint.valid))
    assert response.status_code == 302, endpoint.errors(response) if response.context else response
    files = endpoint.stored_files()
    assert len(files) == 1
    stored = files[0]
    assert "etc" not in stored.parts and "x" not in stored.name
    # Inside the storage folders, under a name made here.
    assert any(folder in stored.parents for folder in endpoint.folders)


# -- reading: the size limit is applied before an upload is read whole --------------------------


class CountingStream(io.BytesIO):
    """An upload whose size is unknown (a stream) and that counts what is read from it."""

    name = "groot.txt"
    size = None

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_document_uploads_read_at_most_one_byte_over_the_limit(
    settings, leidse_regio, leiden, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.PROPOSAL_DOCUMENT_MAX_BYTES = LIMIT
    meeting = make_meeting(leidse_regio, organiser=leiden)
    item = AgendaItem.objects.create(meeting=meeting, title="Punt")
    for store in (
        lambda upload: store_document(make_proposal(leiden, number=f"RV {id(upload)}"), upload),
        lambda upload: store_agenda_document(item, "Stuk", upload),
    ):
        upload = CountingStream(TEXT * 10_000)
        with pytest.raises(DocumentRefused, match="groter dan"):
            store(upload)
        assert upload.bytes_read <= LIMIT + 1
