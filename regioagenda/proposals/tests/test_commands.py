"""manage.py suggest_impact: JSON on standard output, Dutch messages and exit 2 on bad input."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import execute_from_command_line
from django.db import connections

pytestmark = pytest.mark.django_db

TEXT = (
    "Zienswijze op de begroting van de ODWH. De nieuwe fietsroute loopt door de Stevenshof "
    "naar Zoeterwoude-Rijndijk; we bouwen ook sociale huurwoningen."
)


@pytest.fixture(autouse=True)
def connection_kept_open(monkeypatch):
    # Run from the command line, a command closes every database connection when it ends,
    # which on PostgreSQL would end the test's transaction mid-test.
    monkeypatch.setattr(connections, "close_all", lambda: None)


def run(*arguments: str) -> None:
    execute_from_command_line(["manage.py", "suggest_impact", *arguments])


def test_prints_one_json_object_with_the_keys_of_the_issue(leidse_regio, tmp_path, capsys):
    path = tmp_path / "voorstel.txt"
    path.write_text(TEXT, encoding="utf-8")

    run("--municipality", "GM0547", "--region", "leidse-regio", str(path))

    out = capsys.readouterr().out
    result = json.loads(out)
    assert list(result) == ["themes", "topics", "municipalities", "bodies", "regional"]
    for key in ("themes", "topics"):
        assert result[key], key
        for item in result[key]:
            assert set(item) == {"slug", "score", "reasons"}
            assert 0 <= item["score"] <= 1
        scores = [item["score"] for item in result[key]]
        assert scores == sorted(scores, reverse=True)
    assert {m["code"]: m["name"] for m in result["municipalities"]} == {
        "GM0546": "Leiden",
        "GM0638": "Zoeterwoude",
    }
    assert all(set(m) == {"code", "name", "reasons"} for m in result["municipalities"])
    assert [b["name"] for b in result["bodies"]] == ["Omgevingsdienst West-Holland"]
    assert set(result["bodies"][0]) == {"name", "reasons"}
    assert set(result["regional"]) == {"value", "score", "reasons"}
    assert result["regional"]["value"] is True


def test_reads_standard_input_and_never_names_the_own_municipality(
    leidse_regio, monkeypatch, capsys
):
    monkeypatch.setattr("sys.stdin", io.StringIO(TEXT))

    run("--municipality", "GM0546", "-")

    result = json.loads(capsys.readouterr().out)
    assert [m["code"] for m in result["municipalities"]] == ["GM0638"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--municipality", "GM9999"], "Gemeente 'GM9999' hoort niet bij regio 'leidse-regio'"),
        (["--municipality", "GM0546", "--region", "nergens"], "Regio 'nergens' bestaat niet."),
    ],
)
def test_an_unknown_municipality_or_region_exits_2_with_a_dutch_message(
    leidse_regio, tmp_path, capsys, arguments, message
):
    path = tmp_path / "voorstel.txt"
    path.write_text(TEXT, encoding="utf-8")

    with pytest.raises(SystemExit) as exit:
        run(*arguments, str(path))

    assert exit.value.code == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_a_missing_or_unreadable_file_exits_2(leidse_regio, tmp_path: Path, capsys):
    with pytest.raises(SystemExit) as exit:
        run("--municipality", "GM0546", str(tmp_path / "weg.txt"))
    assert exit.value.code == 2
    assert "bestaat niet" in capsys.readouterr().err

    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café in Leiderdorp".encode("latin-1"))
    with pytest.raises(SystemExit) as exit:
        run("--municipality", "GM0546", str(latin))
    assert exit.value.code == 2
    captured = capsys.readouterr()
    assert "UTF-8" in captured.err
    assert captured.out == ""


def test_a_broken_document_exits_2_with_the_reason(leidse_regio, tmp_path, capsys):
    fake = tmp_path / "voorstel.pdf"
    fake.write_bytes(b"%PDF-1.4 en verder niets")

    with pytest.raises(SystemExit) as exit:
        run("--municipality", "GM0546", str(fake))

    assert exit.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "voorstel.pdf" in captured.err
    assert "PDF" in captured.err
