"""Scan uploads for viruses with ClamAV's daemon (clamd), when one is configured.

    scan(data)                  bytes or a binary stream → ScanResult; ScannerUnavailable
    refusal(data, name=…)       the Dutch reason to refuse an upload, or "" to accept it

clamd is reached over a unix socket (`CLAMD_SOCKET`, from `REGIOAGENDA_CLAMD_SOCKET`) or TCP
(`CLAMD_ADDRESS`, "host:port", from `REGIOAGENDA_CLAMD_ADDRESS`). With neither, scanning is off;
`manage.py check --deploy` says so (`core.apps.scanner_configuration`). With one, a scanner that
cannot be reached or answers with an error refuses the upload: the check fails closed.

The protocol is clamd's INSTREAM (see clamd(8)): the command "zINSTREAM\\0", then chunks each
preceded by their length as four bytes big-endian, a zero length to end, and one reply:
"stream: OK" or "stream: <signature> FOUND". The `clamd` package on PyPI does the same, but has
not been maintained since 2017. clamd refuses streams over its `StreamMaxLength` (default 25 MB)
with an error, so that setting must be at least the largest upload limit here.
"""

import io
import logging
import socket
import struct
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
DEFAULT_TIMEOUT_SECONDS = 30.0


class ScannerUnavailable(OSError):
    """clamd is configured but could not be reached or did not give a verdict."""


@dataclass(frozen=True)
class ScanResult:
    scanned: bool  # False when scanning is off
    signature: str = ""  # the virus found, if any

    @property
    def infected(self) -> bool:
        return bool(self.signature)


def is_configured() -> bool:
    return bool(getattr(settings, "CLAMD_SOCKET", "") or getattr(settings, "CLAMD_ADDRESS", ""))


def describe_configuration() -> str:
    """One line for the start-up log."""
    if path := getattr(settings, "CLAMD_SOCKET", ""):
        return f"Virus scanning of uploads with clamd at {path}."
    if address := getattr(settings, "CLAMD_ADDRESS", ""):
        return f"Virus scanning of uploads with clamd at {address}."
    return (
        "Virus scanning of uploads is off: set REGIOAGENDA_CLAMD_SOCKET or "
        "REGIOAGENDA_CLAMD_ADDRESS to scan them with clamd."
    )


def _connect() -> socket.socket:
    timeout = float(getattr(settings, "CLAMD_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
    if path := getattr(settings, "CLAMD_SOCKET", ""):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        try:
            connection.connect(path)
        except OSError:
            connection.close()
            raise
        return connection
    host, _sep, port = str(settings.CLAMD_ADDRESS).rpartition(":")
    return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)


def scan(data: bytes | IO[bytes]) -> ScanResult:
    """Send the upload to clamd and return its verdict. A stream is read from its current
    position to its end and put back where it was, if it can seek."""
    if not is_configured():
        return ScanResult(scanned=False)
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    start = stream.tell() if stream.seekable() else None
    try:
        with _connect() as connection:
            connection.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = _reply(connection)
    except (OSError, ValueError) as error:
        raise ScannerUnavailable(str(error)) from error
    finally:
        if start is not None:
            stream.seek(start)
    if reply == "stream: OK":
        return ScanResult(scanned=True)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return ScanResult(scanned=True, signature=reply[len("stream: ") : -len(" FOUND")])
    # "INSTREAM size limit exceeded. ERROR" and the like: no verdict.
    raise ScannerUnavailable(reply)


def _reply(connection: socket.socket) -> str:
    parts: list[bytes] = []
    while part := connection.recv(4096):
        parts.append(part)
        if part.endswith(b"\0"):
            break
    return b"".join(parts).rstrip(b"\0").decode("utf-8", "replace").strip()


def refusal(data: bytes | IO[bytes], *, name: str) -> str:
    """Why the upload `name` must be refused, in Dutch, or "" when the scanner passes it (or
    scanning is off)."""
    try:
        result = scan(data)
    except ScannerUnavailable as error:
        logger.warning("clamd could not scan an upload: %s", error)
        return _("De virusscanner is niet bereikbaar; probeer het later opnieuw.")
    if result.infected:
        logger.warning("clamd found %s in an upload", result.signature)
        return _("„%(name)s” bevat een virus (%(signature)s) en is niet opgeslagen.") % {
            "name": name,
            "signature": result.signature,
        }
    return ""
