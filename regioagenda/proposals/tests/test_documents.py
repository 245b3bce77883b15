"""Uploads of a proposal's documents: good files give their text, broken and hostile ones are
refused with a Dutch message and leave nothing behind. Every test file is made here."""

import base64
import datetime
import hashlib
import io
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableRow
from odf.text import H, P
from PIL import Image
from pypdf import PdfReader, PdfWriter

from regioagenda.proposals import documents
from regioagenda.proposals.documents import (
    DOCX,
    ODT,
    PDF,
    SCAN_NOTE,
    TEXT,
    DocumentRefused,
    clean_name,
    extract_text,
    normalise_text,
    store_document,
)
from regioagenda.proposals.models import Proposal, ProposalDocument

# -- the files ---------------------------------------------------------------------------------


def text_pdf(*pages: str) -> bytes:
    html = "".join(f"<p style='break-before: page'>{page}</p>" for page in pages)
    return weasyprint.HTML(string=html).write_pdf()


def noise(size: int, seed: int) -> bytes:
    """Bytes that look random and are the same every run."""
    return hashlib.shake_256(str(seed).encode()).digest(size)


def png(width: int = 300, height: int = 200) -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (width, height), "#d8d8d8").save(picture, "PNG")
    return picture.getvalue()


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that are only pictures, as a scanner makes them."""
    source = f"data:image/png;base64,{base64.b64encode(png()).decode()}"
    html = "".join(
        f"<img style='display: block; break-before: page' src='{source}'>" for _ in range(pages)
    )
    return weasyprint.HTML(string=html).write_pdf()


def encrypted(pdf: bytes, user_password: str, owner_password: str | None = None) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password, owner_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def word(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def replace_entry(package: bytes, entry: str, content: bytes) -> bytes:
    """The ZIP package with one entry's content replaced, the others as they were."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = content if info.filename == entry else source.read(info)
            target.writestr(info, data, compress_type=info.compress_type)
    return out.getvalue()


def odt(*paragraphs: str, heading: str = "", table: list[list[str]] | None = None) -> bytes:
    document = OpenDocumentText()
    if heading:
        document.text.addElement(H(outlinelevel=1, text=heading))
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    if table:
        grid = Table(name="Tabel1")
        for cells in table:
            row = TableRow()
            for text in cells:
                cell = TableCell()
                cell.addElement(P(text=text))
                row.addElement(cell)
            grid.addElement(row)
        document.text.addElement(grid)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def zip_bomb_docx(unpacked_megabytes: int = 200) -> bytes:
    """A 'DOCX' whose document.xml unpacks to a lot of zeros; written in chunks, so the test
    never holds the unpacked bytes."""
    out = io.BytesIO()
    megabyte = bytes(1024 * 1024)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(unpacked_megabytes):
                entry.write(megabyte)
    return out.getvalue()


def lying_zip_docx() -> bytes:
    """A 'DOCX' whose directory says document.xml is 1 kB while it unpacks to 5 MB of zeros,
    which passes the ratio check: only the unpacking itself can tell."""
    out = io.BytesIO()
    real = 5 * 1024 * 1024
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", bytes(real))
    data = bytearray(out.getvalue())
    # The unpacked size sits at byte 22 of the local header and byte 24 of the directory entry.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if int.from_bytes(data[start + offset : start + offset + 4], "little") == real:
                data[start + offset : start + offset + 4] = (1024).to_bytes(4, "little")
            start += 4
    return bytes(data)


def spreadsheet() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Begroting regio"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ods() -> bytes:
    document = OpenDocumentSpreadsheet()
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


EXTERNAL_ENTITY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
)
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(50) + b"PE\x00\x00"


# -- the setting -------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def proposal(leidse_regio, leiden) -> Proposal:
    return Proposal.objects.create(
        municipality=leiden,
        body="raad",
        number="RV 26.0042",
        title="Regionale woonagenda Holland Rijnland",
        date=datetime.date(2026, 3, 2),
    )


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def assert_nothing_stored(media: Path) -> None:
    assert not ProposalDocument.objects.exists()
    assert stored_files(media) == []


# -- text normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("Bĳ de gemeente Zoeterwoude", "Bij de gemeente Zoeterwoude"),
        ("IJ en ĲMUIDEN", "IJ en IJMUIDEN"),
        ("de ﬁets en de ﬂat", "de fiets en de flat"),
        ("de gemeen-\nteraad besluit", "de gemeenteraad besluit"),
        ("de gemeen- \n teraad", "de gemeenteraad"),
        # A capital after the hyphen is a name or a compound that keeps it.
        ("provincie Zuid-\nHolland", "provincie Zuid-\nHolland"),
        # "zorg- en welzijn" leaves a word part out: the hyphen stays.
        ("zorg-\nen welzijn", "zorg-\nen welzijn"),
        # A hyphen before a paragraph break ends the paragraph.
        ("een streep-\n\nnieuw", "een streep-\n\nnieuw"),
        ("veel   spaties\t\ten tabs", "veel spaties en tabs"),
        ("alinea één\n\n\n\n\nalinea twee", "alinea één\n\nalinea twee"),
        ("regel\r\nnog een regel\rlaatste", "regel\nnog een regel\nlaatste"),
        (
            "stuur\x07tekens\x00 en zacht\u00adafbreek\u200bteken",
            "stuurtekens en zachtafbreekteken",
        ),
        ("  rondom leeg  \n", "rondom leeg"),
        ("harde\u00a0spatie", "harde spatie"),
    ],
)
def test_normalise_text(raw, normalised):
    assert normalise_text(raw) == normalised


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\raad\\Voorstel woonagenda.docx", "Voorstel woonagenda.docx"),
        ("voor\x00stel\x1b[31m.pdf", "voorstel[31m.pdf"),
        ("rv\u202egpj.pdf", "rvgpj.pdf"),
        ("..", "document"),
        ("", "document"),
    ],
)
def test_clean_name_keeps_only_a_harmless_last_part(name, cleaned):
    assert clean_name(name) == cleaned


def test_clean_name_caps_the_length_and_keeps_the_extension():
    cleaned = clean_name("raadsvoorstel " * 40 + ".pdf")
    assert len(cleaned) <= 255
    assert cleaned.endswith("….pdf")


# -- good files --------------------------------------------------------------------------------


def test_a_pdf_gives_its_text_normalised_and_its_pages():
    extracted = extract_text(
        text_pdf(
            "Bĳ de gemeenteraad ligt een voorstel over de ﬁetsroute.",
            "Tweede pagina over woningbouw in Leiderdorp.",
            "Derde pagina over de bereikbaarheid van de regio.",
        ),
        "voorstel.pdf",
    )
    assert extracted.media_type == PDF
    assert extracted.pages == 3
    assert extracted.has_text
    assert extracted.note == ""
    assert "Bij de gemeenteraad" in extracted.text
    assert "fietsroute" in extracted.text
    assert "ĳ" not in extracted.text and "ﬁ" not in extracted.text
    assert (
        extracted.text.index("Bij") < extracted.text.index("Tweede") < extracted.text.index("Derde")
    )


def test_a_scanned_pdf_says_it_has_no_text():
    extracted = extract_text(scanned_pdf(pages=2), "scan.pdf")
    assert extracted.media_type == PDF
    assert extracted.pages == 2
    assert not extracted.has_text
    assert extracted.note == SCAN_NOTE


def test_a_pdf_with_some_scanned_pages_says_which_share():
    with_text = PdfReader(io.BytesIO(text_pdf("Een pagina met genoeg tekst om te lezen, echt.")))
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(scanned_pdf(pages=2))))
    writer.add_page(with_text.pages[0])
    out = io.BytesIO()
    writer.write(out)
    extracted = extract_text(out.getvalue(), "gemengd.pdf")
    assert extracted.has_text
    assert extracted.pages == 3
    assert "2 van de 3" in extracted.note


def test_a_pdf_that_only_restricts_use_is_read():
    pdf = encrypted(text_pdf("Alleen afdrukken is beperkt in dit voorstel."), "", "eigenaar")
    extracted = extract_text(pdf, "beperkt.pdf")
    assert "afdrukken is beperkt" in extracted.text


def test_a_docx_gives_its_paragraphs_and_table_cells_in_order():
    extracted = extract_text(
        word(
            "Raadsvoorstel regionale woonagenda",
            "De gemeente Katwijk en de gemeente Noordwijk werken samen.",
            table=[["Gemeente", "Woningen"], ["Leiden", "1200"], ["Oegstgeest", "350"]],
        ),
        "voorstel.docx",
    )
    assert extracted.media_type == DOCX
    assert extracted.pages is None
    assert extracted.has_text
    assert "De gemeente Katwijk en de gemeente Noordwijk werken samen." in extracted.text
    assert "Leiden | 1200" in extracted.text
    assert "Oegstgeest | 350" in extracted.text
    assert extracted.text.index("Raadsvoorstel") < extracted.text.index("Oegstgeest")


def test_a_docx_is_normalised_too():
    extracted = extract_text(word("Bĳlage: ﬁnanciële paragraaf"), "bijlage.docx")
    assert extracted.text == "Bijlage: financiële paragraaf"


def test_an_odt_gives_its_headings_paragraphs_and_table_cells():
    extracted = extract_text(
        odt(
            "Het college stelt de raad voor de regionale energiestrategie vast te stellen.",
            "Bĳ de uitvoering zĳn Kaag en Braassem en Teylingen betrokken.",
            heading="Regionale energiestrategie",
            table=[["Gemeente", "Opwek"], ["Leiderdorp", "12 GWh"]],
        ),
        "voorstel.odt",
    )
    assert extracted.media_type == ODT
    assert extracted.has_text
    paragraphs = extracted.text.split("\n\n")
    assert paragraphs[0] == "Regionale energiestrategie"
    assert "Bij de uitvoering zijn Kaag en Braassem en Teylingen betrokken." in paragraphs
    assert "Leiderdorp" in paragraphs and "12 GWh" in paragraphs


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Voorstel over de Oude Rijn, café en coöperatie.".encode(), "café en coöperatie"),
        ("Voorstel over de Oude Rijn, café en coöperatie.".encode("cp1252"), "café en coöperatie"),
        ("\ufeffMet een byte order mark: één.".encode(), "Met een byte order mark: één."),
        (b"MZ staat hier voor Midden-Zeeland.", "Midden-Zeeland"),
    ],
)
def test_a_text_file_in_utf8_or_windows_1252_is_read(data, expected):
    extracted = extract_text(data, "voorstel.txt")
    assert extracted.media_type == TEXT
    assert expected in extracted.text
    assert "\ufeff" not in extracted.text


def test_the_type_is_decided_by_the_content_not_the_name():
    assert extract_text(word("Een Word-document"), "voorstel.pdf").media_type == DOCX
    assert extract_text(text_pdf("Een PDF-document"), "voorstel.txt").media_type == PDF
    assert extract_text(b"Gewoon tekst", "voorstel.docx").media_type == TEXT


def test_extracted_text_is_capped(monkeypatch):
    monkeypatch.setattr(documents, "MAX_TEXT_CHARS", 1000)
    extracted = extract_text(("regionale samenwerking " * 200).encode(), "lang.txt")
    assert len(extracted.text) == 1000
    assert "1.000 tekens" in extracted.note


# -- broken and hostile files ------------------------------------------------------------------


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(DocumentRefused) as refused:
        extract_text(data, name)
    return str(refused.value)


@pytest.mark.parametrize(
    ("make", "name", "says"),
    [
        (lambda: b"", "leeg.pdf", "„leeg.pdf” is leeg"),
        (lambda: text_pdf("Een voorstel")[:2000], "afgebroken.pdf", "onvolledige PDF"),
        (
            lambda: text_pdf("Een voorstel")[:1500] + b"\n%%EOF\n",
            "kapot.pdf",
            "beschadigde PDF",
        ),
        (lambda: b"%PDF-1.7\n%%EOF\n", "leeg-skelet.pdf", "„leeg-skelet.pdf” is een"),
        (lambda: noise(20_000, 6), "ruis.pdf", "binair bestand"),
        (
            lambda: b"<!DOCTYPE html><html><body>Voorstel</body></html>",
            "pagina.pdf",
            "HTML- of XML-bestand",
        ),
        (lambda: b"  <html><script>alert(1)</script>", "pagina.docx", "HTML- of XML-bestand"),
        (lambda: WINDOWS_PROGRAM, "voorstel.pdf", "Windows-programma"),
        (lambda: WINDOWS_PROGRAM, "voorstel.docx", "Windows-programma"),
        (lambda: png(), "foto.pdf", "PNG-afbeelding"),
        (lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(100), "foto.pdf", "JPEG-afbeelding"),
        (lambda: b"{\\rtf1\\ansi Voorstel}", "voorstel.txt", "RTF-bestand"),
        (lambda: b"Voorstel\x00met\x00nul", "voorstel.txt", "NUL-tekens"),
        (lambda: "Voorstel".encode("utf-16"), "voorstel.txt", "UTF-16"),
        (lambda: b" \n\t \n", "spaties.txt", "bevat geen tekst"),
        (lambda: spreadsheet(), "begroting.docx", "Excel-werkmap"),
        (lambda: ods(), "begroting.odt", "OpenDocument-bestand van een andere soort"),
        (
            lambda: replace_entry(odt("Tekst"), "content.xml", b"<office:document-content"),
            "kapot.odt",
            "beschadigd",
        ),
        (
            lambda: word("Tekst")[:3000],
            "afgebroken.docx",
            "„afgebroken.docx” is een beschadigd ZIP-bestand",
        ),
        (
            lambda: replace_entry(word("Tekst"), "word/document.xml", b"<w:document><w:body>"),
            "kapot.docx",
            "„kapot.docx” is",
        ),
    ],
)
def test_a_file_that_is_not_a_readable_document_is_refused(make, name, says):
    message = refusal(make(), name)
    assert says in message
    assert f"„{name}”" in message


def test_an_encrypted_pdf_is_refused():
    message = refusal(encrypted(text_pdf("Vertrouwelijk voorstel"), "geheim"), "geheim.pdf")
    assert message.startswith("„geheim.pdf” is beveiligd met een wachtwoord")


def test_a_pdf_with_too_many_pages_is_refused(monkeypatch):
    monkeypatch.setattr(documents, "MAX_PDF_PAGES", 2)
    message = refusal(text_pdf("een", "twee", "drie"), "dik.pdf")
    assert "„dik.pdf” heeft 3 pagina's; het maximum is 2." in message


def test_a_zip_bomb_dressed_as_docx_is_refused_from_its_directory(monkeypatch):
    bomb = zip_bomb_docx(200)
    assert len(bomb) < 1024 * 1024  # the test itself stays small
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *args, **kw: opened.append(args))
    message = refusal(bomb, "bom.docx")
    assert "„bom.docx” pakt uit tot meer dan" in message
    assert opened == []  # refused before anything was unpacked


def test_a_zip_bomb_under_the_total_is_refused_for_its_ratio():
    message = refusal(zip_bomb_docx(20), "bom.docx")
    assert "„bom.docx” is verdacht sterk ingepakt" in message


def test_a_zip_that_lies_about_its_sizes_is_refused_while_unpacking():
    assert "beschadigd" in refusal(lying_zip_docx(), "leugen.docx")


def test_unpacking_counts_the_real_bytes_against_the_cap(monkeypatch):
    # The directory's sizes passed; what the entries really yield is counted again.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w/>" + b" " * 300_000)
        archive.writestr("word/media/plaatje.bin", noise(300_000, 8))
    monkeypatch.setattr(documents, "MAX_ZIP_UNPACKED_BYTES", 500_000)
    with zipfile.ZipFile(out) as archive:
        unpacking = documents._Unpacking(archive, "groot.docx")
        assert len(unpacking.read(archive.getinfo("word/document.xml"))) == 300_004
        with pytest.raises(DocumentRefused, match=re.escape("„groot.docx” pakt uit tot meer dan")):
            unpacking.read(archive.getinfo("word/media/plaatje.bin"))


def test_a_zip_with_too_many_entries_is_refused(monkeypatch):
    monkeypatch.setattr(documents, "MAX_ZIP_ENTRIES", 10)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
        for number in range(20):
            archive.writestr(f"word/media/{number}.xml", "<x/>")
    assert "bestaat uit 22 delen" in refusal(out.getvalue(), "veel.docx")


def test_a_docx_with_an_external_entity_is_refused_without_reading_it():
    package = word("Tekst")
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        xml = archive.read("word/document.xml")
    hostile = EXTERNAL_ENTITY + xml.split(b"?>", 1)[1].replace(b"Tekst", b"&e;")
    message = refusal(replace_entry(package, "word/document.xml", hostile), "xxe.docx")
    assert "„xxe.docx” bevat XML met een DTD of entiteiten" in message
    assert "root:" not in message


def test_a_docx_with_an_entity_in_another_part_is_refused():
    package = word("Tekst")
    hostile = EXTERNAL_ENTITY + b"<Types>&e;</Types>"
    message = refusal(replace_entry(package, "[Content_Types].xml", hostile), "xxe.docx")
    assert "DTD of entiteiten" in message


def test_a_docx_that_points_to_an_external_dtd_is_refused():
    package = word("Tekst")
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        xml = archive.read("word/document.xml")
    hostile = (
        b'<!DOCTYPE w:document SYSTEM "http://example.invalid/x.dtd">' + xml.split(b"?>", 1)[1]
    )
    message = refusal(replace_entry(package, "word/document.xml", hostile), "dtd.docx")
    assert "„dtd.docx” bevat XML met een DTD of entiteiten" in message


def test_an_odt_with_an_entity_expansion_bomb_is_refused():
    package = odt("Tekst")
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        b"<office:text><text:p>&lol2;</text:p></office:text></office:body>"
        b"</office:document-content>"
    )
    message = refusal(replace_entry(package, "content.xml", laughs), "lol.odt")
    assert "„lol.odt” bevat XML met een DTD of entiteiten" in message


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.PROPOSAL_DOCUMENT_MAX_BYTES = 1000
    message = refusal(b"regionaal " * 200, "groot.txt")
    assert message.startswith("„groot.txt” is groter dan")
    assert extract_text(b"regionaal " * 50, "klein.txt").has_text


# -- storing -----------------------------------------------------------------------------------


def test_store_document_keeps_the_file_its_text_and_who_added_it(proposal, media, leiden_editor):
    pdf = text_pdf("Bĳ dit voorstel hoort een regionale paragraaf.", "Pagina twee.")
    upload = SimpleUploadedFile("Raadsvoorstel RV 26.0042.pdf", pdf, "application/pdf")
    document = store_document(proposal, upload, name=upload.name, by=leiden_editor)

    document.refresh_from_db()
    assert document.proposal == proposal
    assert document.name == "Raadsvoorstel RV 26.0042.pdf"
    assert document.media_type == PDF
    assert document.size == len(pdf)
    assert document.pages == 2
    assert document.has_text
    assert "Bij dit voorstel" in document.text
    assert document.uploaded_by == leiden_editor
    assert document.file.name == f"voorstellen/{proposal.pk}/{document.sha256}"
    assert stored_files(media) == [media / document.file.name]
    assert (media / document.file.name).read_bytes() == pdf
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()


def test_store_document_takes_bytes_and_keeps_a_scan_with_its_note(proposal, media):
    document = store_document(proposal, scanned_pdf(), name="scan.pdf", by=None)
    document.refresh_from_db()
    assert not document.has_text
    assert document.note == SCAN_NOTE
    assert document.pages == 2


def test_a_hostile_name_is_cleaned_and_never_a_path(proposal, media, tmp_path):
    document = store_document(
        proposal, b"Voorstel over de Rijnlandroute.", name="../../etc/pass\x1bwd.pdf", by=None
    )
    assert document.name == "passwd.pdf"
    assert document.file.name == f"voorstellen/{proposal.pk}/{document.sha256}"
    assert [path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file()] == [
        Path("media") / document.file.name
    ]


def test_the_same_file_twice_on_one_proposal_is_refused(proposal, media):
    package = word("Voorstel")
    store_document(proposal, package, name="voorstel.docx", by=None)
    with pytest.raises(DocumentRefused, match=re.escape("„kopie.docx” hoort al bij dit voorstel")):
        store_document(proposal, package, name="kopie.docx")
    assert ProposalDocument.objects.count() == 1
    assert len(stored_files(media)) == 1


HOSTILE_UPLOADS = [
    ("leeg.txt", lambda: b""),
    ("afgebroken.pdf", lambda: text_pdf("Voorstel")[:2000]),
    ("ruis.pdf", lambda: noise(5000, 7)),
    ("programma.pdf", lambda: WINDOWS_PROGRAM),
    ("pagina.docx", lambda: b"<html><body>Voorstel</body></html>"),
    ("bom.docx", lambda: zip_bomb_docx(200)),
    ("geheim.pdf", lambda: encrypted(text_pdf("Geheim"), "geheim")),
    ("nul.txt", lambda: b"Voorstel\x00\x00"),
    ("begroting.docx", spreadsheet),
]


@pytest.mark.parametrize(("name", "make"), HOSTILE_UPLOADS, ids=[n for n, _ in HOSTILE_UPLOADS])
def test_a_refused_upload_leaves_nothing_behind(proposal, media, name, make):
    with pytest.raises(DocumentRefused, match=f"„{name}”"):
        store_document(proposal, SimpleUploadedFile(name, make()), name=name, by=None)
    assert_nothing_stored(media)


def test_an_upload_over_the_limit_is_read_no_further_than_one_byte_past_it(
    proposal, media, settings
):
    settings.PROPOSAL_DOCUMENT_MAX_BYTES = 1000
    stream = io.BytesIO(b"regionaal " * 100_000)
    upload = UploadedFile(stream, name="groot.txt", size=None)
    with pytest.raises(DocumentRefused, match=re.escape("„groot.txt” is groter dan")):
        store_document(proposal, upload, by=None)
    assert stream.tell() == 1001
    assert_nothing_stored(media)


def test_an_upload_that_declares_its_size_over_the_limit_is_not_read(proposal, media, settings):
    settings.PROPOSAL_DOCUMENT_MAX_BYTES = 1000
    stream = io.BytesIO(b"regionaal " * 1000)
    with pytest.raises(DocumentRefused, match="groter dan"):
        store_document(proposal, UploadedFile(stream, name="groot.txt", size=10_000), by=None)
    assert stream.tell() == 0
    assert_nothing_stored(media)


def test_a_failure_after_the_file_was_written_removes_the_file(proposal, media, monkeypatch):
    written = []
    original_save = ProposalDocument.save

    def failing_save(self, *args, **kwargs):
        written.extend(stored_files(media))
        original_save(self, *args, **kwargs)
        raise RuntimeError("de database viel weg")

    monkeypatch.setattr(ProposalDocument, "save", failing_save)
    with pytest.raises(RuntimeError):
        store_document(proposal, b"Voorstel over de Oude Rijn.", name="voorstel.txt", by=None)
    assert len(written) == 1  # the file was there before the row failed
    assert_nothing_stored(media)
