"""The OpenAPI document meets the NL API Design Rules, and the API keeps to it."""

import json
import subprocess
from pathlib import Path

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from regioagenda.wsgi import application

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


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# Every request with a NUL character is refused before it reaches an operation (400, see
# core/middleware.py and its test); generating them would only test that refusal again.
schema.config.generation.update(allow_x00=False)


# A bounded run for every test: 25 cases per operation, with both regions loaded so that
# found and not-found answers are both exercised.
@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_keeps_to_its_schema(case, connection_kept_open, leidse_regio, kustregio):
    case.call_and_validate()
