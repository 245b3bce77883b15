import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from regioagenda.agenda.models import Action, ProgressUpdate, StatusChange
from regioagenda.agenda.progress import ProgressCalculator, record_progress
from regioagenda.agenda.status import change_status
from regioagenda.agenda.tests.factories import make_action, milestone, report
from regioagenda.vision.models import Topic

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC), tick=False):
        yield


def form_data(action_or_none=None, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "title": "Gezamenlijk accountmanagement",
        "title_en": "",
        "description": "Eén loket voor bedrijven.",
        "description_en": "",
        "topic": Topic.objects.get(slug="bedrijventerreinenbeleid").pk,
        "agreement": "",
        "parent": "",
        "weight": 1,
        "participants": [],
        "partners": [],
    }
    if action_or_none is not None:
        data["version"] = action_or_none.version
    data.update(overrides)
    return data


def test_editor_creates_an_action_led_by_their_municipality(
    client: Client, leiden_editor, leiden, oegstgeest
):
    client.force_login(leiden_editor)
    response = client.post(
        reverse("agenda:action_create"),
        form_data(lead=leiden.pk, participants=[oegstgeest.pk], status="done", region=999),
    )
    assert response.status_code == 302
    action = Action.objects.get(title="Gezamenlijk accountmanagement")
    assert action.lead == leiden
    assert list(action.participants.all()) == [oegstgeest]
    assert action.status == Action.Status.IDEA  # posted status is ignored
    assert action.status_changes.get().to_status == Action.Status.IDEA


def test_editor_cannot_make_another_municipality_the_lead(
    client: Client, leiden_editor, oegstgeest
):
    client.force_login(leiden_editor)
    response = client.post(reverse("agenda:action_create"), form_data(lead=oegstgeest.pk))
    assert response.status_code == 200  # the form says the choice is not available
    assert not Action.objects.exists()


def test_an_action_needs_a_topic_or_an_agreement_not_both(client: Client, coordinator, leiden):
    client.force_login(coordinator)
    response = client.post(
        reverse("agenda:action_create"),
        form_data(lead=leiden.pk, topic="", agreement=""),
    )
    assert "Kies een onderwerp óf een afspraak" in response.content.decode()
    assert not Action.objects.exists()


def test_only_the_lead_and_the_coordinator_edit(
    client: Client, leiden_editor, oegstgeest_editor, coordinator, leiden, oegstgeest
):
    action = make_action(leiden)
    action.participants.add(oegstgeest)
    url = reverse("agenda:action_edit", args=[action.pk])

    client.force_login(oegstgeest_editor)
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(action, lead=leiden.pk, title="Gekaapt")).status_code == 403

    client.force_login(coordinator)
    response = client.post(url, form_data(action, lead=leiden.pk, title="Nieuwe titel"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Nieuwe titel"


def test_second_edit_of_the_same_version_gets_a_conflict(
    client: Client, leiden_editor, coordinator, leiden
):
    action = make_action(leiden)
    url = reverse("agenda:action_edit", args=[action.pk])
    first = Client()
    first.force_login(coordinator)
    first.post(url, form_data(action, lead=leiden.pk, title="Titel van de coördinator"))

    client.force_login(leiden_editor)
    response = client.post(url, form_data(action, lead=leiden.pk, title="Titel van de redacteur"))

    assert response.status_code == 409
    assert "Titel van de coördinator" in response.content.decode()
    action.refresh_from_db()
    assert action.title == "Titel van de coördinator"


def test_participant_reports_progress_on_its_own_part_only(
    client: Client, oegstgeest_editor, leiden, oegstgeest
):
    action = make_action(leiden)
    action.participants.add(oegstgeest)
    url = reverse("agenda:action_progress", args=[action.pk])
    client.force_login(oegstgeest_editor)

    response = client.post(
        url,
        {
            "municipality": oegstgeest.pk,
            "reported_on": "2026-11-19",
            "percent": 40,
            "text": "Eerste gesprekken gevoerd.",
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.municipality, update.author, update.percent) == (
        oegstgeest,
        oegstgeest_editor,
        40,
    )

    on_behalf_of_leiden = client.post(
        url, {"municipality": leiden.pk, "reported_on": "2026-11-19", "percent": 90, "text": "x"}
    )
    assert on_behalf_of_leiden.status_code == 200
    assert ProgressUpdate.objects.count() == 1
    assert client.get(reverse("agenda:action_edit", args=[action.pk])).status_code == 403


def test_an_editor_of_an_uninvolved_municipality_reports_nothing(
    oegstgeest_editor, leiden, oegstgeest
):
    action = make_action(leiden)
    with pytest.raises(PermissionDenied):
        record_progress(
            action,
            by=oegstgeest_editor,
            municipality=oegstgeest,
            reported_on=TODAY,
            text="x",
            percent=10,
        )


def test_progress_updates_are_kept_as_history(leiden_editor, leiden):
    action = make_action(leiden)
    record_progress(
        action,
        by=leiden_editor,
        municipality=leiden,
        reported_on=datetime.date(2026, 9, 1),
        text="Gestart",
        percent=20,
    )
    record_progress(
        action,
        by=leiden_editor,
        municipality=leiden,
        reported_on=datetime.date(2026, 11, 1),
        text="Halverwege",
        percent=50,
    )
    assert list(action.progress_updates.values_list("percent", flat=True)) == [20, 50]
    assert ProgressCalculator(region_id=action.region_id).of(action.pk).percent == 50


@pytest.mark.parametrize(
    ("percent", "on", "text", "field"),
    [
        (120, TODAY, "x", "percent"),
        (50, TODAY + datetime.timedelta(days=1), "x", "reported_on"),
        (50, TODAY, "  ", "text"),
    ],
)
def test_bad_progress_is_refused_with_a_reason(leiden_editor, leiden, percent, on, text, field):
    action = make_action(leiden)
    with pytest.raises(ValidationError) as error:
        record_progress(
            action,
            by=leiden_editor,
            municipality=leiden,
            reported_on=on,
            text=text,
            percent=percent,
        )
    assert field in error.value.message_dict
    assert not ProgressUpdate.objects.exists()


def test_parent_progress_is_the_weighted_mean_of_its_sub_actions(
    client: Client, leiden_editor, leiden
):
    parent = make_action(leiden, title="Programma")
    first = make_action(leiden, title="Deel 1", parent=parent, weight=1)
    second = make_action(leiden, title="Deel 2", parent=parent, weight=3)
    stopped = make_action(
        leiden, title="Deel 3", parent=parent, weight=5, status=Action.Status.STOPPED
    )
    report(first, leiden_editor, 100, datetime.date(2026, 10, 1))
    report(second, leiden_editor, 20, datetime.date(2026, 10, 1))
    report(stopped, leiden_editor, 0, datetime.date(2026, 10, 1))

    progress = ProgressCalculator(region_id=parent.region_id).of(parent.pk)

    assert progress.percent == 40.0  # (1 * 100 + 3 * 20) / 4; the stopped part does not count
    page = client.get(parent.get_absolute_url()).content.decode()
    assert "40%" in page
    assert "gewogen gemiddelde van de deelacties" in page


def test_status_moves_forward_and_stopping_needs_a_reason(leiden_editor, leiden):
    action = make_action(leiden)
    change_status(action, to=Action.Status.IN_PROGRESS, by=leiden_editor, on=TODAY)
    with pytest.raises(ValidationError):
        change_status(action, to=Action.Status.EXPLORING, by=leiden_editor, on=TODAY)
    with pytest.raises(ValidationError) as error:
        change_status(action, to=Action.Status.STOPPED, by=leiden_editor, on=TODAY)
    assert "reason" in error.value.message_dict
    change_status(
        action, to=Action.Status.STOPPED, by=leiden_editor, on=TODAY, reason="Geen budget"
    )
    assert list(action.status_changes.values_list("to_status", flat=True)) == [
        "idea",
        "in_progress",
        "stopped",
    ]
    assert action.allowed_next_statuses() == []


def test_other_editors_cannot_change_the_status(oegstgeest_editor, leiden):
    action = make_action(leiden)
    with pytest.raises(PermissionDenied):
        change_status(action, to=Action.Status.DONE, by=oegstgeest_editor, on=TODAY)
    assert StatusChange.objects.filter(action=action).count() == 1


def test_stuck_lists_silent_actions_and_overdue_milestones(
    client: Client, leiden_editor, leiden, oegstgeest
):
    silent = make_action(leiden, title="Stille actie", status=Action.Status.IN_PROGRESS)
    report(silent, leiden_editor, 10, datetime.date(2026, 5, 1))
    late = make_action(oegstgeest, title="Te late actie", status=Action.Status.IN_PROGRESS)
    report(late, leiden_editor, 60, datetime.date(2026, 11, 1))
    milestone(late, datetime.date(2026, 10, 1), title="Plan klaar")
    fine = make_action(leiden, title="Vlotte actie", status=Action.Status.IN_PROGRESS)
    report(fine, leiden_editor, 60, datetime.date(2026, 11, 1))
    milestone(fine, datetime.date(2026, 12, 1))
    make_action(leiden, title="Klaar", status=Action.Status.DONE)

    page = client.get(reverse("agenda:stuck")).content.decode()

    assert "Stille actie" in page and "Laatste voortgangsbericht op 1 mei 2026" in page
    assert "Te late actie" in page and "Plan klaar" in page
    assert "Vlotte actie" not in page and "Klaar<" not in page


def test_overview_filters_and_keeps_its_query_count(
    client: Client, leiden_editor, leiden, oegstgeest, django_assert_max_num_queries
):
    for number in range(15):
        action = make_action(leiden if number % 2 else oegstgeest, title=f"Actie {number}")
        action.participants.add(leiden)
        report(action, leiden_editor, number, datetime.date(2026, 11, 1))
    make_action(leiden, topic="stadswarmtenet", title="Warmte", status=Action.Status.DONE)

    with django_assert_max_num_queries(9):
        response = client.get(reverse("agenda:overview"))
    rows = response.content.decode().count('class="utrecht-table__row"')
    assert rows == 16 + 1  # the actions and the header row

    by_theme = client.get(reverse("agenda:overview"), {"thema": "duurzaamheid"}).content.decode()
    assert "Warmte" in by_theme and "Actie 3" not in by_theme
    by_status = client.get(reverse("agenda:overview"), {"status": "done"}).content.decode()
    assert "Warmte" in by_status and "Actie 3" not in by_status
    oegstgeest_page = client.get(reverse("agenda:overview"), {"gemeente": "oegstgeest"})
    assert "Actie 2" in oegstgeest_page.content.decode()
    assert "Actie 3" not in oegstgeest_page.content.decode()


def test_action_page_tells_its_history_in_order(client: Client, leiden_editor, leiden):
    action = make_action(leiden, title="Warmtenet Zuid")
    change_status(
        action, to=Action.Status.AWAITING_DECISION, by=leiden_editor, on=datetime.date(2026, 3, 1)
    )
    change_status(
        action, to=Action.Status.IN_PROGRESS, by=leiden_editor, on=datetime.date(2026, 6, 1)
    )
    report(action, leiden_editor, 30, datetime.date(2026, 9, 1))
    milestone(
        action,
        datetime.date(2026, 7, 1),
        achieved_on=datetime.date(2026, 7, 3),
        title="Tracé bekend",
    )

    page = client.get(action.get_absolute_url()).content.decode()

    steps = [
        "Voorgesteld als idee",
        "Status: wacht op besluit",
        "Status: in uitvoering",
        "Mijlpaal gehaald: Tracé bekend",
        "Voortgang: 30%",
    ]
    positions = [page.index(step) for step in steps]
    assert positions == sorted(positions)


def test_timeline_shows_milestones_by_state(client: Client, leiden):
    action = make_action(leiden, title="Fietsroute")
    milestone(
        action, datetime.date(2026, 6, 1), achieved_on=datetime.date(2026, 6, 2), title="Ontwerp"
    )
    milestone(action, datetime.date(2026, 9, 1), title="Aanbesteding")
    milestone(action, datetime.date(2027, 3, 1), title="Opening")
    StatusChange.objects.create(
        action=action,
        from_status="idea",
        to_status="in_progress",
        changed_on=datetime.date(2026, 5, 1),
    )
    page = client.get(reverse("agenda:timeline")).content.decode()
    assert page.index("Ontwerp") < page.index("Aanbesteding") < page.index("Opening")
    assert page.index("in uitvoering") < page.index("Ontwerp")  # the start, on 1 May
    assert "te laat" in page and "gehaald" in page and "gepland" in page


def test_admin_refuses_a_change_based_on_an_old_version(client: Client, coordinator, leiden):
    action = make_action(leiden)
    url = reverse("admin:agenda_action_change", args=[action.pk])
    data = {
        "expected_version": action.version,
        "milestones-TOTAL_FORMS": 1,
        "milestones-INITIAL_FORMS": 0,
        "milestones-0-title": "Start",
        "milestones-0-planned_on": "2027-01-01",
        "budget_lines-TOTAL_FORMS": 0,
        "budget_lines-INITIAL_FORMS": 0,
        "links-TOTAL_FORMS": 0,
        "links-INITIAL_FORMS": 0,
    }
    client.force_login(coordinator)
    assert client.post(url, data).status_code == 302
    data["milestones-0-title"] = "Andere start"
    response = client.post(url, data)  # the same, now outdated, version
    assert response.status_code == 200
    assert "Iemand anders heeft dit item opgeslagen" in response.content.decode()
    assert list(action.milestones.values_list("title", flat=True)) == ["Start"]


def test_budget_lines_refuse_negative_amounts_and_need_one_funder(
    client: Client, coordinator, leiden
):
    action = make_action(leiden)
    url = reverse("admin:agenda_action_change", args=[action.pk])
    client.force_login(coordinator)
    base = {
        "expected_version": action.version,
        "milestones-TOTAL_FORMS": 0,
        "milestones-INITIAL_FORMS": 0,
        "budget_lines-TOTAL_FORMS": 1,
        "budget_lines-INITIAL_FORMS": 0,
        "budget_lines-0-year": 2027,
        "budget_lines-0-municipality": leiden.pk,
        "budget_lines-0-amount": "-100",
        "links-TOTAL_FORMS": 0,
        "links-INITIAL_FORMS": 0,
    }
    response = client.post(url, base)
    assert response.status_code == 200
    assert "Zorg ervoor dat deze waarde minstens 0 is." in response.content.decode()
    assert not action.budget_lines.exists()

    response = client.post(
        url, {**base, "budget_lines-0-amount": "2500", "budget_lines-0-funder": "Provincie"}
    )
    assert response.status_code == 200
    assert not action.budget_lines.exists()

    response = client.post(url, {**base, "budget_lines-0-amount": "2500"})
    assert response.status_code == 302
    assert action.budget_lines.get().amount == 2500


def test_a_budget_line_cannot_name_a_municipality_of_another_region(leiden, kustregio):
    from regioagenda.agenda.models import BudgetLine
    from regioagenda.regions.models import Municipality

    action = make_action(leiden)
    line = BudgetLine(
        action=action, year=2027, amount=100, municipality=Municipality.objects.get(code="GM9901")
    )
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert error.value.message_dict["municipality"] == [
        "Deze gemeente hoort niet bij de regio van de actie."
    ]


def test_overview_pages_through_many_actions_and_keeps_the_filters(client: Client, leiden):
    for number in range(55):
        make_action(leiden, title=f"Actie {number:02d}")
    first = client.get(reverse("agenda:overview"), {"gemeente": "leiden"}).content.decode()
    assert "55 acties" in first and "Pagina 1 van 2" in first
    assert "gemeente=leiden&amp;pagina=2" in first
    second = client.get(reverse("agenda:overview"), {"gemeente": "leiden", "pagina": 2})
    assert second.content.decode().count('class="utrecht-table__row"') == 5 + 1
