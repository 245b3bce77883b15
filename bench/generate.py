"""Generate a large region for the benchmarks: many municipalities, actions and updates.

    uv run python bench/generate.py --municipalities 50 --actions 2000 --updates 20000

Writes into the database DATABASE_URL points at (the benchmark script gives it a temporary
SQLite file). The region is invented ("bench-regio", codes GM9000…); its vision is the Leidse
regio's, so that topics and agreements exist.
"""

import argparse
import datetime
import random
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def generate(municipalities: int, actions: int, updates: int, seed: int = 2027) -> None:
    from django.db import transaction
    from django.utils import timezone

    from regioagenda.accounts.models import User
    from regioagenda.agenda.models import Action, BudgetLine, Milestone, ProgressUpdate
    from regioagenda.prioritisation.models import Ballot, BallotEntry, Candidate, Round
    from regioagenda.regions.models import Municipality
    from regioagenda.vision.dataset import load_region
    from regioagenda.vision.models import Topic

    rng = random.Random(seed)  # noqa: S311 — test data, not secrets
    region = load_region(ROOT / "regioagenda" / "data" / "regions" / "leidse-regio").region
    author = User.objects.create_user("bench")
    with transaction.atomic():
        extra = [
            Municipality(
                region=region,
                code=f"GM{9000 + n:04d}",
                name=f"Benchgemeente {n}",
                slug=f"bench-{n}",
                population=rng.randint(5_000, 150_000),
                population_date=datetime.date(2026, 1, 1),
            )
            for n in range(max(0, municipalities - region.municipalities.count()))
        ]
        Municipality.objects.bulk_create(extra)
        members = list(region.municipalities.all())
        topics = list(Topic.objects.filter(region=region))
        created = Action.objects.bulk_create(
            Action(
                region=region,
                topic=rng.choice(topics),
                lead=rng.choice(members),
                title=f"Actie {n}",
                status=rng.choice(Action.COURSE),
            )
            for n in range(actions)
        )
        through = Action.participants.through
        through.objects.bulk_create(
            through(action_id=action.pk, municipality_id=m.pk)
            for action in created
            for m in rng.sample(members, 3)
            if m.pk != action.lead_id
        )
        start = datetime.date(2024, 1, 1)
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                action=(action := rng.choice(created)),
                author=author,
                municipality=action.lead,
                percent=rng.randint(0, 100),
                text="Voortgang",
                reported_on=start + datetime.timedelta(days=rng.randint(0, 1000)),
            )
            for _ in range(updates)
        )
        Milestone.objects.bulk_create(
            Milestone(
                action=action,
                title="Mijlpaal",
                planned_on=start + datetime.timedelta(days=rng.randint(0, 1200)),
            )
            for action in created
            for _ in range(2)
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                action=action,
                year=2026,
                municipality=action.lead,
                amount=Decimal(rng.randint(1, 500) * 1000),
            )
            for action in created
        )
        now = timezone.now()
        round = Round.objects.create(
            region=region,
            slug="bench-ronde",
            title="Benchronde",
            ballot_type="ranking",
            rule="borda-weighted",
            opens_at=now - datetime.timedelta(days=30),
            deadline=now - datetime.timedelta(days=1),
        )
        round.participants.set(members)
        candidates = Candidate.objects.bulk_create(
            Candidate(round=round, position=n + 1, action=action)
            for n, action in enumerate(created[:20])
        )
        for municipality in members:
            ballot = Ballot.objects.create(
                round=round,
                municipality=municipality,
                decision_reference="Besluit",
                weight=municipality.population or 1,
                weight_source="bench",
                cast_by=author,
            )
            places = rng.sample(range(1, len(candidates) + 1), len(candidates))
            BallotEntry.objects.bulk_create(
                BallotEntry(ballot=ballot, candidate=c, rank=place)
                for c, place in zip(candidates, places, strict=True)
            )


# A national CBS-shaped table for the monitor -------------------------------------------------

NATIONAL_MUNICIPALITIES = 342


def national_municipalities(region, total: int = NATIONAL_MUNICIPALITIES) -> list[str]:
    """The codes of `total` municipalities: the region's own and, in a second region ("rest van
    Nederland"), invented ones (GM0001…, skipping codes in use) up to `total`.

    The monitor's import accepts municipalities of any region, so a national table can be
    imported into one region; figures of the others are stored but never shown there."""
    from regioagenda.regions.models import Municipality, Region

    own = sorted(region.municipalities.values_list("code", flat=True))
    taken = set(Municipality.objects.values_list("code", flat=True))
    rest, _ = Region.objects.get_or_create(
        slug="rest-van-nederland",
        defaults={
            "name": "Rest van Nederland",
            "summary": "De gemeenten buiten de regio, voor de benchmark.",
            "ambition_title": "Geen",
            "ambition": "Geen.",
            "ambition_section": "-",
            "source_title": "Benchmark",
            "source_publisher": "Benchmark",
        },
    )
    codes = (f"GM{n:04d}" for n in range(1, 10_000))
    extra = [code for code in codes if code not in taken][: max(0, total - len(own))]
    Municipality.objects.bulk_create(
        Municipality(region=rest, code=code, name=f"Gemeente {code}", slug=code.lower())
        for code in extra
    )
    return own + extra


def monitor_indicators(region, measures: int) -> list[str]:
    """`measures` summed indicators in the region (slugs bench-m01…), for a national table."""
    from regioagenda.monitor.models import Indicator

    Indicator.objects.bulk_create(
        Indicator(
            region=region,
            slug=f"bench-m{n:02d}",
            name=f"Benchmaat {n}",
            definition=f"Maat {n} van de benchmark.",
            unit="aantal",
            source_title="CBS StatLine",
            position=1000 + n,
        )
        for n in range(1, measures + 1)
    )
    return [f"bench-m{n:02d}" for n in range(1, measures + 1)]


def national_table(
    path: Path,
    indicators: list[str],
    codes: list[str],
    years: range,
    *,
    changed: float = 0.0,
    only: set[str] | None = None,
    seed: int = 2027,
) -> int:
    """Write a CBS-shaped table in the import layout (regioagenda/monitor/importing.py): one
    figure per indicator, municipality and year. The same seed gives the same values; `changed`
    is the share of figures given another value (revisions); `only` keeps those codes. Returns
    the number of rows."""
    import csv

    from regioagenda.monitor.importing import COLUMNS

    values = random.Random(seed)  # noqa: S311 — test data, not secrets
    changes = random.Random(seed + 1)  # noqa: S311 — test data, not secrets
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for indicator in indicators:
            table = f"bench{indicator[-2:]}"
            url = f"https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table}"
            for code in codes:
                for year in years:
                    value = values.randint(1_000, 10_000_000) / 10
                    if changed and changes.random() < changed:
                        value += 1
                    if only is not None and code not in only:
                        continue
                    writer.writerow(
                        [
                            indicator,
                            code,
                            f"{year}-01-01",
                            f"{year}-12-31",
                            f"{year}JJ00",
                            f"{value:.1f}",
                            "CBS StatLine",
                            table,
                            url,
                            "2026-07-02",
                            "",
                        ]
                    )
                    rows += 1
    return rows


if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regioagenda.settings")
    import django

    django.setup()
    parser = argparse.ArgumentParser()
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--updates", type=int, default=20000)
    arguments = parser.parse_args()
    generate(arguments.municipalities, arguments.actions, arguments.updates)
