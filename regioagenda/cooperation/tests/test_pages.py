import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from regioagenda.accounts.models import Membership
from regioagenda.cooperation.assessment import record_assessment
from regioagenda.cooperation.models import Assessment, Comparison
from regioagenda.cooperation.tests.factories import grid, make_comparison
from regioagenda.regions.models import Municipality

pytestmark = pytest.mark.django_db


def enter(comparison, municipality, rows, reference="Raadsbesluit 2026/7"):  # type: ignore[no-untyped-def]
    user = make_user(
        f"redacteur-{municipality.slug}", Membership.Role.EDITOR, municipality=municipality
    )
    return record_assessment(
        comparison,
        municipality=municipality,
        by=user,
        scores=grid(*rows),
        decision_reference=reference,
    )


def close_now(comparison: Comparison) -> None:
    Comparison.objects.filter(pk=comparison.pk).update(
        closes_at=timezone.now() - datetime.timedelta(hours=1)
    )


def form_data(rows, municipality, reference="Raadsbesluit Leiden 2026/12"):  # type: ignore[no-untyped-def]
    data = {"municipality": municipality.pk, "decision_reference": reference, "decision_url": ""}
    for option, row in enumerate(rows, start=1):
        for criterion, value in enumerate(row, start=1):
            data[f"cijfer_{option}_{criterion}"] = str(value)
    return data


def test_list_shows_the_comparisons_of_the_region(client: Client, leidse_regio):
    make_comparison(leidse_regio)
    page = client.get(reverse("cooperation:list")).content.decode()
    assert "Toekomstige samenwerkingsvormen" in page
    assert 'href="/samenwerkingsvormen/toekomstige-samenwerking/"' in page


def test_page_shows_options_criteria_and_rule_but_keeps_scores_secret_until_closing(
    client: Client, leidse_regio, leiden
):
    comparison = make_comparison(leidse_regio)
    enter(comparison, leiden, [(8, 6, 4), (6, 7, 5), (3, 9, 9)], reference="Geheim besluit 77")
    page = client.get(comparison.get_absolute_url()).content.decode()
    assert "Lichte samenwerking op basis van afspraken." in page
    assert "Uitleg bij democratische legitimiteit." in page
    assert "gemiddeld cijfer, elke gemeente één stem" in page
    assert "Per onderwerp nemen we het gemiddelde cijfer" in page  # the rule's explanation
    assert "Leiden: beoordeeld op" in page
    assert "Geheim besluit 77" not in page
    assert "Uitkomst volgens de vastgelegde telregel" not in page

    close_now(comparison)
    closed = client.get(comparison.get_absolute_url()).content.decode()
    assert "Geheim besluit 77" in closed
    assert "Uitkomst volgens de vastgelegde telregel" in closed
    assert "Het oordeel van elke gemeente" in closed
    assert "6,67" in closed  # Leiden's overall score for the covenant, (3·8 + 2·6 + 4) / 6


def test_result_page_query_count_does_not_grow_with_assessments(
    client: Client, leidse_regio, django_assert_max_num_queries
):
    comparison = make_comparison(leidse_regio)
    municipalities = list(Municipality.objects.order_by("code"))
    enter(comparison, municipalities[0], [(8, 6, 4), (6, 7, 5), (3, 9, 9)])
    close_now(comparison)
    with django_assert_max_num_queries(14) as few:
        client.get(comparison.get_absolute_url())
    Comparison.objects.filter(pk=comparison.pk).update(
        closes_at=timezone.now() + datetime.timedelta(days=1)
    )
    for offset, municipality in enumerate(municipalities[1:], start=1):
        enter(comparison, municipality, [(offset, 6, 4), (6, offset, 5), (3, 9, offset)])
    close_now(comparison)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(comparison.get_absolute_url())
    assert response.status_code == 200


def test_editor_enters_the_assessment_through_the_form(client: Client, leidse_regio, leiden):
    comparison = make_comparison(leidse_regio)
    client.force_login(make_user("redacteur", Membership.Role.EDITOR, municipality=leiden))
    form = client.get(reverse("cooperation:assess", args=[comparison.slug])).content.decode()
    assert "Convenant — democratische legitimiteit" in form
    assert "<legend" in form
    response = client.post(
        reverse("cooperation:assess", args=[comparison.slug]),
        form_data([(8, 6, 4), (6, 7, 5), (3, 9, 9)], leiden),
    )
    assert response.status_code == 302
    assert Assessment.objects.get().scores.count() == 9


def test_the_form_names_a_missing_score_and_stores_nothing(client: Client, leidse_regio, leiden):
    comparison = make_comparison(leidse_regio)
    client.force_login(make_user("redacteur", Membership.Role.EDITOR, municipality=leiden))
    data = form_data([(8, 6, 4), (6, 7, 5), (3, 9, 9)], leiden)
    data["cijfer_2_3"] = ""
    response = client.post(reverse("cooperation:assess", args=[comparison.slug]), data)
    assert response.status_code == 400
    assert (
        "Geef een cijfer voor “Gemeenschappelijke regeling — kosten”." in response.content.decode()
    )
    assert not Assessment.objects.exists()


def test_a_visitor_or_an_editor_outside_the_comparison_gets_no_form(
    client: Client, leidse_regio, leiden
):
    comparison = make_comparison(leidse_regio)
    comparison.participants.remove(leiden)
    url = reverse("cooperation:assess", args=[comparison.slug])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_user("redacteur", Membership.Role.EDITOR, municipality=leiden))
    assert client.get(url).status_code == 403
