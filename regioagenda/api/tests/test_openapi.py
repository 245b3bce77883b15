"""The OpenAPI document meets the NL API Design Rules (test_fuzz_roles.py checks that the API
keeps to it)."""

import json
import subprocess
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
RULESET = ROOT / "standards" / "nl-api-design-rules.linter.yaml"

pytestmark = pytest.mark.django_db


def test_openapi_passes_the_nl_api_design_rules_linter(client: Client, settings, tmp_path):
    settings.SITE_URL = "https://regio-agenda.example.nl"
    spec = tmp_path / "openapi.json"
    spec.write_text(client.get("/api/v1/openapi.json").content.decode())

    result = subprocess.run(  # noqa: S603 — fixed arguments, our own files
        [str(SPECTRAL), "lint", "--format", "json", "--quiet", "-r", str(RULESET), str(spec)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    findings = json.loads(result.stdout or "[]")
    problems = [f"{f['code']}: {f['message']} at {'.'.join(map(str, f['path']))}" for f in findings]
    assert problems == []
