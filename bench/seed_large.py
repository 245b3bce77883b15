"""Fill a database with a large invented region: ten years of a region of 50 municipalities.

    DATABASE_URL=postgres://… uv run --frozen python bench/seed_large.py [--scale 1.0] [--migrate]

Writes into the database DATABASE_URL points at, which must be migrated and empty (`--migrate`
migrates it first). Loads the Leidse regio's data set (as bench/generate.py does) and adds, at
scale 1: 45 invented municipalities (50 in all), 10,000 actions with participants, milestones,
budget lines, status changes and 20,000 progress updates, 50,000 monitor figures, 5,000
proposals with their regional checks, 20,000 events over the past nine years and the coming
year, and 1,000 meetings. `--scale` multiplies every count (0.1 gives the Leidse regio's five
municipalities with a tenth of the rest), so that the same script gives two sizes ten times
apart. The same seed gives the same data; times relative to today follow the day it runs.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Counts at scale 1.
COUNTS = {
    "municipalities": 50,
    "actions": 10_000,
    "updates": 20_000,
    "observations": 50_000,
    "proposals": 5_000,
    "events": 20_000,
    "meetings": 1_000,
}
YEARS = 10


def seed(scale: float = 1.0, seed: int = 2027) -> dict[str, int]:
    """Fill the (empty) database; returns what was made, by kind."""
    import generate
    from django.db import connection, transaction
    from django.utils import timezone

    from regioagenda.accounts.models import User
    from regioagenda.regions.models import Region
    from regioagenda.vision.dataset import load_region

    if Region.objects.exists():
        raise SystemExit("De database is niet leeg: seed_large.py vult alleen een lege database.")
    counts = {kind: max(0, round(n * scale)) for kind, n in COUNTS.items()}
    rng = random.Random(seed)  # noqa: S311 — test data, not secrets
    today = timezone.localdate()
    # Ten years of history; events and meetings run on into the coming twelve months.
    first = today.replace(year=today.year - YEARS, day=1)
    calendar_first = today.replace(year=today.year - YEARS + 1, day=1)
    calendar_days = (today - calendar_first).days + 365
    made: dict[str, int] = {}
    started = time.perf_counter()

    def step(name: str, function, *args, **kwargs):  # type: ignore[no-untyped-def]
        begun = time.perf_counter()
        with transaction.atomic():
            result = function(*args, **kwargs)
        print(f"  {name:<28} {time.perf_counter() - begun:6.1f} s", flush=True)
        return result

    region = step(
        "data set Leidse regio",
        lambda: load_region(ROOT / "regioagenda" / "data" / "regions" / "leidse-regio").region,
    )
    author = User.objects.create_user("bench")
    members = step("gemeenten", generate.add_municipalities, region, counts["municipalities"], rng)
    made["gemeenten"] = len(members)
    made["organen (nieuw)"] = step("organen en buurgemeenten", generate.add_bodies, region, members)
    actions = step(
        "acties",
        generate.add_actions,
        region,
        members,
        counts["actions"],
        counts["updates"],
        rng,
        author,
        start=first,
        days=(today - first).days,
        details=generate.action_details(region, members, rng, first, (today - first).days),
    )
    made["acties"] = len(actions)
    made["voortgangsberichten"] = counts["updates"]
    made["statuswijzigingen, begrotingsregels, mijlpalen (extra)"] = step(
        "acties: geschiedenis", generate.enrich_actions, actions, members, rng, author, today
    )
    if actions:
        step("prioriteringsronde", generate.add_round, region, members, actions[:20], rng, author)
    made["waarnemingen"] = step(
        "monitor",
        generate.add_observations,
        region,
        members,
        counts["observations"],
        range(today.year - YEARS, today.year),
        rng,
    )
    made["voorstellen"], made["toetsen"] = step(
        "voorstellen en toetsen",
        generate.add_proposals,
        region,
        members,
        actions,
        counts["proposals"],
        first,
        today,
        rng,
        author,
    )
    made["evenementen"] = step(
        "evenementen",
        generate.add_events,
        region,
        members,
        counts["events"],
        calendar_first,
        calendar_days,
        rng,
    )
    made["vergaderingen"] = step(
        "vergaderingen",
        generate.add_meetings,
        region,
        members,
        counts["meetings"],
        calendar_first,
        calendar_days,
        rng,
        author,
    )
    if connection.vendor == "postgresql":
        # Autovacuum would gather the planner's statistics some time after a load like this;
        # without them PostgreSQL misjudges every large table (8.9 s instead of 0.8 s of SQL
        # on /monitor/ at scale 1), and a benchmark would measure that instead of the pages.
        with connection.cursor() as cursor:
            step("statistieken (ANALYZE)", cursor.execute, "ANALYZE")
    # bulk_create sends no signals: tell the page cache (where present) that the data changed,
    # as the app's own bulk writes do.
    try:
        from regioagenda.core.page_cache import bump_generation
    except ImportError:
        pass
    else:
        bump_generation()
    made["seconden"] = round(time.perf_counter() - started)
    return made


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regioagenda.settings")
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--migrate", action="store_true", help="migreer de database eerst")
    arguments = parser.parse_args()
    setup_django()
    from django.db import connection

    if arguments.migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    print(
        f"Schaal {arguments.scale} in {connection.vendor} ({connection.settings_dict['NAME']}), "
        f"{datetime.date.today()}:",
        flush=True,
    )
    made = seed(arguments.scale, arguments.seed)
    for kind, count in made.items():
        print(f"  {kind:<55} {count:>8,}")


if __name__ == "__main__":
    main()
