import datetime

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.cooperation.assessment import record_assessment
from regioagenda.cooperation.models import Comparison
from regioagenda.cooperation.tests.factories import grid, make_comparison

pytestmark = pytest.mark.django_db

URL = "/api/v1/regions/leidse-regio/cooperation-comparisons"


def test_api_keeps_scores_and_outcome_secret_until_closing(client: Client, leidse_regio, leiden):
    comparison = make_comparison(leidse_regio)
    record_assessment(
        comparison,
        municipality=leiden,
        by=make_user("redacteur", Membership.Role.EDITOR, municipality=leiden),
        scores=grid((8, 6, 4), (6, 7, 5), (3, 9, 9)),
        decision_reference="Geheim besluit 77",
    )
    listed = client.get(URL).json()
    assert listed["count"] == 1
    before = client.get(f"{URL}/{comparison.slug}").json()
    assert before["assessed"] == ["GM0546"]
    assert before["criteria"][0]["weight"] == 3
    assert before["agreement"] == "toekomstige-samenwerkingsvormen"
    assert before["outcomes"] is None and before["assessments"] is None
    assert "Geheim besluit 77" not in client.get(f"{URL}/{comparison.slug}").content.decode()

    Comparison.objects.filter(pk=comparison.pk).update(
        closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    after = client.get(f"{URL}/{comparison.slug}").json()
    assert after["outcomes"][0]["rule"] == "score-mean"
    assert after["outcomes"][0]["placements"][0]["position"] == 1
    (assessment,) = after["assessments"]
    assert assessment["decisionReference"] == "Geheim besluit 77"
    assert assessment["overall"]["1"] == pytest.approx(40 / 6)
    assert {"option": 3, "criterion": 2, "value": 9.0} in assessment["scores"]


def test_an_unknown_comparison_is_not_found(client: Client, leidse_regio):
    assert client.get(f"{URL}/bestaat-niet").status_code == 404
