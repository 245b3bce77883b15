"""A real clamd for the upload tests, with one locally built signature: the EICAR test string.

Signature updates cannot be downloaded here (and need not be): `sigtool --hex-dump` turns the
EICAR string into a body signature (.ndb) that matches it anywhere in a file, so it can hide in
a CSV row or a PNG's text chunk as well as stand alone. One clamd serves the whole session; it
starts in well under a second with one signature."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

# The standard antivirus test file (eicar.org), in two halves so that this source file is not
# itself taken for it.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR" + rb"-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Regioagenda.Test.EICAR"
CLAMD = "/usr/sbin/clamd"
START_SECONDS = 30


def _skip(reason: str) -> NoReturn:
    pytest.skip(f"clamd kon niet starten: {reason}")


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The unix socket of a running clamd that knows only the EICAR signature."""
    sigtool = shutil.which("sigtool")
    if not Path(CLAMD).exists() or sigtool is None:
        _skip(f"{CLAMD} of sigtool is niet geïnstalleerd (Debian: clamav-daemon, clamav)")
    # A short path: a unix socket's path may not be longer than some 100 bytes.
    folder = Path(tmp_path_factory.mktemp("clamd"))
    hexdump = (
        subprocess.run(  # noqa: S603  # a fixed local program on our own bytes
            [str(sigtool), "--hex-dump"], input=EICAR, capture_output=True, check=True, timeout=30
        )
        .stdout.decode()
        .strip()
    )
    (folder / "eicar.ndb").write_text(f"{SIGNATURE}:0:*:{hexdump}\n")
    sock = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"LocalSocket {sock}",
                f"DatabaseDirectory {folder}",
                f"LogFile {folder / 'clamd.log'}",
                "LogSyslog no",
                "Foreground yes",
                # Started as root, clamd would switch to the "clamav" user, who cannot read
                # this folder; started as anyone else it stays who it is.
                *(["User root"] if os.geteuid() == 0 else []),
                "StreamMaxLength 30M",
                "",
            ]
        )
    )
    output = folder / "clamd.out"
    try:
        with output.open("wb") as sink:
            process = subprocess.Popen(  # noqa: S603  # a fixed local program, our config
                [CLAMD, "-c", str(config)], stdout=sink, stderr=subprocess.STDOUT
            )
    except OSError as error:
        _skip(str(error))
    started = time.monotonic()
    try:
        while not _answers(sock):
            if process.poll() is not None:
                said = output.read_text(errors="replace")[-500:]
                _skip(f"clamd stopte met code {process.returncode}: {said}")
            if time.monotonic() - started > START_SECONDS:
                _skip(f"geen antwoord op {sock} binnen {START_SECONDS} seconden")
            time.sleep(0.05)
        yield sock
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(2)
            connection.connect(str(sock))
            connection.sendall(b"zPING\0")
            return connection.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture
def scanner(settings, clamd_socket: Path) -> Path:
    """Uploads in this test are scanned by the session's clamd."""
    settings.CLAMD_SOCKET = str(clamd_socket)
    settings.CLAMD_ADDRESS = ""
    return clamd_socket
