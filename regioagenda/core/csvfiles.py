"""Read the CSV files that people export from a spreadsheet, for every import.

    read_limited(file, limit, name)   the bytes of a file, refused before reading past `limit`
    decode_text(data)                 UTF-8 (with or without a byte order mark) or Windows-1252
    csv_records(text)                 the records, with a comma or a semicolon between the columns

Dutch Excel saves "CSV (gescheiden door lijstscheidingsteken)" in Windows-1252 with a semicolon
and a decimal comma; "CSV UTF-8" adds a byte order mark; other tools write UTF-8 with commas.
All of them are read the same way, so that an accented name (Zoeterwoude-Dorp, Alkemadé) never
comes out garbled.
"""

import codecs
import csv
import io
import os
from pathlib import Path
from typing import IO

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DELIMITERS = (",", ";")


class FileTooLarge(ValueError):
    """The file is over the limit; the message is Dutch and names the file."""


def too_large_message(name: str, size: int | None, limit: int) -> str:
    if size is None:
        return _("%(file)s is groter dan %(limit)s; zo groot mag een import niet zijn.") % {
            "file": name,
            "limit": filesizeformat(limit),
        }
    return _("%(file)s is %(size)s; een import mag hoogstens %(limit)s zijn.") % {
        "file": name,
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def read_limited(file: IO[bytes] | bytes | Path | str, limit: int, name: str) -> bytes:
    """The whole file, unless it is larger than `limit`: then FileTooLarge, decided by the
    file's size on disk or by reading at most one byte past the limit, never the whole file."""
    if isinstance(file, bytes):
        data = file
    elif isinstance(file, (Path, str)):
        on_disk = os.stat(file).st_size
        if on_disk > limit:
            raise FileTooLarge(too_large_message(name, on_disk, limit))
        with open(file, "rb") as opened:
            data = opened.read(limit + 1)
    else:
        # An upload knows its size before it is read.
        declared = getattr(file, "size", None)
        if isinstance(declared, int) and declared > limit:
            raise FileTooLarge(too_large_message(name, declared, limit))
        data = file.read(limit + 1)
    if len(data) > limit:
        # Only a limit's worth was read: the size of the rest is not known, nor needed.
        known = len(data) if isinstance(file, bytes) else None
        raise FileTooLarge(too_large_message(name, known, limit))
    return data


def decode_text(data: bytes) -> str | None:
    """The text of a CSV file in UTF-8 (a byte order mark is dropped) or else Windows-1252;
    None when it is neither (UTF-16, a binary file)."""
    if b"\x00" in data:
        # UTF-16 or a binary file: Windows-1252 would read it as text full of NULs.
        return None
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # Five bytes have no character in Windows-1252; a file with one is something else.
        return None


def delimiter_of(text: str) -> str:
    """The delimiter the header line uses: a semicolon when it has more of those than commas."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def csv_records(text: str) -> list[list[str]]:
    """Every record of the file, stripped, empty lines included (as empty lists), so that a
    record's index plus one is the row number a spreadsheet shows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    return [[cell.strip() for cell in record] for record in reader]
