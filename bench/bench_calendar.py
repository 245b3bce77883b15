"""Benchmark the events calendar: clash detection against many stored events, and the iCal feeds.

    uv run python bench/bench_calendar.py [--events 20000] [--feed-events 10000] [--repeat 5]

A fresh SQLite database in a temporary folder (never var/), with the Leidse regio (`load_region`).

1. `--events` published events over two years across the region's municipalities (venues from a
   list of 40, categories and audiences at random, a fifth with 2,000 visitors or more, one in
   twenty recurring weekly), then `find_clashes` for one submission (unsaved, on a busy
   Saturday at a popular venue): median and p95 over `--repeat`, the query count and the
   clashes found.
2. The full iCal feed (`/evenementen/agenda.ics`) with `--feed-events` upcoming events stored,
   through Django's test client: median and p95, size, query count; the same for the feed with
   a filter (one municipality and one category), and one event's `.ics`.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 2026
VENUES = [
    "Stadsgehoorzaal",
    "Pieterskerk",
    "Hooglandse Kerk",
    "Burcht",
    "Lakenhal",
    "Naturalis",
    "Hortus botanicus",
    "Groenoordhallen",
    "Leidse Schouwburg",
    "LVC",
    "Scheltema",
    "Sleutelstad",
    "Van der Werfpark",
    "Plantsoen",
    "Ankerpark",
    "Kijkhuis",
    "Bibliotheek",
    "Sporthal De Bloemerd",
    "Sportpark Kragten",
    "Merenwijk",
    "Stevenshof",
    "Oude Rijn",
    "Zijlpoort",
    "Beestenmarkt",
    "Nieuwe Rijn",
    "Garenmarkt",
    "Hart van Leiderdorp",
    "Sportpark De Bloemerd",
    "Dorpshuis Oegstgeest",
    "Kasteel Oud Poelgeest",
    "Duivenvoorde",
    "Sportpark Adegeest",
    "Dorpskerk Voorschoten",
    "Zoeterwoude-Dorp",
    "Weipoort",
    "Heineken Brouwerij",
    "Gemeentehuis",
    "Bio Science Park",
    "Station Leiden Centraal",
    "Boerhaave",
]


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, result


def store_events(region: Any, count: int, first: datetime.datetime, days: int, seed: int) -> None:
    """`count` published events from `first` over `days` days, in bulk."""
    from django.db import transaction

    from regioagenda.events.models import Audience, Category, Event

    rng = random.Random(seed)  # noqa: S311 — test data, not secrets
    municipalities = list(region.municipalities.order_by("code"))
    categories = list(Category.objects.filter(region=region))
    audiences = list(Audience.objects.filter(region=region))
    with transaction.atomic():
        events = Event.objects.bulk_create(
            Event(
                region=region,
                title=f"Evenement {n}",
                description="<p>Een evenement in de regio.</p>",
                start=(
                    start := first
                    + datetime.timedelta(days=rng.randrange(days), hours=rng.randint(9, 20))
                ),
                end=start + datetime.timedelta(hours=rng.choice([2, 3, 4, 8, 26])),
                recurrence="FREQ=WEEKLY;COUNT=4" if n % 20 == 0 else "",
                venue=rng.choice(VENUES),
                municipality=rng.choice(municipalities),
                organiser_name="Stichting Bench",
                organiser_email="bench@example.org",
                expected_visitors=rng.choice([50, 150, 400, 800, 2500, 6000, 15000]),
                moderation=Event.Moderation.PUBLISHED,
                token=f"bench-{seed}-{n}",
            )
            for n in range(count)
        )
        Event.categories.through.objects.bulk_create(
            Event.categories.through(event_id=event.pk, category_id=rng.choice(categories).pk)
            for event in events
        )
        Event.audiences.through.objects.bulk_create(
            Event.audiences.through(event_id=event.pk, audience_id=rng.choice(audiences).pk)
            for event in events
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--feed-events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="regioagenda-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["REGIOAGENDA_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regioagenda.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from regioagenda.events.clashes import find_clashes
    from regioagenda.events.models import Audience, Category, Event
    from regioagenda.vision.dataset import load_region

    settings.ALLOWED_HOSTS = ["*"]
    # Each request would empty the query log that CaptureQueriesContext reads.
    from django.core.signals import request_started
    from django.db import reset_queries

    request_started.disconnect(reset_queries)
    call_command("migrate", verbosity=0)
    region = load_region(ROOT / "regioagenda" / "data" / "regions" / "leidse-regio").region
    leiden = region.municipalities.get(slug="leiden")
    zone = timezone.get_current_timezone()
    first = datetime.datetime(2027, 1, 1, tzinfo=zone)

    started = time.perf_counter()
    store_events(region, args.events, first, 730, SEED)
    print(f"{args.events:,} evenementen opgeslagen in {time.perf_counter() - started:.1f} s")

    saturday = datetime.datetime(2027, 10, 2, 14, 0, tzinfo=zone)
    submission = Event(
        region=region,
        title="Nieuw festival",
        start=saturday,
        end=saturday + datetime.timedelta(hours=8),
        venue="Stadsgehoorzaal",
        municipality=leiden,
        expected_visitors=5000,
        organiser_name="Bench",
        organiser_email="bench@example.org",
    )
    categories = list(Category.objects.filter(region=region)[:1])
    audiences = list(Audience.objects.filter(region=region)[:1])

    def clashes() -> Any:
        return find_clashes(submission, categories=categories, audiences=audiences)

    clashes()  # warm up
    with CaptureQueriesContext(connection) as queries:
        found = clashes()
    median, p95, _ = timed(clashes, args.repeat)
    print(
        f"  find_clashes (1 inzending, {args.events:,} opgeslagen): median {median * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, {len(queries)} queries, {len(found)} botsingen"
    )

    # The feed: only upcoming events and the last 90 days count, so start afresh with
    # `--feed-events` upcoming ones.
    Event.objects.all().delete()
    now = timezone.now()
    store_events(region, args.feed_events, now + datetime.timedelta(days=1), 365, SEED + 1)
    client = Client()
    some_category = Category.objects.filter(region=region, events__isnull=False).first()
    for label, url in (
        ("volledige feed", "/evenementen/agenda.ics"),
        (
            "feed met filter",
            f"/evenementen/agenda.ics?gemeente={leiden.slug}&categorie={some_category.slug}",
        ),
        ("één evenement", f"/evenementen/{Event.objects.first().pk}.ics"),
    ):

        def fetch(url: str = url) -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        fetch()  # warm up
        with CaptureQueriesContext(connection) as queries:
            response = fetch()
        median, p95, _ = timed(fetch, args.repeat)
        body = response.content
        print(
            f"  {label:16} median {median * 1000:6.0f} ms, p95 {p95 * 1000:6.0f} ms, "
            f"{len(body) / 1024:7.0f} KiB, {body.count(b'BEGIN:VEVENT'):,} VEVENTs, "
            f"{len(queries)} queries"
        )


if __name__ == "__main__":
    main()
