"""The budget cycle: which councils still owe a view, and the forms that record it."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from conftest import make_user
from regioagenda.accounts.models import Membership, User
from regioagenda.regions.models import Municipality
from regioagenda.registry.models import BudgetRequest, BudgetView, Participation
from regioagenda.registry.tests.factories import decide, join, make_body, make_budget_request

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0), tick=False):
        yield


@pytest.fixture
def voorschoten(leidse_regio) -> Municipality:
    return Municipality.objects.get(code="GM0626")


@pytest.fixture
def voorschoten_editor(voorschoten):
    return make_user("redacteur-voorschoten", Membership.Role.EDITOR, municipality=voorschoten)


@pytest.fixture
def body(leidse_regio, leiden, oegstgeest, voorschoten):
    """Leiden throughout; Oegstgeest left mid-2026; Voorschoten joined mid-2027; Katwijk outside."""
    body = make_body(leidse_regio, "gr-test", name="GR Test")
    join(body, leiden, started_on=datetime.date(2015, 1, 1))
    join(body, oegstgeest, started_on=datetime.date(2015, 1, 1), ended_on=datetime.date(2026, 7, 1))
    join(body, voorschoten, started_on=datetime.date(2027, 7, 1))
    join(body, outside_name="Katwijk")
    return body


def _page(client: Client, query: str = "") -> str:
    response = client.get(reverse("registry:budgets") + query)
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def _row(section: str, title: str) -> str:
    return section.split(title, 1)[1].split("</tr>", 1)[0]


# Reading -------------------------------------------------------------------------------------


def test_councils_that_took_part_in_the_budget_year_and_have_not_decided_still_owe_a_view(
    client: Client, body, leiden
):
    make_budget_request(
        body, year=2027, title="Ontwerpbegroting 2027", sent_on=datetime.date(2026, 7, 1)
    )
    budget_2026 = make_budget_request(
        body,
        year=2026,
        title="Begrotingswijziging 2026",
        kind=BudgetRequest.Kind.AMENDMENT,
        sent_on=datetime.date(2026, 8, 1),
    )
    decide(budget_2026, leiden, decided_on=datetime.date(2026, 8, 20))

    awaiting = _section(_page(client), "wacht-op-zienswijzen")

    row_2027 = _row(awaiting, "Ontwerpbegroting 2027")
    owing_2027 = row_2027.split("</td>")[1]
    assert "Leiden" in owing_2027 and "Voorschoten" in owing_2027
    assert "Oegstgeest" not in owing_2027  # left before 2027
    assert "Katwijk" not in row_2027  # not a council of the region

    row_2026 = _row(awaiting, "Begrotingswijziging 2026")
    owing_2026 = row_2026.split("</td>")[1]
    assert "Oegstgeest" in owing_2026  # took part in part of 2026
    assert "Voorschoten" not in owing_2026
    assert "Leiden" not in owing_2026
    assert "Leiden: besloten geen zienswijze in te dienen" in row_2026.split("</td>")[2]


def test_open_budgets_are_ordered_by_deadline_and_marked_soon_or_overdue(client: Client, body):
    make_budget_request(
        body,
        year=2027,
        title="Later stuk",
        sent_on=datetime.date(2026, 8, 1),
        views_due_on=datetime.date(2026, 10, 24),
    )
    make_budget_request(
        body,
        year=2027,
        title="Spoedstuk",
        sent_on=datetime.date(2026, 7, 1),
        views_due_on=datetime.date(2026, 9, 6),
    )
    make_budget_request(
        body,
        year=2026,
        title="Te laat stuk",
        sent_on=datetime.date(2026, 5, 1),
        views_due_on=datetime.date(2026, 8, 25),
    )

    awaiting = _section(_page(client), "wacht-op-zienswijzen")

    assert (
        awaiting.index("Te laat stuk") < awaiting.index("Spoedstuk") < awaiting.index("Later stuk")
    )
    assert "termijn verstreken" in _row(awaiting, "Te laat stuk")
    assert "nog 5 dagen" in _row(awaiting, "Spoedstuk")
    later = _row(awaiting, "Later stuk")
    assert "nog " not in later and "termijn verstreken" not in later


def test_closed_budgets_show_each_councils_outcome(client: Client, body, leiden, oegstgeest):
    closed = make_budget_request(
        body,
        year=2026,
        title="Ontwerpbegroting 2026",
        sent_on=datetime.date(2026, 4, 15),
        adopted_on=datetime.date(2026, 7, 10),
    )
    decide(
        closed,
        leiden,
        outcome=BudgetView.Outcome.VIEW,
        decided_on=datetime.date(2026, 6, 26),
        url="https://example.org/raadsbesluit",
    )

    page = _page(client)

    assert "Ontwerpbegroting 2026" not in _section(page, "wacht-op-zienswijzen")
    row = _row(_section(page, "recent-afgesloten"), "Ontwerpbegroting 2026")
    assert "Leiden: zienswijze ingediend (26 juni 2026)" in row
    assert 'href="https://example.org/raadsbesluit"' in row
    assert 'Oegstgeest: <span class="ra-missing">geen besluit vastgelegd</span>' in row
    assert "vastgesteld op 10 juli 2026" in row


def test_filter_shows_what_one_council_still_has_to_decide(
    client: Client, body, leiden, voorschoten
):
    make_budget_request(body, year=2027, title="Stuk 2027", sent_on=datetime.date(2026, 7, 1))
    decided = make_budget_request(
        body, year=2027, title="Kaderbrief 2027", sent_on=datetime.date(2026, 6, 1)
    )
    decide(decided, leiden, decided_on=datetime.date(2026, 7, 1))

    for_leiden = _section(_page(client, "?gemeente=leiden"), "wacht-op-zienswijzen")
    assert "Nog te besluiten door de raad van Leiden" in for_leiden
    assert "Stuk 2027" in for_leiden
    assert "Kaderbrief 2027" not in for_leiden

    for_zoeterwoude = _page(client, "?gemeente=zoeterwoude")
    assert "Stuk 2027" not in _section(for_zoeterwoude, "wacht-op-zienswijzen")
    assert "hoeft op dit moment over geen enkele begroting te besluiten" in for_zoeterwoude
    assert '<option value="zoeterwoude" selected>' in for_zoeterwoude


def test_page_cites_the_wgr_article(client: Client, leidse_regio):
    page = _page(client)
    assert 'href="https://wetten.overheid.nl/jci1.3:c:BWBR0003740&amp;artikel=35"' in page
    assert "twaalf weken" in page


def test_budget_page_query_count_does_not_grow_with_budgets(
    client: Client, body, leiden, django_assert_max_num_queries
):
    make_budget_request(body, year=2027, title="Eerste", sent_on=datetime.date(2026, 7, 1))
    _page(client)
    with django_assert_max_num_queries(12) as before:
        _page(client)
    for number in range(10):
        request = make_budget_request(
            body, year=2027, title=f"Stuk {number}", sent_on=datetime.date(2026, 7, 1)
        )
        decide(request, leiden, decided_on=datetime.date(2026, 7, 2))
    with django_assert_max_num_queries(len(before.captured_queries)):
        _page(client)


def test_body_page_shows_its_budgets_and_the_councils_decisions(client: Client, body, leiden):
    request = make_budget_request(
        body, year=2027, title="Ontwerpbegroting 2027", sent_on=datetime.date(2026, 7, 1)
    )
    decide(request, leiden, decided_on=datetime.date(2026, 8, 1))
    page = client.get(body.get_absolute_url()).content.decode()
    section = page.split('id="begrotingen"', 1)[1].split("</section>", 1)[0]
    assert "Begrotingen en zienswijzen" in page
    assert "Ontwerpbegroting 2027" in section
    assert "Leiden: besloten geen zienswijze in te dienen (1 augustus 2026)" in section
    assert 'Voorschoten: <span class="ra-missing">geen besluit vastgelegd</span>' in section
    assert "bewerken" not in section  # a visitor keeps nothing


# The coordinator's budget requests -----------------------------------------------------------


def _request_data(body, **values):
    data = {
        "body": body.pk,
        "kind": BudgetRequest.Kind.DRAFT_BUDGET,
        "year": 2027,
        "title": "Ontwerpbegroting 2027",
        "sent_on": "2026-09-01",
        "views_due_on": "",
        "adopted_on": "",
        "url": "",
    }
    data.update(values)
    return data


def test_coordinator_adds_a_budget_and_gets_the_wgr_deadline_proposed(
    client: Client, body, coordinator
):
    client.force_login(coordinator)
    form = client.get(reverse("registry:budget_add") + "?partij=gr-test").content.decode()
    assert 'value="2026-11-24"' in form  # today + twelve weeks, proposed
    response = client.post(reverse("registry:budget_add"), _request_data(body))
    assert response.status_code == 302
    stored = BudgetRequest.objects.get(body=body)
    assert stored.views_due_on == datetime.date(2026, 11, 24)
    page = client.get(response["Location"]).content.decode()
    assert "zienswijzen uiterlijk op 24 november 2026" in page


def test_a_deadline_before_sending_is_refused_naming_the_field(client: Client, body, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("registry:budget_add"), _request_data(body, views_due_on="2026-08-01")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zienswijze uiterlijk op: De uiterste datum voor zienswijzen (1 augustus 2026)" in page
    assert 'aria-invalid="true"' in page
    assert not BudgetRequest.objects.exists()


@pytest.mark.parametrize("who", ["leiden_editor", "council_member", "kust_coordinator"])
def test_only_the_regions_coordinator_keeps_budget_requests(client: Client, body, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("registry:budget_add")).status_code == 403
    assert client.post(reverse("registry:budget_add"), _request_data(body)).status_code == 403
    assert not BudgetRequest.objects.exists()


def test_a_visitor_is_sent_to_log_in(client: Client, body):
    response = client.post(reverse("registry:budget_add"), _request_data(body))
    assert response.status_code == 302
    assert "/inloggen/" in response["Location"]
    assert not BudgetRequest.objects.exists()


def test_a_change_based_on_an_old_version_is_refused(client: Client, body, coordinator):
    stored = make_budget_request(body, year=2027, sent_on=datetime.date(2026, 7, 1))
    url = reverse("registry:budget_edit", args=[stored.pk])
    client.force_login(coordinator)
    data = _request_data(body, title="Eerste wijziging", sent_on="2026-07-01", version=1)
    assert client.post(url, data).status_code == 302
    stale = _request_data(body, title="Tweede wijziging", sent_on="2026-07-01", version=1)
    response = client.post(url, stale)
    assert response.status_code == 409
    assert "iemand anders heeft deze begroting intussen gewijzigd" in response.content.decode()
    stored.refresh_from_db()
    assert stored.title == "Eerste wijziging"
    assert stored.version == 2


# A council's view ------------------------------------------------------------------------------


def _view_data(municipality, **values):
    data = {
        "municipality": municipality.pk,
        "outcome": BudgetView.Outcome.VIEW,
        "decided_on": "2026-08-27",
        "summary": "Zorgen over de bijdrage.",
        "url": "",
    }
    data.update(values)
    return data


@pytest.fixture
def budget(body):
    return make_budget_request(
        body, year=2027, title="Ontwerpbegroting 2027", sent_on=datetime.date(2026, 7, 1)
    )


def test_editor_records_her_councils_view_and_can_correct_it(
    client: Client, budget, leiden, leiden_editor
):
    client.force_login(leiden_editor)
    url = reverse("registry:budget_view", args=[budget.pk])
    assert client.get(url + "?gemeente=leiden").status_code == 200
    response = client.post(url, _view_data(leiden))
    assert response.status_code == 302
    assert (
        "Het besluit van de raad van Leiden is vastgelegd."
        in client.get(response["Location"]).content.decode()
    )
    form = client.get(url + "?gemeente=leiden").content.decode()
    assert 'name="version" value="1"' in form
    response = client.post(
        url + "?gemeente=leiden", _view_data(leiden, outcome=BudgetView.Outcome.NO_VIEW, version=1)
    )
    assert response.status_code == 302
    view = BudgetView.objects.get(request=budget)
    assert view.municipality == leiden
    assert (view.outcome, view.version) == (BudgetView.Outcome.NO_VIEW, 2)


def test_a_correction_based_on_an_old_version_is_refused(
    client: Client, budget, leiden, leiden_editor
):
    decide(budget, leiden, decided_on=datetime.date(2026, 8, 20))
    client.force_login(leiden_editor)
    url = reverse("registry:budget_view", args=[budget.pk]) + "?gemeente=leiden"
    first = client.post(url, _view_data(leiden, summary="Eerste correctie", version=1))
    assert first.status_code == 302
    response = client.post(url, _view_data(leiden, summary="Tweede correctie", version=1))
    assert response.status_code == 409
    page = response.content.decode()
    assert "iemand anders heeft dit besluit intussen vastgelegd of gewijzigd" in page
    assert "Eerste correctie" in page and "Tweede correctie" in page
    assert 'name="version" value="2"' in page
    view = BudgetView.objects.get(request=budget)
    assert (view.summary, view.version) == ("Eerste correctie", 2)
    # Saving again from the conflict page, now knowing the stored version, is accepted.
    again = client.post(url, _view_data(leiden, summary="Tweede correctie", version=2))
    assert again.status_code == 302
    assert BudgetView.objects.get(request=budget).summary == "Tweede correctie"


def test_a_view_recorded_while_the_editor_filled_in_the_empty_form_is_not_overwritten(
    client: Client, budget, leiden, leiden_editor
):
    client.force_login(leiden_editor)
    url = reverse("registry:budget_view", args=[budget.pk])
    assert 'name="version"' in client.get(url).content.decode()
    decide(budget, leiden, decided_on=datetime.date(2026, 8, 20))  # by someone else
    response = client.post(url, _view_data(leiden))
    assert response.status_code == 409
    assert BudgetView.objects.get(request=budget).outcome == BudgetView.Outcome.NO_VIEW


def test_coordinator_records_the_view_of_any_council(client: Client, budget, leiden, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("registry:budget_view", args=[budget.pk]), _view_data(leiden))
    assert response.status_code == 302
    assert BudgetView.objects.filter(request=budget, municipality=leiden).exists()


def test_editor_of_another_municipality_cannot_record_leidens_view(
    client: Client, budget, leiden, oegstgeest_editor
):
    client.force_login(oegstgeest_editor)
    response = client.post(reverse("registry:budget_view", args=[budget.pk]), _view_data(leiden))
    assert response.status_code == 403
    assert not BudgetView.objects.exists()


@pytest.mark.parametrize("who", ["council_member", "kust_coordinator"])
def test_who_speaks_for_no_council_of_the_region_gets_403(client: Client, budget, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("registry:budget_view", args=[budget.pk])).status_code == 403


def test_a_visitor_is_sent_to_log_in_before_recording_a_view(client: Client, budget, leiden):
    response = client.post(reverse("registry:budget_view", args=[budget.pk]), _view_data(leiden))
    assert response.status_code == 302
    assert not BudgetView.objects.exists()


def test_a_council_that_did_not_take_part_that_year_cannot_give_a_view(
    client: Client, body, voorschoten, voorschoten_editor
):
    budget_2026 = make_budget_request(
        body, year=2026, title="Begrotingswijziging 2026", sent_on=datetime.date(2026, 7, 1)
    )
    client.force_login(voorschoten_editor)
    response = client.post(
        reverse("registry:budget_view", args=[budget_2026.pk]), _view_data(voorschoten)
    )
    assert response.status_code == 200
    assert (
        "Raad van gemeente: Voorschoten nam in 2026 niet deel aan GR Test"
        in response.content.decode()
    )
    assert not BudgetView.objects.exists()


def test_a_decision_before_the_budget_was_sent_is_refused(
    client: Client, budget, leiden, leiden_editor
):
    client.force_login(leiden_editor)
    response = client.post(
        reverse("registry:budget_view", args=[budget.pk]),
        _view_data(leiden, decided_on="2026-06-30"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Besloten op: De raad kan niet op 30 juni 2026 hebben besloten: de begroting is pas op "
        "1 juli 2026 verzonden." in page
    )
    assert not BudgetView.objects.exists()


def test_missing_fields_are_named(client: Client, budget, leiden, leiden_editor):
    client.force_login(leiden_editor)
    response = client.post(
        reverse("registry:budget_view", args=[budget.pk]),
        _view_data(leiden, outcome="", decided_on=""),
    )
    page = response.content.decode()
    assert "Uitkomst: Dit veld is verplicht." in page
    assert "Besloten op: Dit veld is verplicht." in page
    assert not BudgetView.objects.exists()


# The back office -----------------------------------------------------------------------------


def test_coordinator_keeps_budgets_with_views_in_the_back_office(
    client: Client, budget, voorschoten, coordinator
):
    client.force_login(coordinator)
    url = reverse("admin:registry_budgetrequest_change", args=[budget.pk])
    assert client.get(url).status_code == 200
    data = {
        "body": budget.body.pk,
        "kind": budget.kind,
        "year": 2026,  # Voorschoten did not take part in 2026
        "title": budget.title,
        "sent_on": "2026-07-01",
        "views_due_on": "2026-09-23",
        "expected_version": budget.version,
        "views-TOTAL_FORMS": 1,
        "views-INITIAL_FORMS": 0,
        "views-0-municipality": voorschoten.pk,
        "views-0-outcome": BudgetView.Outcome.VIEW,
        "views-0-decided_on": "2026-08-01",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Voorschoten nam in 2026 niet deel aan GR Test" in response.content.decode()
    assert not BudgetView.objects.exists()

    data["year"] = 2027
    assert client.post(url, data).status_code == 302
    assert BudgetView.objects.get().municipality == voorschoten


def test_a_stale_view_in_the_back_office_is_refused_and_a_saved_one_gets_a_new_version(
    client: Client, budget, leiden, coordinator
):
    view = decide(budget, leiden, decided_on=datetime.date(2026, 8, 20))
    client.force_login(coordinator)
    url = reverse("admin:registry_budgetrequest_change", args=[budget.pk])
    # The coordinator sees the stored views in the inline (Django asks the inline's change
    # permission without an object); saving the budget leaves them alone.
    unchanged = {
        "body": budget.body.pk,
        "kind": budget.kind,
        "year": budget.year,
        "title": budget.title,
        "sent_on": "2026-07-01",
        "views_due_on": budget.views_due_on.isoformat(),
        "expected_version": budget.version,
        "views-TOTAL_FORMS": 1,
        "views-INITIAL_FORMS": 1,
        "views-0-id": view.pk,
        "views-0-request": budget.pk,
    }
    assert client.post(url, unchanged).status_code == 302
    budget.refresh_from_db()
    assert BudgetView.objects.get().version == 1
    client.force_login(User.objects.create_superuser("beheerder", password=None))
    data = {
        **unchanged,
        "expected_version": budget.version,
        "views-0-expected_version": 1,
        "views-0-municipality": leiden.pk,
        "views-0-outcome": BudgetView.Outcome.VIEW,
        "views-0-decided_on": "2026-08-20",
        "views-0-summary": "Uit de back office",
    }
    assert client.post(url, data).status_code == 302
    view.refresh_from_db()
    assert (view.summary, view.version) == ("Uit de back office", 2)

    data.update({"expected_version": budget.version + 1, "views-0-summary": "Verouderd"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Iemand anders heeft dit item opgeslagen nadat u het opende" in response.content.decode()
    view.refresh_from_db()
    assert (view.summary, view.version) == ("Uit de back office", 2)


def test_a_stale_participation_in_the_back_office_is_refused(
    client: Client, body, leiden, coordinator
):
    participation = Participation.objects.get(body=body, municipality=leiden)
    client.force_login(coordinator)
    url = reverse("admin:registry_participation_change", args=[participation.pk])
    assert client.get(url).status_code == 200
    data = {
        "body": body.pk,
        "municipality": leiden.pk,
        "outside_name": "",
        "outside_code": "",
        "started_on": "2019-01-01",
        "ended_on": "",
        "source_title": "Deelnemerslijst",
        "source_url": "",
        "expected_version": participation.version,
        "contributions-TOTAL_FORMS": 0,
        "contributions-INITIAL_FORMS": 0,
    }
    assert client.post(url, data).status_code == 302
    participation.refresh_from_db()
    assert (participation.started_on, participation.version) == (datetime.date(2019, 1, 1), 2)
    response = client.post(url, {**data, "started_on": "2018-01-01"})
    assert response.status_code == 200
    assert "Iemand anders heeft dit item opgeslagen nadat u het opende" in response.content.decode()
    participation.refresh_from_db()
    assert participation.started_on == datetime.date(2019, 1, 1)


def test_an_adopted_budget_awaits_no_views(client: Client, body):
    make_budget_request(
        body,
        year=2027,
        title="Al vastgesteld",
        sent_on=datetime.date(2026, 7, 1),
        views_due_on=datetime.date(2026, 9, 20),
        adopted_on=datetime.date(2026, 8, 30),
    )
    page = _page(client)
    assert "Al vastgesteld" not in _section(page, "wacht-op-zienswijzen")
    assert "Al vastgesteld" in _section(page, "recent-afgesloten")


def test_coordinator_finds_the_budget_links_on_the_body_page(
    client: Client, budget, body, coordinator
):
    client.force_login(coordinator)
    page = client.get(body.get_absolute_url()).content.decode()
    assert f'href="{reverse("registry:budget_add")}?partij=gr-test"' in page
    assert f'href="{reverse("registry:budget_edit", args=[budget.pk])}"' in page
    assert 'aria-label="Ontwerpbegroting 2027 bewerken"' in page


def test_pages_live_under_the_register():
    assert reverse("registry:budgets") == "/verbonden-partijen/begrotingen/"
    assert reverse("registry:network") == "/verbonden-partijen/netwerk/"
