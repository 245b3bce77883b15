"""The coordinator's forms that start an import: a CSV or XLSX file, or a CBS table."""

import io
import zipfile
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from regioagenda.core import scanning
from regioagenda.core.csvfiles import decode_text
from regioagenda.core.forms import NLDesignFormMixin

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# An XLSX unpacks to some 5 to 20 times its size; a ZIP bomb to thousands. Python's zipfile
# never yields more than an entry's declared size, so the directory's sizes are a real bound.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
EXTENSIONS = (".csv", ".xlsx")
# A sniffed CSV must show one of these between its columns in the first line.
CSV_DELIMITERS = (",", ";")


def kind_of(name: str, head: bytes, whole: bytes) -> str | None:
    """ "csv" or "xlsx" when the content matches the extension, else None."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        if not head.startswith(b"PK\x03\x04"):
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(whole)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        return "xlsx" if {"[Content_Types].xml", "xl/workbook.xml"} <= names else None
    if suffix == ".csv":
        if b"\x00" in head or head.startswith(b"PK\x03\x04"):
            return None
        # A web page or XML file with a comma in its first line is no table of figures.
        if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
            return None
        try:
            text = head.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            # The head may cut a character in two; only an error before its end counts.
            if exc.start < len(head) - 4:
                # Not UTF-8: Windows-1252, as Dutch Excel saves a CSV, or no text at all.
                windows = decode_text(head)
                if windows is None:
                    return None
                text = windows
            else:
                text = head[: exc.start].decode("utf-8-sig")
        first_line = text.split("\n", 1)[0]
        return "csv" if any(d in first_line for d in CSV_DELIMITERS) else None
    return None


def unpacks_too_far(whole: bytes) -> bool:
    """Whether a ZIP (an XLSX) would unpack to more than MAX_UNPACKED_BYTES or has more than
    MAX_ZIP_ENTRIES entries, by its directory, before anything is unpacked."""
    if not whole.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(whole)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        return False
    return (
        len(entries) > MAX_ZIP_ENTRIES
        or sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES
    )


class UploadForm(NLDesignFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_(
            "Een CSV-bestand (UTF-8, komma of puntkomma) of een XLSX-bestand van hoogstens "
            "5 MB, met de kolommen indicator, gebied, periode_begin, periode_einde, periode, "
            "waarde, bron, tabel, bron_url, opgehaald_op en toelichting."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(
        label=_("Proefrun: laat zien wat er zou veranderen, zonder iets op te slaan"),
        required=False,
        initial=True,
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = upload.name or ""
        if Path(name).suffix.lower() not in EXTENSIONS:
            raise ValidationError(
                _("Kies een CSV- of XLSX-bestand; ‘%(name)s’ is dat niet."),
                code="extension",
                params={"name": name},
            )
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("Het bestand is %(size)s; het mag hoogstens %(limit)s zijn."),
                code="size",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_UPLOAD_BYTES),
                },
            )
        upload.seek(0)
        whole = upload.read()
        upload.seek(0)
        if not whole.strip():
            raise ValidationError(_("Het bestand is leeg."), code="empty")
        if unpacks_too_far(whole):
            raise ValidationError(
                _(
                    "‘%(name)s’ pakt uit tot meer dan %(limit)s of bevat te veel onderdelen; "
                    "zo groot is een werkmap met cijfers niet."
                ),
                code="zip_bomb",
                params={"name": name, "limit": filesizeformat(MAX_UNPACKED_BYTES)},
            )
        if kind_of(name, whole[:4096], whole) is None:
            raise ValidationError(
                _(
                    "De inhoud van ‘%(name)s’ is geen %(kind)s. Sla het bestand op als CSV "
                    "(UTF-8) of als Excel-werkmap (.xlsx)."
                ),
                code="content",
                params={"name": name, "kind": Path(name).suffix.lstrip(".").upper()},
            )
        if reason := scanning.refusal(whole, name=name):
            raise ValidationError(reason, code="virus")
        return upload


class CbsTableForm(NLDesignFormMixin, forms.Form):
    table = forms.ChoiceField(
        label=_("CBS-tabel"),
        help_text=_("De tabellen waaruit de indicatoren van de regio hun cijfers halen."),
    )
    dry_run = forms.BooleanField(
        label=_("Proefrun: laat zien wat er zou veranderen, zonder iets op te slaan"),
        required=False,
    )

    def __init__(self, *args: Any, tables: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["table"].choices = [(t, t) for t in tables]  # type: ignore[attr-defined]
