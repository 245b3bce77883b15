"""The key pages (issue 9): each within 15 SQL queries, and as many with ten times the rows.

Each test renders a page at size 1, adds nine more of everything the page lists (actions,
municipalities, indicators, observations, proposals, events, meetings), and renders it again:
the number of queries must stay the same (no N+1) and within the budget. The page cache is off,
so the uncached cost is measured. On failure the queries are printed grouped by their shape, so
the one that repeats per row stands out.
"""

import datetime
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from regioagenda.accounts.models import Membership, User
from regioagenda.agenda.models import Action, BudgetLine, Milestone, ProgressUpdate, StatusChange
from regioagenda.events.tests.factories import local, make_category, make_event
from regioagenda.meetings.tests.factories import make_body, make_meeting
from regioagenda.monitor.tests.factories import make_indicator, make_observation
from regioagenda.proposals.models import AffectedMunicipality, ImpactCheck, Proposal
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Topic

BUDGET = 15
TOPIC = "economie071"
SUBMITTED = datetime.datetime(2026, 10, 2, 12, tzinfo=datetime.UTC)


@dataclass
class Region10:
    """The Leidse regio plus what the tests add: `grow(n)` adds n of everything."""

    region: Region
    leiden: Municipality
    topic: Topic
    editor: User
    action: Action
    indicator: Any
    proposal: Proposal
    added: int = 0
    extra: list[Municipality] = field(default_factory=list)

    def grow(self, count: int) -> None:
        for _ in range(count):
            self.added += 1
            self._add_one(self.added)

    def _add_one(self, n: int) -> None:
        region, leiden = self.region, self.leiden
        municipality = Municipality.objects.create(
            region=region,
            code=f"GM9{n:03d}",
            name=f"Proefgemeente {n}",
            slug=f"proefgemeente-{n}",
            population=10_000 + n,
            population_date=datetime.date(2025, 1, 1),
            population_source="CBS",
            population_source_url="https://opendata.cbs.nl/",
        )
        self.extra.append(municipality)
        # An action that Leiden leads and one it joins, each with progress and a milestone.
        for lead, partner in ((leiden, municipality), (municipality, leiden)):
            action = Action.objects.create(
                region=region,
                topic=self.topic,
                lead=lead,
                title=f"Actie {n} van {lead.name}",
                status=Action.Status.IN_PROGRESS,
                priority=n,
            )
            action.participants.add(partner)
            StatusChange.objects.create(
                action=action,
                from_status="",
                to_status=action.status,
                changed_on=datetime.date(2026, 1, 5),
            )
            ProgressUpdate.objects.create(
                action=action,
                reported_on=datetime.date(2026, 3, n % 28 + 1),
                percent=n % 100,
                text="Voortgang",
                municipality=lead,
                author=self.editor,
            )
            Milestone.objects.create(
                action=action, title=f"Mijlpaal {n}", planned_on=datetime.date(2026, 6, 1)
            )
        # The action whose page is measured gains a participant with its own progress, and more.
        self.action.participants.add(municipality)
        ProgressUpdate.objects.create(
            action=self.action,
            reported_on=datetime.date(2026, 4, n % 28 + 1),
            percent=n % 100,
            text=f"Voortgang {n}",
            municipality=municipality,
            author=self.editor,
        )
        Milestone.objects.create(
            action=self.action, title=f"Stap {n}", planned_on=datetime.date(2026, 9, 1)
        )
        StatusChange.objects.create(
            action=self.action,
            from_status=Action.Status.EXPLORING,
            to_status=Action.Status.IN_PROGRESS,
            changed_on=datetime.date(2026, 2, n % 28 + 1),
            changed_by=self.editor,
        )
        BudgetLine.objects.create(
            action=self.action, municipality=municipality, year=2026, amount=1000 * n
        )
        # Figures: the measured indicator for the new municipality, and a new indicator.
        make_observation(self.indicator, municipality, 2024, 10_000 + n)
        make_observation(self.indicator, municipality, 2025, 10_100 + n)
        other = make_indicator(region, f"proefindicator-{n}")
        other.topics.add(self.topic)
        make_observation(other, leiden, 2024, n)
        make_observation(other, municipality, 2024, n)
        # Proposals: a new one with a check, and the measured one affects the municipality.
        proposal = make_proposal(leiden, number=f"RV 26.{n:04d}", title=f"Voorstel {n}")
        check = ImpactCheck.objects.create(
            proposal=proposal, revision=1, state=ImpactCheck.State.SUBMITTED, submitted_at=SUBMITTED
        )
        check.topics.add(self.topic)
        AffectedMunicipality.objects.create(
            impact_check=check, municipality=municipality, code=municipality.code, name="x"
        )
        measured = self.proposal.checks.order_by("-revision").first()
        if measured is not None:
            AffectedMunicipality.objects.create(
                impact_check=measured,
                municipality=municipality,
                code=municipality.code,
                name=municipality.name,
            )
            measured.actions.add(action)
            measured.topics.add(Topic.objects.filter(region=region)[n % 5])
        # Events in the new municipality (one a weekly series) and a meeting of its council.
        start = local(2026, 12, n % 28 + 1, 20)
        make_event(
            region,
            title=f"Evenement {n}",
            start=start,
            municipality=municipality,
            categories=[make_category(region, f"categorie-{n}")],
            recurrence="FREQ=WEEKLY;COUNT=4" if n % 3 == 0 else "",
        )
        make_meeting(
            region,
            title=f"Vergadering {n}",
            start=local(2026, 12, n % 28 + 1, 19, 30),
            bodies=[make_body(region, municipality), make_body(region, leiden)],
        )


@pytest.fixture
def grown(leidse_regio, leiden, settings) -> Region10:
    settings.REGIOAGENDA_PAGE_CACHE_SECONDS = 0
    editor = make_user("redacteur-leiden", Membership.Role.EDITOR, municipality=leiden)
    topic = Topic.objects.get(region=leidse_regio, slug=TOPIC)
    action = Action.objects.create(
        region=leidse_regio, topic=topic, lead=leiden, title="Gemeten actie"
    )
    action.participants.add(Municipality.objects.get(code="GM0579"))
    indicator = make_indicator(leidse_regio, "gemeten-indicator")
    indicator.topics.add(topic)
    proposal = make_proposal(leiden, number="RV 26.9999", title="Gemeten voorstel")
    ImpactCheck.objects.create(
        proposal=proposal, revision=1, state=ImpactCheck.State.SUBMITTED, submitted_at=SUBMITTED
    )
    return Region10(
        region=leidse_regio,
        leiden=leiden,
        topic=topic,
        editor=editor,
        action=action,
        indicator=indicator,
        proposal=proposal,
    )


def _shape(sql: str) -> str:
    """A query with its literals and lists of parameters folded, so repeats look the same."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"\((\?(, )?)+\)", "(…)", sql)
    return sql[:300]


def _report(captured: list[dict[str, Any]]) -> str:
    shapes = Counter(_shape(query["sql"]) for query in captured)
    return "\n".join(f"{count:3d}× {sql}" for sql, count in shapes.most_common())


def _count(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(context.captured_queries), _report(context.captured_queries)


PAGES: dict[str, Callable[[Region10], str]] = {
    "home": lambda r: reverse("website:home"),
    "agenda overview": lambda r: reverse("agenda:overview"),
    "action": lambda r: reverse("agenda:action", kwargs={"pk": r.action.pk}),
    "monitor dashboard": lambda r: reverse("monitor:dashboard"),
    "indicator": lambda r: reverse("monitor:indicator", kwargs={"slug": r.indicator.slug}),
    "proposal": lambda r: reverse("proposals:proposal", kwargs={"pk": r.proposal.pk}),
    "proposals list": lambda r: reverse("proposals:overview"),
    "events list": lambda r: reverse("events:list"),
    "events month": lambda r: reverse("events:month", args=[2026, 12]),
    "events week": lambda r: reverse("events:week", args=[2026, 49]),
    "events feed": lambda r: reverse("events:feed"),
    "meetings feed": lambda r: reverse("meetings:feed"),
    "municipality": lambda r: reverse("website:municipality", kwargs={"slug": "leiden"}),
    "municipality list": lambda r: reverse("website:municipalities"),
    "theme": lambda r: reverse("website:theme", kwargs={"slug": r.topic.theme.slug}),
    "topic": lambda r: reverse("website:topic", kwargs={"slug": r.topic.slug}),
    "meetings": lambda r: reverse("meetings:agenda"),
}


def _assert_flat_and_within_budget(
    client: Client, grown: Region10, url_of: Callable[[Region10], str], budget: int = BUDGET
) -> None:
    grown.grow(1)
    small, small_queries = _count(client, url_of(grown))
    grown.grow(9)
    large, large_queries = _count(client, url_of(grown))
    print(f"{url_of(grown)}: {small} queries at size 1, {large} at size 10")  # for -s runs
    assert large == small and large <= budget, (
        f"{small} queries at size 1, {large} at size 10 (budget {budget}).\n"
        f"At size 1:\n{small_queries}\n\nAt size 10:\n{large_queries}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_key_page_costs_the_same_few_queries_with_ten_times_the_rows(
    client: Client, grown: Region10, page: str
) -> None:
    _assert_flat_and_within_budget(client, grown, PAGES[page])


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["agenda overview", "municipality"])
def test_key_page_for_an_editor_costs_the_same_few_queries_with_ten_times_the_rows(
    client: Client, grown: Region10, page: str
) -> None:
    client.force_login(grown.editor)
    _assert_flat_and_within_budget(client, grown, PAGES[page])


@pytest.mark.django_db
def test_action_page_for_an_editor_costs_the_same_queries_with_ten_times_the_rows(
    client: Client, grown: Region10
) -> None:
    # Staff see more than visitors: their session, second factor and roles (4 queries), who may
    # report progress, and the audit trail, whose entries auditlog shows with one query per
    # foreign key in them (core/templatetags/history.py). So a larger budget, but still flat.
    client.force_login(grown.editor)
    _assert_flat_and_within_budget(client, grown, PAGES["action"], budget=23)


@pytest.mark.django_db
def test_events_feed_holds_the_coming_year_unless_a_date_range_is_chosen(
    client: Client, leidse_regio
) -> None:
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=300)
    later = today + datetime.timedelta(days=500)
    make_event(leidse_regio, "Binnen een jaar", start=local(soon.year, soon.month, soon.day, 20))
    make_event(leidse_regio, "Over anderhalf jaar", start=local(later.year, later.month, later.day))

    feed = client.get(reverse("events:feed")).content.decode()
    chosen = client.get(reverse("events:feed") + f"?van={later.isoformat()}").content.decode()

    assert "Binnen een jaar" in feed and "Over anderhalf jaar" not in feed
    assert "Over anderhalf jaar" in chosen


@pytest.mark.browser
def test_visitor_pages_through_a_long_agenda_and_keeps_the_filter(page, live_server, region):
    from playwright.sync_api import expect

    from regioagenda.core.browser_testing import assert_accessible, visit

    leiden = Municipality.objects.get(code="GM0546")
    topic = Topic.objects.get(region=region, slug=TOPIC)
    Action.objects.bulk_create(
        Action(region=region, topic=topic, lead=leiden, title=f"Actie {n:03d}") for n in range(120)
    )
    path = reverse("agenda:overview") + f"?thema={topic.theme.slug}"
    visit(page, live_server.url + path)
    pages = page.get_by_role("navigation", name="Pagina’s met acties")
    expect(pages.locator("[aria-current=page]")).to_have_text("1")
    assert_accessible(page, path)
    pages.get_by_role("link", name="Volgende").click()
    expect(pages.locator("[aria-current=page]")).to_have_text("2")
    assert f"thema={topic.theme.slug}" in page.url and "pagina=2" in page.url
    expect(page.get_by_label("Thema")).to_have_value(topic.theme.slug)
    assert_accessible(page, path + "&pagina=2")
