import datetime
import re
import shutil
import subprocess  # runs poppler's pdftotext, a fixed local program
import zlib
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from regioagenda.agenda.models import Action, BudgetLine, StatusChange
from regioagenda.agenda.report import check_period, progress_report
from regioagenda.agenda.status import change_status
from regioagenda.agenda.tests.factories import make_action, milestone, report
from regioagenda.vision.models import Agreement, Theme

pytestmark = pytest.mark.django_db

JANUARY_1 = datetime.date(2026, 1, 1)
JUNE_30 = datetime.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC), tick=False):
        yield


def entry_for(progress_report_, action):  # type: ignore[no-untyped-def]
    return next(
        entry
        for chapter in progress_report_.chapters
        for entry in chapter.actions
        if entry.action == action
    )


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams, the XMP metadata) unpacked."""
    parts = [pdf]
    for stream in re.finditer(rb"/FlateDecode.*?stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        parts.append(zlib.decompressobj().decompress(stream.group(1)))
    return b"\n".join(parts)


def test_status_at_the_end_of_the_period_comes_from_the_history(
    leidse_regio, leiden_editor, leiden
):
    action = make_action(leiden, title="Warmtenet Zuid")  # proposed as an idea on 5 January
    change_status(
        action, to=Action.Status.IN_PROGRESS, by=leiden_editor, on=datetime.date(2026, 3, 1)
    )
    change_status(action, to=Action.Status.DONE, by=leiden_editor, on=datetime.date(2026, 10, 1))

    first_half = progress_report(leidse_regio, JANUARY_1, JUNE_30)

    entry = entry_for(first_half, action)
    assert entry.status == Action.Status.IN_PROGRESS  # done only after the period
    assert [change.to_status for change in entry.status_changes] == ["idea", "in_progress"]
    counts = {row.status: row.count for row in first_half.summary.per_status}
    assert counts["in_progress"] == 1 and counts["done"] == 0
    whole_year = progress_report(leidse_regio, JANUARY_1, datetime.date(2026, 12, 31))
    assert entry_for(whole_year, action).status == Action.Status.DONE


def test_an_action_made_after_the_period_is_not_in_it(leidse_regio, leiden):
    later = make_action(leiden, title="Later bedacht")
    StatusChange.objects.filter(action=later).update(changed_on=datetime.date(2026, 8, 1))

    first_half = progress_report(leidse_regio, JANUARY_1, JUNE_30)

    assert first_half.summary.actions == 0
    assert progress_report(leidse_regio, JANUARY_1, datetime.date(2026, 8, 1)).summary.actions == 1


def test_updates_outside_the_period_are_left_out(leidse_regio, leiden_editor, leiden, oegstgeest):
    action = make_action(leiden)
    report(action, leiden_editor, 10, datetime.date(2025, 12, 15))
    report(action, leiden_editor, 30, datetime.date(2026, 3, 1), municipality=oegstgeest)
    report(action, leiden_editor, 70, datetime.date(2026, 7, 1))

    entry = entry_for(progress_report(leidse_regio, JANUARY_1, JUNE_30), action)

    assert [(u.reported_on, u.percent, u.municipality) for u in entry.updates] == [
        (datetime.date(2026, 3, 1), 30, oegstgeest)
    ]
    assert entry.progress.percent == 30  # the latest update on or before the end, not today's 70


def test_progress_of_sub_actions_rolls_up_as_of_the_end_of_the_period(
    leidse_regio, leiden_editor, leiden
):
    parent = make_action(leiden, title="Programma")
    finished_later = make_action(leiden, title="Deel 1", parent=parent, weight=1)
    report(finished_later, leiden_editor, 50, datetime.date(2026, 3, 1))
    change_status(
        finished_later, to=Action.Status.DONE, by=leiden_editor, on=datetime.date(2026, 9, 1)
    )
    steady = make_action(leiden, title="Deel 2", parent=parent, weight=1)
    report(steady, leiden_editor, 20, datetime.date(2026, 4, 1))
    stopped_later = make_action(leiden, title="Deel 3", parent=parent, weight=2)
    report(stopped_later, leiden_editor, 80, datetime.date(2026, 3, 1))
    change_status(
        stopped_later,
        to=Action.Status.STOPPED,
        by=leiden_editor,
        on=datetime.date(2026, 8, 1),
        reason="Opgegaan in deel 2",
    )
    not_yet_made = make_action(leiden, title="Deel 4", parent=parent, weight=5)
    StatusChange.objects.filter(action=not_yet_made).update(changed_on=datetime.date(2026, 10, 1))

    then = entry_for(progress_report(leidse_regio, JANUARY_1, JUNE_30), parent)
    now = entry_for(progress_report(leidse_regio, JANUARY_1, datetime.date(2026, 11, 20)), parent)

    assert then.progress.has_parts
    assert then.progress.percent == 57.5  # (1 * 50 + 1 * 20 + 2 * 80) / 4
    assert now.progress.percent == 17.1  # (100 + 20 + 5 * 0) / 7: done, and part 4 now counts


def test_milestones_are_overdue_as_of_the_end_of_the_period(leidse_regio, leiden):
    action = make_action(leiden)
    milestone(
        action, datetime.date(2026, 5, 1), achieved_on=datetime.date(2026, 8, 1), title="Laat"
    )
    milestone(
        action, datetime.date(2026, 3, 1), achieved_on=datetime.date(2026, 2, 20), title="Vroeg"
    )
    milestone(action, datetime.date(2026, 6, 30), title="Op de laatste dag")
    milestone(action, datetime.date(2026, 9, 1), title="Na de periode")
    milestone(
        action, datetime.date(2025, 9, 1), achieved_on=datetime.date(2025, 9, 2), title="Ervoor"
    )

    result = progress_report(leidse_regio, JANUARY_1, JUNE_30)

    milestones = {m.milestone.title: m for m in entry_for(result, action).milestones}
    assert set(milestones) == {"Vroeg", "Laat", "Op de laatste dag"}
    assert milestones["Laat"].overdue and not milestones["Laat"].achieved_in_period
    assert milestones["Vroeg"].achieved_in_period and not milestones["Vroeg"].overdue
    assert not milestones["Op de laatste dag"].overdue  # due that day, not yet late
    assert (result.summary.milestones_achieved, result.summary.milestones_overdue) == (1, 1)


def test_budget_lines_are_those_of_the_years_the_period_touches(leidse_regio, leiden, oegstgeest):
    action = make_action(leiden)
    for year in (2025, 2026, 2027):
        BudgetLine.objects.create(action=action, year=year, municipality=leiden, amount=1000)
    BudgetLine.objects.create(
        action=action, year=2026, funder="Provincie", amount=Decimal("250.50")
    )

    this_year = entry_for(progress_report(leidse_regio, JANUARY_1, JUNE_30), action)
    turn_of_year = entry_for(
        progress_report(leidse_regio, datetime.date(2025, 12, 1), datetime.date(2026, 1, 31)),
        action,
    )

    assert sorted(line.year for line in this_year.budget_lines) == [2026, 2026]
    assert this_year.budget_total == Decimal("1250.50")
    assert sorted(line.year for line in turn_of_year.budget_lines) == [2025, 2026, 2026]


def test_chapters_follow_the_themes_and_agreements_go_to_governance(leidse_regio, leiden):
    heat = make_action(leiden, topic="stadswarmtenet", title="Warmte")
    jobs = make_action(leiden, topic="economie071", title="Banen")
    agreed = Action.objects.create(
        region=leidse_regio,
        agreement=Agreement.objects.get(region=leidse_regio, slug="regionale-impacttoets"),
        lead=leiden,
        title="Impacttoets invoeren",
    )
    StatusChange.objects.create(
        action=agreed, to_status="idea", changed_on=datetime.date(2026, 2, 1)
    )

    result = progress_report(leidse_regio, JANUARY_1, JUNE_30)

    themes = list(Theme.objects.in_region(leidse_regio).order_by("position"))
    assert [chapter.theme for chapter in result.chapters] == themes
    contents = {chapter.slug: [e.action for e in chapter.actions] for chapter in result.chapters}
    assert contents["duurzaamheid"] == [heat]
    assert contents["economie"] == [jobs]
    assert contents["krachten-verenigen"] == [agreed]


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (datetime.date(2026, 3, 1), datetime.date(2026, 2, 28), "reversed"),
        (datetime.date(2020, 1, 1), datetime.date(2025, 1, 2), "too_long"),
        (datetime.date(2024, 2, 29), datetime.date(2029, 3, 1), "too_long"),
        (datetime.date(2024, 2, 29), datetime.date(2029, 2, 28), None),
        (datetime.date(2020, 1, 1), datetime.date(2025, 1, 1), None),
        (datetime.date(2026, 5, 1), datetime.date(2026, 5, 1), None),
    ],
)
def test_a_period_runs_forward_for_at_most_five_years(start, end, problem):
    if problem is None:
        assert check_period(start, end).end == end
    else:
        with pytest.raises(ValidationError) as error:
            check_period(start, end)
        assert error.value.code == problem


def test_report_page_shows_this_year_so_far_by_default(client: Client, leidse_regio, leiden):
    make_action(leiden, title="Warmtenet Zuid")

    response = client.get(reverse("agenda:report"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="2026-01-01"' in page and 'value="2026-11-20"' in page
    assert "Warmtenet Zuid" in page
    assert "rapportage.pdf?van=2026-01-01&amp;tot=2026-11-20" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"van": "2026-06-01", "tot": "2026-01-01"}, "De begindatum ligt na de einddatum"),
        ({"van": "2015-01-01", "tot": "2026-01-01"}, "hoogstens 5 jaar"),
        ({"van": "2026-02-31", "tot": "2026-06-01"}, "Voer een geldige datum in"),
        ({"van": "gisteren", "tot": "2026-06-01"}, "Voer een geldige datum in"),
    ],
)
@pytest.mark.parametrize("url", ["agenda:report", "agenda:report_pdf"])
def test_a_bad_period_gets_the_form_back_with_the_reason(
    client: Client, leidse_regio, url, query, message
):
    response = client.get(reverse(url), query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page


def test_report_page_query_count_does_not_grow_with_the_actions(
    client: Client, leidse_regio, leiden_editor, leiden, oegstgeest, django_assert_max_num_queries
):
    def add_actions(count: int) -> None:
        for number in range(count):
            action = make_action(leiden if number % 2 else oegstgeest, title=f"Actie {number}")
            report(action, leiden_editor, number, datetime.date(2026, 3, 1))
            milestone(action, datetime.date(2026, 4, 1))
            BudgetLine.objects.create(action=action, year=2026, municipality=leiden, amount=100)
            make_action(leiden, title=f"Deelactie {number}", parent=action)

    add_actions(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("agenda:report"), {"van": "2026-01-01", "tot": "2026-06-30"})
    add_actions(20)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("agenda:report"), {"van": "2026-01-01", "tot": "2026-06-30"})
    assert response.content.decode().count("<article") == 44


def test_report_pdf_is_tagged_titled_and_in_dutch(
    client: Client, leidse_regio, leiden_editor, leiden, tmp_path
):
    action = make_action(leiden, title="Gezamenlijk accountmanagement")
    report(action, leiden_editor, 40, datetime.date(2026, 3, 1))
    BudgetLine.objects.create(action=action, year=2026, municipality=leiden, amount=1234)

    response = client.get(reverse("agenda:report_pdf"), {"van": "2026-01-01", "tot": "2026-06-30"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="voortgangsrapportage-2026-01-01-2026-06-30.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    pdf = inflated(response.content)
    assert b"/StructTreeRoot" in pdf and b"/MarkInfo" in pdf
    assert b"/Lang (nl)" in pdf
    assert b"<dc:title>" in pdf and b"Voortgangsrapportage uitvoeringsagenda" in pdf  # XMP
    assert b"pdfuaid:part" in pdf
    if pdftotext := shutil.which("pdftotext"):  # poppler-utils, where installed
        (tmp_path / "rapportage.pdf").write_bytes(response.content)
        subprocess.run(  # noqa: S603  # a fixed local program on a file we wrote
            [pdftotext, "-enc", "UTF-8", tmp_path / "rapportage.pdf", tmp_path / "tekst.txt"],
            check=True,
        )
        text = (tmp_path / "tekst.txt").read_text()
        assert "Gezamenlijk accountmanagement" in text
        assert "Voortgangsrapportage" in text
        assert "40%" in text


def test_report_pdf_speaks_english_under_en(client: Client, leidse_regio, leiden):
    make_action(leiden, title="Warmtenet Zuid")

    with translation.override("nl"):  # the request switches to English; switch back after it
        response = client.get("/en/uitvoeringsagenda/rapportage.pdf", {"van": "2026-01-01"})

    assert response.status_code == 200
    assert b"/Lang (en)" in inflated(response.content)
