"""Atom feeds of proposals per theme, per affected municipality and per joint body."""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.test import Client

from regioagenda.proposals.checks import Affected, CheckAnswers, draft_for, save_draft
from regioagenda.proposals.models import Effect, ProposalStatus
from regioagenda.proposals.paragraph import paragraph_lines
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.proposals.tests.test_views import submitted
from regioagenda.registry.models import JointBody
from regioagenda.vision.models import Theme

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314  # our own feed, not untrusted input
    assert feed.tag == f"{ATOM}feed"
    return [
        {
            "title": entry.findtext(f"{ATOM}title", ""),
            "link": entry.find(f"{ATOM}link").get("href", ""),  # type: ignore[union-attr]
            "summary": entry.findtext(f"{ATOM}summary", ""),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name", ""),
            "updated": entry.findtext(f"{ATOM}updated", ""),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


@pytest.fixture
def theme(leidse_regio) -> Theme:
    return Theme.objects.in_region(leidse_regio).order_by("position")[0]


@pytest.fixture
def body(leidse_regio) -> JointBody:
    return JointBody.objects.in_region(leidse_regio).order_by("name")[0]


@pytest.fixture
def proposals(leiden, oegstgeest, leiden_editor, oegstgeest_editor, theme, body):
    """An older Leiden proposal and a newer Oegstgeest one, both naming the theme; only the
    first names the body and Katwijk; a concept one and an unrelated one."""
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)):
        older = make_proposal(leiden, "RV 1", title="Woningbouw Stationsgebied")
        submitted(
            older,
            leiden_editor,
            themes=[theme],
            joint_bodies=[body],
            regional=True,
            consequences="Meer verkeer naar Katwijk",
            affected=[Affected("GM0537", "Katwijk", Effect.NEGATIVE)],
        )
    with time_machine.travel(datetime.datetime(2026, 10, 8, 9, tzinfo=datetime.UTC)):
        newer = make_proposal(oegstgeest, "OG 7", title="Sportpark")
        submitted(newer, oegstgeest_editor, themes=[theme], regional=False)
        concept = make_proposal(leiden, "RV 2", status=ProposalStatus.DRAFT)
        submitted(concept, leiden_editor, themes=[theme], regional=False)
        other = make_proposal(leiden, "RV 3")
        submitted(other, leiden_editor, regional=False)
    return older, newer


def test_the_theme_feed_lists_public_proposals_naming_it_newest_first(
    client: Client, proposals, theme
):
    older, newer = proposals

    items = entries(client.get(f"/voorstellen/feeds/thema/{theme.slug}.atom"))

    assert [item["title"] for item in items] == [
        "OG 7 — Sportpark",
        "RV 1 — Woningbouw Stationsgebied",
    ]
    assert items[0]["link"].endswith(f"/voorstellen/{newer.pk}/")
    assert items[0]["author"] == "Oegstgeest"
    assert items[1]["author"] == "Leiden"
    assert items[1]["updated"].startswith("2026-10-01")
    check = older.checks.get()
    assert " ".join(paragraph_lines(check)) in " ".join(items[1]["summary"].split())


def test_the_municipality_feed_takes_a_neighbour_outside_the_region(client: Client, proposals):
    items = entries(client.get("/voorstellen/feeds/gemeente/GM0537.atom"))

    assert [item["title"] for item in items] == ["RV 1 — Woningbouw Stationsgebied"]
    response = client.get("/voorstellen/feeds/gemeente/GM0537.atom")
    feed = ET.fromstring(response.content)  # noqa: S314  # our own feed
    assert "Katwijk" in feed.findtext(f"{ATOM}title", "")


def test_the_municipality_feed_of_a_region_municipality_may_be_empty(client: Client, proposals):
    assert entries(client.get("/voorstellen/feeds/gemeente/GM0638.atom")) == []


def test_the_joint_body_feed_lists_proposals_naming_the_body(client: Client, proposals, body):
    items = entries(client.get(f"/voorstellen/feeds/verbonden-partij/{body.slug}.atom"))

    assert [item["title"] for item in items] == ["RV 1 — Woningbouw Stationsgebied"]


def test_a_feed_follows_the_current_revision_not_a_draft(
    client: Client, proposals, theme, leiden_editor
):
    older = proposals[0]
    draft = draft_for(older, by=leiden_editor)
    save_draft(draft, CheckAnswers(regional=False), version=draft.version, by=leiden_editor)
    titles = [
        item["title"] for item in entries(client.get(f"/voorstellen/feeds/thema/{theme.slug}.atom"))
    ]
    assert "RV 1 — Woningbouw Stationsgebied" in titles

    submitted(older, leiden_editor, regional=False)

    titles = [
        item["title"] for item in entries(client.get(f"/voorstellen/feeds/thema/{theme.slug}.atom"))
    ]
    assert titles == ["OG 7 — Sportpark"]


@pytest.mark.parametrize(
    "path",
    [
        "/voorstellen/feeds/thema/bestaat-niet.atom",
        "/voorstellen/feeds/gemeente/GM9999.atom",
        "/voorstellen/feeds/gemeente/leiden.atom",
        "/voorstellen/feeds/verbonden-partij/bestaat-niet.atom",
    ],
)
def test_an_unknown_feed_is_not_found(client: Client, proposals, path):
    assert client.get(path).status_code == 404
