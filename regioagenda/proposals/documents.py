"""A proposal's documents: what an upload is, its text, and the one way to store it.

    extract_text(data, name)             an upload's bytes → Extracted, or DocumentRefused
    store_document(proposal, upload, …)  check, extract and store one upload, all or nothing

An upload is a PDF, a DOCX, an ODT or a plain text file, and which one is decided by its content,
never by its name: a Windows program, a web page, a picture or a spreadsheet renamed `.pdf` is
refused. The name only appears in messages and, cleaned, as the document's name.

Every upload is hostile until read. The defences, each with a Dutch message naming the file:

- size: at most `PROPOSAL_DOCUMENT_MAX_BYTES` (default 25 MB); a larger upload is not even read
  further than one byte over the limit;
- ZIP formats (DOCX, ODT): the ZIP directory is checked before anything is unpacked (number of
  entries, total unpacked size, compression ratio), then every entry is unpacked as a stream that
  counts the bytes it really yields, so a directory that lies about sizes gains nothing; their
  XML may not declare a DTD or entities (Word and LibreOffice never write one; it is how XML
  external-entity and "billion laughs" attacks start);
- PDF: encrypted files (unless they open with the empty password), more than `MAX_PDF_PAGES`
  pages, a missing end (`%%EOF`, an interrupted upload) and every error pypdf raises on a broken
  file are refusals, never a server error;
- plain text: UTF-8 or else Windows-1252, no NUL bytes, (nearly) all characters printable, and no
  HTML, XML or RTF passing as text.

The time extraction takes is bounded by the size: the upload's size cap, pypdf's own limits on
decompressing streams and parsing content (pypdf.Configuration, left at its defaults), the page
cap, the unpacked-size cap for ZIPs, a cap of `MAX_TEXT_CHARS` characters of extracted text (the
rest is left out, with a note) and, as a last resort, a deadline of
`PROPOSAL_DOCUMENT_EXTRACT_SECONDS` (default 60) checked between pages and ZIP chunks.

Extracted text is normalised (`normalise_text`): Unicode NFKC (the Dutch `ĳ` ligature becomes
"ij", `ﬁ` becomes "fi"), words hyphenated across a line end joined again, runs of spaces
collapsed, paragraph breaks kept and control characters removed.
"""

import hashlib
import io
import re
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any
from xml.parsers import expat

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from regioagenda.core import scanning
from regioagenda.proposals.models import Proposal, ProposalDocument

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain"

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_EXTRACT_SECONDS = 60
MAX_PDF_PAGES = 2000
MAX_TEXT_CHARS = 5_000_000
# Word writes some 20 to 60 entries, LibreOffice a few more with pictures.
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNPACKED_BYTES = 100 * 1024 * 1024
# XML packs 5 to 30 times; a bomb of zeros a thousand times. Small entries may pack better,
# they cannot hurt.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# A page with fewer letters and digits than this is a picture (a scan, perhaps with a stamp or
# a page number). A PDF without any other page is a scan; a proposal with a scanned annex is not.
SCAN_CHARS_PER_PAGE = 25
# A text file may have a stray odd character, not more.
MAX_UNPRINTABLE_SHARE = 0.01
MAX_NAME_LENGTH = 255
CHUNK = 64 * 1024

SCAN_NOTE = gettext_noop("gescande PDF zonder tekst; plak de tekst of voeg een PDF met tekst toe")
NOTE_LENGTH = 300  # ProposalDocument.note


class DocumentRefused(ValueError):
    """An upload that is not stored; the message says why, in Dutch, naming the file."""


@dataclass(frozen=True)
class Extracted:
    media_type: str
    text: str
    pages: int | None
    has_text: bool
    note: str = ""


def max_bytes() -> int:
    return int(getattr(settings, "PROPOSAL_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _deadline() -> float:
    seconds = getattr(settings, "PROPOSAL_DOCUMENT_EXTRACT_SECONDS", DEFAULT_EXTRACT_SECONDS)
    return time.monotonic() + float(seconds)


# -- names -------------------------------------------------------------------------------------


def clean_name(name: str) -> str:
    """The name to show for an upload: its last path part, without control characters, at most
    MAX_NAME_LENGTH characters (the extension kept). Never a path to write to."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))
    name = re.split(r"[/\\]", name)[-1].strip().lstrip(".").strip()
    if not name:
        return _("document")
    if len(name) > MAX_NAME_LENGTH:
        suffix = PurePosixPath(name).suffix
        suffix = suffix if len(suffix) <= 10 else ""
        name = name[: MAX_NAME_LENGTH - len(suffix) - 1].rstrip() + "…" + suffix
    return name


def _refuse(message: str, name: str, **values: Any) -> DocumentRefused:
    return DocumentRefused(message % {"name": name, **values})


# -- text normalisation ------------------------------------------------------------------------

_LINE_ENDS = re.compile(r"\r\n?|[\u2028\x85]")
_PARAGRAPH_ENDS = re.compile(r"[\u2029\x0c]")
_SPACES = re.compile(r"[^\S\n]+")
_SPACE_AROUND_LINE_END = re.compile(r" ?\n ?")
_MANY_LINE_ENDS = re.compile(r"\n{3,}")
_HYPHENATED = re.compile(r"([^\W\d_])-\n([^\W\d_]+)")
# "zorg- en welzijn": the hyphen stands for a word part left out, it does not break a word.
_CONJUNCTIONS = {"en", "of", "tot", "noch", "als"}


def _join_hyphenated(match: re.Match[str]) -> str:
    before, word = match.group(1), match.group(2)
    if word[0].islower() and word not in _CONJUNCTIONS:
        return before + word
    return match.group(0)


def normalise_text(text: str) -> str:
    """Text as the suggestions and the search read it (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = _PARAGRAPH_ENDS.sub("\n\n", _LINE_ENDS.sub("\n", text))
    # Control and format characters (soft hyphens, zero-width spaces, byte order marks) carry
    # no text; tabs and line ends are kept for now as spacing.
    text = "".join(
        c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs")
    )
    text = _SPACES.sub(" ", text)
    text = _SPACE_AROUND_LINE_END.sub("\n", text)
    text = _HYPHENATED.sub(_join_hyphenated, text)
    text = _MANY_LINE_ENDS.sub("\n\n", text)
    return text.strip()


def _cap(text: str, note: str) -> tuple[str, str]:
    if len(text) <= MAX_TEXT_CHARS:
        return text, note
    capped = _("alleen de eerste %(count)s tekens van de tekst zijn bewaard") % {
        "count": f"{MAX_TEXT_CHARS:,}".replace(",", ".")
    }
    return text[:MAX_TEXT_CHARS], "; ".join(part for part in (note, capped) if part)


def _has_words(text: str, at_least: int = 1) -> bool:
    return sum(c.isalnum() for c in text) >= at_least


# -- what the upload is ------------------------------------------------------------------------

# Formats people upload by mistake or on purpose, recognised by their first bytes so that the
# refusal can say what the file seems to be.
_SIGNATURES: list[tuple[bytes, str]] = [
    # A Windows program's header has NUL bytes right away; a text may begin with "MZ".
    (b"MZ", gettext_noop("een Windows-programma")),
    (b"\x7fELF", gettext_noop("een programma")),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        gettext_noop("een oud Office-bestand (.doc, .xls of .ppt)"),
    ),
    (b"\xff\xd8\xff", gettext_noop("een JPEG-afbeelding")),
    (b"\x89PNG", gettext_noop("een PNG-afbeelding")),
    (b"GIF8", gettext_noop("een GIF-afbeelding")),
    (b"II*\x00", gettext_noop("een TIFF-afbeelding")),
    (b"MM\x00*", gettext_noop("een TIFF-afbeelding")),
    (b"Rar!", gettext_noop("een RAR-archief")),
    (b"7z\xbc\xaf", gettext_noop("een 7-Zip-archief")),
    (b"\x1f\x8b", gettext_noop("een gzip-archief")),
    (b"{\\rtf", gettext_noop("een RTF-bestand")),
]
_MARKUP = re.compile(rb"^\s*<(\?xml|!doctype|html|head|body|script|svg|!--)", re.IGNORECASE)


def _unsupported(name: str, seems: str) -> DocumentRefused:
    return _refuse(
        _(
            "„%(name)s” is %(seems)s, geen PDF-, DOCX-, ODT- of tekstbestand. "
            "Voeg het voorstel toe als PDF, DOCX, ODT of tekst."
        ),
        name,
        seems=seems,
    )


def extract_text(data: bytes, name: str) -> Extracted:
    """What the upload is, by its content, and its normalised text; DocumentRefused if it is
    not a PDF, DOCX, ODT or text file or fails one of the checks."""
    name = clean_name(name)
    if not data:
        raise _refuse(_("„%(name)s” is leeg."), name)
    if len(data) > max_bytes():
        raise _refuse(
            _("„%(name)s” is groter dan %(limit)s; voeg een kleiner bestand toe."),
            name,
            limit=filesizeformat(max_bytes()),
        )
    # Before anything parses it; every document upload (proposals, meetings, imports) passes here.
    if reason := scanning.refusal(data, name=name):
        raise DocumentRefused(reason)
    if data.startswith(b"%PDF-"):
        return _pdf(data, name)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_document(data, name)
    for signature, seems in _SIGNATURES:
        if data.startswith(signature) and (signature != b"MZ" or b"\x00" in data[:64]):
            raise _unsupported(name, _(seems))
    return _plain_text(data, name)


# -- PDF ---------------------------------------------------------------------------------------


def _pdf(data: bytes, name: str) -> Extracted:
    # Import here: pypdf is only needed when a PDF arrives.
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    broken = _("„%(name)s” is een beschadigde PDF en kan niet worden gelezen.")
    # An interrupted upload or copy loses the end; a PDF's last bytes say where it ends.
    if b"%%EOF" not in data[-2048:]:
        raise _refuse(
            _("„%(name)s” is een onvolledige PDF: het einde van het bestand ontbreekt."), name
        )
    deadline = _deadline()
    parts: list[str] = []
    empty_pages = 0
    length = 0
    # pypdf raises many kinds of error on a hostile or broken file (its own, but also KeyError,
    # ValueError, RecursionError, zlib errors…): whatever it raises, the upload is refused.
    locked = _(
        "„%(name)s” is beveiligd met een wachtwoord of versleuteld. Voeg een PDF zonder "
        "wachtwoord toe."
    )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        # A PDF that only restricts printing or copying opens with the empty password.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise _refuse(locked, name)
        pages = len(reader.pages)
        if pages > MAX_PDF_PAGES:
            raise _refuse(
                _("„%(name)s” heeft %(pages)s pagina's; het maximum is %(limit)s."),
                name,
                pages=pages,
                limit=MAX_PDF_PAGES,
            )
        for page in reader.pages:
            if time.monotonic() > deadline:
                raise _too_slow(name)
            page_text = normalise_text(page.extract_text() or "")
            if not _has_words(page_text, SCAN_CHARS_PER_PAGE):
                empty_pages += 1
            parts.append(page_text)
            length += len(page_text)
            if length > MAX_TEXT_CHARS:
                break
    except DocumentRefused:
        raise
    except DependencyError as error:
        # AES needs the cryptography package, which is not installed.
        raise _refuse(locked, name) from error
    except Exception as error:
        raise _refuse(broken, name) from error
    if pages == 0:
        raise _refuse(_("„%(name)s” is een PDF zonder pagina's."), name)
    text, note = _cap("\n\n".join(part for part in parts if part), "")
    if empty_pages == len(parts):
        return Extracted(PDF, text, pages, has_text=False, note=_(SCAN_NOTE))
    if empty_pages:
        note = "; ".join(
            part
            for part in (
                _("%(empty)s van de %(pages)s pagina's zonder tekst (gescand?)")
                % {"empty": empty_pages, "pages": pages},
                note,
            )
            if part
        )
    return Extracted(PDF, text, pages, has_text=True, note=note)


def _too_slow(name: str) -> DocumentRefused:
    return _refuse(
        _("Het lezen van „%(name)s” duurt te lang; voeg een kleiner of eenvoudiger bestand toe."),
        name,
    )


# -- ZIP formats: DOCX and ODT -----------------------------------------------------------------


class _Unpacking:
    """Reads entries of a ZIP that passed the directory checks, counting the bytes it really
    unpacks against the cap instead of trusting the sizes the directory declares."""

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.archive = archive
        self.name = name
        self.unpacked = 0
        self.deadline = _deadline()

    def chunks(self, entry: zipfile.ZipInfo) -> Iterator[bytes]:
        with self.archive.open(entry) as stream:
            while chunk := stream.read(CHUNK):
                self.unpacked += len(chunk)
                if self.unpacked > MAX_ZIP_UNPACKED_BYTES:
                    raise _zip_too_big(self.name)
                if time.monotonic() > self.deadline:
                    raise _too_slow(self.name)
                yield chunk

    def read(self, entry: zipfile.ZipInfo) -> bytes:
        return b"".join(self.chunks(entry))


def _zip_too_big(name: str) -> DocumentRefused:
    return _refuse(
        _(
            "„%(name)s” pakt uit tot meer dan %(limit)s; zo'n groot document wordt niet "
            "gelezen (mogelijk een ZIP-bom)."
        ),
        name,
        limit=filesizeformat(MAX_ZIP_UNPACKED_BYTES),
    )


def _check_zip_directory(archive: zipfile.ZipFile, name: str) -> None:
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _refuse(
            _("„%(name)s” bestaat uit %(count)s delen; meer dan %(limit)s wordt niet gelezen."),
            name,
            count=len(entries),
            limit=MAX_ZIP_ENTRIES,
        )
    if sum(entry.file_size for entry in entries) > MAX_ZIP_UNPACKED_BYTES:
        raise _zip_too_big(name)
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise _refuse(
                _("„%(name)s” is beveiligd met een wachtwoord. Voeg het zonder wachtwoord toe."),
                name,
            )
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_CHECKED_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise _refuse(
                _(
                    "„%(name)s” is verdacht sterk ingepakt (%(ratio)s keer); het wordt niet "
                    "uitgepakt (mogelijk een ZIP-bom)."
                ),
                name,
                ratio=int(ratio),
            )


class _DtdFound(Exception):
    pass


def _refuse_dtd(*args: object) -> int:
    raise _DtdFound


def _safe_xml_parser() -> Any:
    """An expat parser that refuses any DTD, and with it every entity declaration: XML in
    office documents never has one, and external or nested entities are how XML attacks
    start. (The standard library's own defences against them vary with the expat version.)"""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    return parser


def _parse_xml(parser: Any, chunks: Iterator[bytes], name: str) -> None:
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _DtdFound:
        raise _refuse(
            _(
                "„%(name)s” bevat XML met een DTD of entiteiten; dat komt in een gewoon "
                "document niet voor en wordt om veiligheidsredenen niet gelezen."
            ),
            name,
        ) from None


def _zip_document(data: bytes, name: str) -> Extracted:
    broken = _("„%(name)s” is een beschadigd ZIP-bestand en kan niet worden gelezen.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip_directory(archive, name)
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            unpacking = _Unpacking(archive, name)
            if entries and entries[0].filename == "mimetype":
                kind = unpacking.read(entries[0])[:200].strip()
                if kind == ODT.encode():
                    return _odt(archive, unpacking, name)
                if kind.startswith(b"application/vnd.oasis.opendocument."):
                    raise _unsupported(
                        name, _("een OpenDocument-bestand van een andere soort dan tekst")
                    )
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return _docx(data, archive, unpacking, name)
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                raise _unsupported(name, _("een Excel-werkmap"))
            if "[Content_Types].xml" in names and "ppt/presentation.xml" in names:
                raise _unsupported(name, _("een PowerPoint-presentatie"))
            raise _unsupported(name, _("een ZIP-archief"))
    except DocumentRefused:
        raise
    # A damaged archive fails in many ways: bad directory, bad CRC, truncated deflate data,
    # an unknown compression method, sizes that do not add up.
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise _refuse(broken, name) from error
    except (RuntimeError, ValueError, KeyError, expat.ExpatError) as error:
        raise _refuse(broken, name) from error


def _check_every_entry(archive: zipfile.ZipFile, unpacking: _Unpacking, name: str) -> None:
    """Unpack every entry once, as a stream, before python-docx reads the package: it reads
    entries whole, so their real size is known only this way. XML entries also go through
    the DTD-refusing parser."""
    for entry in archive.infolist():
        chunks = unpacking.chunks(entry)
        if entry.filename.endswith((".xml", ".rels")):
            _parse_xml(_safe_xml_parser(), chunks, name)
        else:
            for _chunk in chunks:
                pass


def _docx(data: bytes, archive: zipfile.ZipFile, unpacking: _Unpacking, name: str) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _check_every_entry(archive, unpacking, name)
    try:
        document = docx.Document(io.BytesIO(data))
    except DocumentRefused:
        raise
    except Exception as error:
        # python-docx refuses a package whose main part is not a Word document (a .docm, a
        # template, a renamed spreadsheet) with a ValueError, and raises KeyError and lxml
        # errors on a package that lacks parts or has broken XML.
        raise _refuse(_("„%(name)s” is geen leesbaar Word-document (DOCX)."), name) from error

    paragraphs: list[str] = []
    length = 0

    def add(text: str) -> None:
        nonlocal length
        if length <= MAX_TEXT_CHARS:
            paragraphs.append(text)
            length += len(text) + 2

    def walk(blocks: Iterator[Paragraph | Table], depth: int = 0) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                add(block.text)
            elif depth < 5:
                for row in block.rows:
                    seen: set[int] = set()
                    cells = []
                    for cell in row.cells:
                        # A merged cell appears once for every grid column it spans.
                        if id(cell._tc) in seen:
                            continue
                        seen.add(id(cell._tc))
                        if any(isinstance(inner, Table) for inner in cell.iter_inner_content()):
                            walk(cell.iter_inner_content(), depth + 1)
                        else:
                            cells.append(cell.text.replace("\n", " "))
                    add(" | ".join(text for text in cells if text.strip()))

    walk(document.iter_inner_content())
    text, note = _cap(normalise_text("\n\n".join(paragraphs)), "")
    if not _has_words(text):
        return Extracted(DOCX, text, None, has_text=False, note=_("document zonder tekst"))
    return Extracted(DOCX, text, None, has_text=True, note=note)


_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODT_PARAGRAPHS = {f"{_TEXT_NS} p", f"{_TEXT_NS} h"}
# Deleted text kept for tracked changes, comments and the note's number are not the text.
_ODT_SKIPPED = {
    f"{_TEXT_NS} tracked-changes",
    f"{_OFFICE_NS} annotation",
    f"{_TEXT_NS} note-citation",
}


class _OdtText:
    """Collects the paragraphs of an ODT's content.xml, handler by handler, as expat streams."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.open: list[list[str]] = []
        self.skipping = 0
        self.length = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if self.skipping or tag in _ODT_SKIPPED:
            self.skipping += 1
        elif tag in _ODT_PARAGRAPHS:
            self.open.append([])
        elif self.open and tag == f"{_TEXT_NS} s":
            count = attributes.get(f"{_TEXT_NS} c", "1")
            self.open[-1].append(" " * min(int(count) if count.isdigit() else 1, 100))
        elif self.open and tag == f"{_TEXT_NS} tab":
            self.open[-1].append("\t")
        elif self.open and tag == f"{_TEXT_NS} line-break":
            self.open[-1].append("\n")

    def end(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= 1
        elif tag in _ODT_PARAGRAPHS and self.open:
            text = "".join(self.open.pop())
            if self.length <= MAX_TEXT_CHARS:
                self.paragraphs.append(text)
                self.length += len(text) + 2

    def characters(self, data: str) -> None:
        if self.open and not self.skipping:
            self.open[-1].append(data)


def _odt(archive: zipfile.ZipFile, unpacking: _Unpacking, name: str) -> Extracted:
    try:
        content = archive.getinfo("content.xml")
    except KeyError:
        missing = _("„%(name)s” is een onvolledig ODT-bestand (content.xml ontbreekt).")
        raise _refuse(missing, name) from None
    collector = _OdtText()
    parser = _safe_xml_parser()
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.CharacterDataHandler = collector.characters
    try:
        _parse_xml(parser, unpacking.chunks(content), name)
    except expat.ExpatError as error:
        raise _refuse(
            _("„%(name)s” is een beschadigd ODT-bestand en kan niet worden gelezen."), name
        ) from error
    text, note = _cap(normalise_text("\n\n".join(collector.paragraphs)), "")
    if not _has_words(text):
        return Extracted(ODT, text, None, has_text=False, note=_("document zonder tekst"))
    return Extracted(ODT, text, None, has_text=True, note=note)


# -- plain text --------------------------------------------------------------------------------


def _plain_text(data: bytes, name: str) -> Extracted:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(
            _("„%(name)s” is tekst in UTF-16; sla het op als UTF-8 en voeg het opnieuw toe."),
            name,
        )
    if b"\x00" in data:
        raise _unsupported(name, _("een binair bestand (het bevat NUL-tekens)"))
    if _MARKUP.match(data[:1024].removeprefix(b"\xef\xbb\xbf")):
        raise _unsupported(name, _("een HTML- of XML-bestand"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise _unsupported(name, _("een binair bestand")) from None
    unprintable = sum(
        1
        for c in text
        if c == "\ufffd" or (unicodedata.category(c) in ("Cc", "Co") and c not in "\t\n\r\x0c")
    )
    if unprintable > MAX_UNPRINTABLE_SHARE * len(text):
        raise _unsupported(name, _("een binair bestand"))
    text, note = _cap(normalise_text(text), "")
    if not _has_words(text):
        raise _refuse(_("„%(name)s” bevat geen tekst."), name)
    return Extracted(TEXT, text, None, has_text=True, note=note)


# -- storing -----------------------------------------------------------------------------------


def _read_upload(upload: UploadedFile | bytes, name: str) -> bytes:
    limit = max_bytes()
    too_big = _refuse(
        _("„%(name)s” is groter dan %(limit)s; voeg een kleiner bestand toe."),
        name,
        limit=filesizeformat(limit),
    )
    if isinstance(upload, bytes | bytearray):
        if len(upload) > limit:
            raise too_big
        return bytes(upload)
    if upload.size is not None and upload.size > limit:
        raise too_big
    stream: IO[bytes] = upload  # type: ignore[assignment]  # UploadedFile proxies its file
    if stream.seekable():
        stream.seek(0)
    # One byte over the limit is enough to know; a size the client declared is not trusted.
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_big
    return data


def store_document(
    proposal: Proposal,
    upload: UploadedFile | bytes,
    *,
    name: str | None = None,
    by: Any = None,
) -> ProposalDocument:
    """Check, extract and store one document of `proposal`: the one write path for forms, the
    API and imports. Raises DocumentRefused (nothing stored) when the upload is not accepted.

    The file is written through the default storage under `voorstellen/<proposal>/<sha256>`
    and the row saved in one transaction; if the row cannot be saved the file is deleted again.
    (A rollback of a transaction around this call cannot reach the file: callers that wrap it
    should call it last.)"""
    if name is None:
        name = getattr(upload, "name", "") or ""
    shown = clean_name(name)
    data = _read_upload(upload, shown)
    extracted = extract_text(data, shown)
    sha256 = hashlib.sha256(data).hexdigest()
    duplicate = _("„%(name)s” hoort al bij dit voorstel.")
    if proposal.documents.filter(sha256=sha256).exists():
        raise _refuse(duplicate, shown)
    text, note = extracted.text, extracted.note
    document = ProposalDocument(
        proposal=proposal,
        name=shown,
        media_type=extracted.media_type,
        size=len(data),
        sha256=sha256,
        text=text,
        pages=extracted.pages,
        has_text=extracted.has_text,
        note=note[:NOTE_LENGTH],
        uploaded_by=by,
    )
    try:
        with transaction.atomic():
            document.file.save(shown, ContentFile(data), save=False)
            document.save()
    except BaseException as error:
        if document.file.name:
            document.file.storage.delete(document.file.name)
        if isinstance(error, IntegrityError) and (
            ProposalDocument.objects.filter(proposal=proposal, sha256=sha256).exists()
        ):
            # Someone stored the same file at the same moment.
            raise _refuse(duplicate, shown) from error
        raise
    return document
