"""A file over the limit is refused, in Dutch, before it is read: by its size on disk (the
commands), by the size of the upload (the web form), or after one byte past the limit (a
stream of unknown size). The files here refuse to be read whole, so reading them fails the test."""

import io

import pytest
from django.core.files.uploadedfile import UploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from regioagenda.core import csvfiles
from regioagenda.monitor import import_forms, importing
from regioagenda.proposals import importing as proposal_importing

GIGABYTE = 1024**3


class Unreadable(io.RawIOBase):
    """A stream that hands out at most `allowed` bytes, and fails a test that asks for more."""

    def __init__(self, allowed: int) -> None:
        self.allowed = allowed

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0 or size > self.allowed:
            raise AssertionError(f"read({size}) would read the whole file")
        return b"x" * size


@pytest.fixture
def no_opening(monkeypatch):
    """Opening a file to read it fails the test: its size must be enough to refuse it."""

    def refuse(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(csvfiles, "open", refuse, raising=False)


def sparse_file(path, size: int = GIGABYTE):
    """A file of `size` bytes that takes no room on disk (and long to read)."""
    with path.open("wb") as file:
        file.truncate(size)
    return path


def test_a_stream_over_the_limit_is_refused_after_one_byte_more(monkeypatch):
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 1000)

    rows, problems = importing.read_rows(Unreadable(allowed=1001), "cijfers.csv")

    assert rows == []
    assert problems == [
        "cijfers.csv is groter dan 1000\xa0bytes; zo groot mag een import niet zijn."
    ]


def test_the_command_refuses_a_gigabyte_by_its_size(leidse_regio, tmp_path, no_opening):
    path = sparse_file(tmp_path / "cijfers.csv")

    with pytest.raises(CommandError) as refusal:
        call_command("import_observations", str(path))

    assert "cijfers.csv is 1,0\xa0GB; een import mag hoogstens 50,0\xa0MB zijn." in str(
        refusal.value
    )


def test_the_proposals_command_refuses_a_gigabyte_by_its_size(leidse_regio, tmp_path, no_opening):
    path = sparse_file(tmp_path / "export.csv")

    with pytest.raises(CommandError) as refusal:
        call_command("import_proposals", str(path))

    assert "export.csv is 1,0\xa0GB; een import mag hoogstens 20,0\xa0MB zijn." in str(
        refusal.value
    )
    assert proposal_importing.MAX_FILE_BYTES == 20 * 1024 * 1024


def test_a_file_of_the_limit_exactly_is_read(monkeypatch, tmp_path):
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 200)
    content = b"indicator,gebied,periode_begin,periode,waarde,bron\n"
    path = tmp_path / "cijfers.csv"
    path.write_bytes(content + b"inwoners,GM0546,2024-01-01,2024,1,CBS\n".ljust(200 - len(content)))

    rows, problems = importing.read_rows(path, path.name)

    assert problems == []
    assert len(rows) == 1


def test_the_web_form_refuses_a_large_upload_by_its_size():
    upload = UploadedFile(Unreadable(allowed=0), name="cijfers.csv", size=GIGABYTE)

    form = import_forms.UploadForm({}, {"bestand-file": upload}, prefix="bestand")

    assert not form.is_valid()
    assert form.errors["file"] == ["Het bestand is 1,0\xa0GB; het mag hoogstens 5,0\xa0MB zijn."]
