"""Generate a large region for the benchmarks: many municipalities, actions and updates.

    uv run python bench/generate.py --municipalities 50 --actions 2000 --updates 20000

Writes into the database DATABASE_URL points at (the benchmark script gives it a temporary
SQLite file). The region is invented ("bench-regio", codes GM9000…); its vision is the Leidse
regio's, so that topics and agreements exist.
"""

import argparse
import datetime
import itertools
import random
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Rows per INSERT: small enough for SQLite's limit on variables, large enough to be quick.
BATCH = 1000


def generate(municipalities: int, actions: int, updates: int, seed: int = 2027) -> None:
    from django.db import transaction

    from regioagenda.accounts.models import User
    from regioagenda.vision.dataset import load_region

    rng = random.Random(seed)  # noqa: S311 — test data, not secrets
    region = load_region(ROOT / "regioagenda" / "data" / "regions" / "leidse-regio").region
    author = User.objects.create_user("bench")
    with transaction.atomic():
        members = add_municipalities(region, municipalities, rng)
        created = add_actions(region, members, actions, updates, rng, author)
        add_round(region, members, created[:20], rng, author)


def add_municipalities(region, total: int, rng: random.Random) -> list:
    """Invented municipalities ("Benchgemeente n", GM9000…) up to `total` in the region; returns
    all of the region's municipalities."""
    from regioagenda.regions.models import Municipality

    extra = [
        Municipality(
            region=region,
            code=f"GM{9000 + n:04d}",
            name=f"Benchgemeente {n}",
            slug=f"bench-{n}",
            population=rng.randint(5_000, 150_000),
            population_date=datetime.date(2026, 1, 1),
        )
        for n in range(max(0, total - region.municipalities.count()))
    ]
    Municipality.objects.bulk_create(extra, batch_size=BATCH)
    return list(region.municipalities.all())


def add_actions(
    region,
    members: list,
    actions: int,
    updates: int,
    rng: random.Random,
    author,
    *,
    start: datetime.date = datetime.date(2024, 1, 1),
    days: int = 1000,
    details: Callable[[int, Any], None] | None = None,
) -> list:
    """`actions` actions on the region's topics, led by and shared among `members`, with
    `updates` progress updates from `start` over `days` days, two milestones and one budget
    line each. `details(n, action)` may fill in more of each action before it is stored."""
    from regioagenda.agenda.models import Action, BudgetLine, Milestone, ProgressUpdate
    from regioagenda.vision.models import Topic

    topics = list(Topic.objects.filter(region=region))
    made = []
    for n in range(actions):
        action = Action(
            region=region,
            topic=rng.choice(topics),
            lead=rng.choice(members),
            title=f"Actie {n}",
            status=rng.choice(Action.COURSE),
        )
        if details is not None:
            details(n, action)
        made.append(action)
    created = Action.objects.bulk_create(made, batch_size=BATCH)
    through = Action.participants.through
    through.objects.bulk_create(
        (
            through(action_id=action.pk, municipality_id=m.pk)
            for action in created
            for m in rng.sample(members, 3)
            if m.pk != action.lead_id
        ),
        batch_size=BATCH,
    )
    ProgressUpdate.objects.bulk_create(
        (
            ProgressUpdate(
                action=(action := rng.choice(created)),
                author=author,
                municipality=action.lead,
                percent=rng.randint(0, 100),
                text="Voortgang",
                reported_on=start + datetime.timedelta(days=rng.randint(0, days)),
            )
            for _ in range(updates)
        ),
        batch_size=BATCH,
    )
    Milestone.objects.bulk_create(
        (
            Milestone(
                action=action,
                title="Mijlpaal",
                planned_on=start + datetime.timedelta(days=rng.randint(0, days + 200)),
            )
            for action in created
            for _ in range(2)
        ),
        batch_size=BATCH,
    )
    BudgetLine.objects.bulk_create(
        (
            BudgetLine(
                action=action,
                year=2026,
                municipality=action.lead,
                amount=Decimal(rng.randint(1, 500) * 1000),
            )
            for action in created
        ),
        batch_size=BATCH,
    )
    return created


def add_round(region, members: list, actions: list, rng: random.Random, author) -> None:
    """A closed ranking round ("bench-ronde") on `actions`, with a ballot of every member."""
    from django.utils import timezone

    from regioagenda.prioritisation.models import Ballot, BallotEntry, Candidate, Round

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
        Candidate(round=round, position=n + 1, action=action) for n, action in enumerate(actions)
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


# A whole region over ten years, for seed_large.py ---------------------------------------------

VERBS = ["Versnellen", "Verkennen", "Opzetten", "Uitbreiden", "Verduurzamen", "Herinrichten"]
SUBJECTS = [
    "woningbouw",
    "warmtenet",
    "fietsroute",
    "laadinfrastructuur",
    "werklocaties",
    "groenblauwe verbinding",
    "jeugdhulp",
    "schuldhulpverlening",
    "arbeidsmarktregio",
    "binnenstadslogistiek",
    "OV-knooppunt",
    "recreatiegebied",
]
VENUE_KINDS = ["Dorpshuis", "Sporthal", "Bibliotheek", "Theater", "Park", "Kerk", "Markt"]
PROPOSAL_TITLES = [
    "Vaststellen omgevingsprogramma {}",
    "Krediet voor {}",
    "Regionale samenwerking {}",
    "Verordening {}",
    "Zienswijze op de begroting van de gemeenschappelijke regeling {}",
    "Uitvoeringsplan {}",
]
MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def link(model, field: str, pairs: Iterable[tuple[int, int]]) -> int:
    """Store (row, other row) pairs of a many-to-many field in bulk; returns how many."""
    m2m = model._meta.get_field(field)
    through = m2m.remote_field.through
    source, target = m2m.m2m_column_name(), m2m.m2m_reverse_name()
    rows = [through(**{source: a, target: b}) for a, b in pairs]
    through.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def bench_uuid(rng: random.Random):
    """A version 4 UUID from `rng`, so that the same seed gives the same keys."""
    import uuid

    return uuid.UUID(int=rng.getrandbits(128), version=4)


def add_bodies(region, members: list) -> int:
    """The council and college of each member without them and a chain of neighbours among the
    invented municipalities, as the data set's loader gives its own (events/dataset.py)."""
    from regioagenda.events.dataset import college_slug, council_slug
    from regioagenda.events.models import Neighbour
    from regioagenda.meetings.models import Body, BodyKind

    having = set(
        Body.objects.filter(region=region, kind=BodyKind.COUNCIL).values_list(
            "municipality_id", flat=True
        )
    )
    bodies = [
        body
        for m in members
        if m.pk not in having
        for body in (
            Body(
                region=region,
                kind=BodyKind.COUNCIL,
                municipality=m,
                slug=council_slug(m),
                name=f"Gemeenteraad {m.name}",
                name_en=f"Municipal council of {m.name}",
            ),
            Body(
                region=region,
                kind=BodyKind.COLLEGE,
                municipality=m,
                slug=college_slug(m),
                name=f"College van B&W {m.name}",
                name_en=f"Executive board of {m.name}",
            ),
        )
    ]
    Body.objects.bulk_create(bodies, batch_size=BATCH)
    invented = [m for m in members if m.code >= "GM9000"]
    Neighbour.objects.bulk_create(
        (
            Neighbour(municipality=a, neighbour=b)
            for left, right in itertools.pairwise(invented)
            for a, b in ((left, right), (right, left))
        ),
        batch_size=BATCH,
    )
    return len(bodies)


def action_details(region, members: list, rng: random.Random, first: datetime.date, days: int):
    """A function that gives an action made by `add_actions` a title, a description, a date in
    the `days` days from `first`, and an agreement instead of a topic for one in ten."""
    from django.utils import timezone

    from regioagenda.vision.models import Agreement

    agreements = list(Agreement.objects.filter(region=region))
    zone = timezone.get_current_timezone()

    def details(n: int, action) -> None:
        subject = rng.choice(SUBJECTS)
        action.title = f"{rng.choice(VERBS)} {subject} {action.lead.name} ({n})"
        action.description = f"De gemeenten werken samen aan {subject}, stap {n % 7 + 1}."
        day = first + datetime.timedelta(days=rng.randrange(days))
        action.created_at = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=zone)
        if agreements and rng.random() < 0.1:
            action.topic, action.agreement = None, rng.choice(agreements)
        if rng.random() < 0.2:
            action.status = rng.choice([*action.COURSE, action.Status.STOPPED])
        if n < 100:
            action.priority = n + 1

    return details


def enrich_actions(actions: list, members: list, rng: random.Random, author, today) -> int:
    """What an action gathers over its life: its status changes, budget lines over the years
    (municipalities and other funders) and achieved milestones. Returns the rows made."""
    from regioagenda.agenda.models import Action, BudgetLine, Milestone, StatusChange

    changes, lines, milestones = [], [], []
    for action in actions:
        created = action.created_at.date()
        steps = (
            Action.COURSE[: Action.COURSE.index(action.status) + 1]
            if action.status in Action.COURSE
            else [*Action.COURSE[: rng.randint(1, 3)], Action.Status.STOPPED]
        )
        span = max(1, (today - created).days)
        days = sorted(rng.randrange(span) for _ in steps)
        previous = ""
        for status, offset in zip(steps, days, strict=True):
            changes.append(
                StatusChange(
                    action=action,
                    from_status=previous,
                    to_status=status,
                    changed_on=created + datetime.timedelta(days=offset),
                    changed_by=author,
                )
            )
            previous = status
        for year in range(created.year, min(today.year + 2, created.year + 4)):
            if rng.random() < 0.5:
                funder = rng.random() < 0.2
                lines.append(
                    BudgetLine(
                        action=action,
                        year=year,
                        municipality=None if funder else rng.choice(members),
                        funder="Provincie Zuid-Holland" if funder else "",
                        amount=Decimal(rng.randint(1, 200) * 500),
                    )
                )
        planned = created + datetime.timedelta(days=rng.randint(30, 900))
        achieved = planned + datetime.timedelta(days=rng.randint(-20, 60))
        milestones.append(
            Milestone(
                action=action,
                title="Besluit in de colleges",
                planned_on=planned,
                achieved_on=achieved if achieved <= today else None,
            )
        )
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    BudgetLine.objects.bulk_create(lines, batch_size=BATCH)
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)
    return len(changes) + len(lines) + len(milestones)


def add_observations(region, members: list, count: int, years: range, rng: random.Random) -> int:
    """`count` figures over the region's indicators: first every municipality and year, then
    the districts and neighbourhoods (places), then newer revisions of the same figures, never
    a figure that exists. Each indicator keeps the period shape of its data set's figures (a
    year or a reference date). Returns the number made."""
    import statistics

    from regioagenda.competences.models import Place
    from regioagenda.monitor.models import Indicator, Observation

    indicators = list(Indicator.objects.filter(region=region).order_by("position", "pk"))
    existing = set(
        Observation.objects.filter(indicator__region=region).values_list(
            "indicator_id", "area_key", "period_start", "period_end", "revision"
        )
    )
    shapes = {}
    for indicator in indicators:
        found = list(indicator.observations.order_by("period_start")[:50])
        point = found[0].period_start == found[0].period_end if found else False
        day = (found[0].period_start.month, found[0].period_start.day) if point else (1, 1)
        base = statistics.median(float(o.value) for o in found) if found else 1000.0
        shapes[indicator.pk] = (point, day, base, rng.uniform(-0.03, 0.05))
    places = list(Place.objects.filter(municipality__region=region).order_by("code"))
    by_municipality = [(m, None, (m.population or 50_000) / 50_000) for m in members]
    by_place = [(p.municipality, p, rng.uniform(0.02, 0.2)) for p in places]
    rng.shuffle(by_place)
    made = []
    retrieved = datetime.date(years.stop, 2, 1)
    revision = 1
    while len(made) < count and revision < 10:
        for areas in (by_municipality, by_place):
            for municipality, place, factor in areas:
                for indicator in indicators:
                    point, (month, day), base, trend = shapes[indicator.pk]
                    for year in years:
                        if len(made) >= count:
                            break
                        start = datetime.date(year, month, day)
                        end = start if point else datetime.date(year, 12, 31)
                        key = place.code if place else municipality.code
                        if (indicator.pk, key, start, end, revision) in existing:
                            continue
                        value = base * factor * (1 + trend) ** (year - years.start)
                        value *= rng.uniform(0.97, 1.03) * (1 + 0.01 * (revision - 1))
                        made.append(
                            Observation(
                                indicator=indicator,
                                municipality=municipality,
                                place=place,
                                area_key=key,
                                period_start=start,
                                period_end=end,
                                period_label=(
                                    f"{day} {MONTHS[month - 1]} {year}" if point else str(year)
                                ),
                                value=Decimal(f"{value:.{indicator.decimals}f}"),
                                revision=revision,
                                source_title=indicator.source_title or "CBS StatLine",
                                source_table=indicator.source_table,
                                source_url=indicator.source_url,
                                retrieved_on=retrieved,
                            )
                        )
        revision += 1
    Observation.objects.bulk_create(made, batch_size=BATCH)
    return len(made)


def add_proposals(
    region,
    members: list,
    actions: list,
    count: int,
    first: datetime.date,
    today: datetime.date,
    rng: random.Random,
    author,
) -> tuple[int, int]:
    """`count` proposals of the members' councils and colleges from `first` to `today`, most
    past their concept, most with a submitted regional check (some with a second revision or
    an open draft). Returns the proposals and the checks made."""
    from django.utils import timezone

    from regioagenda.proposals.models import (
        AffectedMunicipality,
        Consistency,
        Effect,
        GoverningBody,
        ImpactCheck,
        Proposal,
        ProposalStatus,
    )
    from regioagenda.vision.models import Topic

    zone = timezone.get_current_timezone()
    topics = list(Topic.objects.filter(region=region).select_related("theme"))
    numbers: dict[int, int] = {}
    span = (today - first).days
    proposals = []
    for _ in range(count):
        municipality = rng.choice(members)
        numbers[municipality.pk] = numbers.get(municipality.pk, 0) + 1
        date = first + datetime.timedelta(days=rng.randrange(span))
        body = rng.choice(GoverningBody.values)
        draw = rng.random()
        if draw < 0.08:
            status = ProposalStatus.DRAFT
        elif draw < 0.11:
            status = ProposalStatus.WITHDRAWN
        elif (today - date).days < 60 or draw < 0.2:
            status = ProposalStatus.IN_PROCEDURE
        else:
            status = ProposalStatus.DECIDED
        decided = (
            min(today, date + datetime.timedelta(days=rng.randint(14, 120)))
            if status == ProposalStatus.DECIDED
            else None
        )
        subject = rng.choice(SUBJECTS)
        proposals.append(
            Proposal(
                municipality=municipality,
                body=body,
                number=(
                    f"{'RV' if body == GoverningBody.COUNCIL else 'BW'} "
                    f"{date.year % 100:02d}.{numbers[municipality.pk]:04d}"
                ),
                title=rng.choice(PROPOSAL_TITLES).format(subject),
                date=date,
                decision_date=decided,
                status=status,
                summary=f"Het voorstel gaat over {subject} in {municipality.name}.",
                decision="Het voorstel is aangenomen." if decided else "",
                created_by=author,
            )
        )
    proposals = Proposal.objects.bulk_create(proposals, batch_size=BATCH)

    checks = []
    for proposal in proposals:
        draw = rng.random()
        submitted = 0
        if proposal.status != ProposalStatus.DRAFT and draw < 0.85:
            submitted = 2 if rng.random() < 0.15 else 1
        draft = (submitted and rng.random() < 0.08) or (not submitted and rng.random() < 0.4)
        for revision in range(1, submitted + (1 if draft else 0) + 1):
            is_submitted = revision <= submitted
            regional = rng.random() < 0.4 if is_submitted else rng.choice([None, True, False])
            day = proposal.date + datetime.timedelta(days=rng.randint(1, 10) * revision)
            checks.append(
                ImpactCheck(
                    proposal=proposal,
                    revision=revision,
                    state=ImpactCheck.State.SUBMITTED if is_submitted else ImpactCheck.State.DRAFT,
                    consistency=rng.choice(Consistency.values),
                    regional=regional,
                    coordination_needed=bool(regional) and rng.random() < 0.3,
                    consequences="Gevolgen voor de buurgemeenten." if regional else "",
                    created_by=author,
                    submitted_by=author if is_submitted else None,
                    submitted_at=(
                        datetime.datetime(day.year, day.month, day.day, 12, tzinfo=zone)
                        if is_submitted
                        else None
                    ),
                )
            )
    checks = ImpactCheck.objects.bulk_create(checks, batch_size=BATCH)

    by_proposal = {p.pk: p for p in proposals}
    topic_rows, theme_rows, action_rows, with_rows, affected = [], [], [], [], []
    for check in checks:
        own = by_proposal[check.proposal_id].municipality
        chosen = rng.sample(topics, rng.randint(1, 2))
        topic_rows += [(check.pk, t.pk) for t in chosen]
        theme_rows += sorted({(check.pk, t.theme_id) for t in chosen})
        if actions and rng.random() < 0.3:
            action_rows += [(check.pk, a.pk) for a in set(rng.sample(actions, rng.randint(1, 2)))]
        others = rng.sample([m for m in members if m.pk != own.pk], 3)
        if check.coordination_needed:
            with_rows += [(check.pk, m.pk) for m in others[: rng.randint(1, 2)]]
        if check.regional:
            affected += [
                AffectedMunicipality(
                    impact_check=check,
                    municipality=m,
                    code=m.code,
                    name=m.name,
                    effect=rng.choice(Effect.values),
                )
                for m in others[: rng.randint(1, 3)]
            ]
    for field, rows in (
        ("topics", topic_rows),
        ("themes", theme_rows),
        ("actions", action_rows),
        ("coordinate_with", with_rows),
    ):
        link(ImpactCheck, field, rows)
    AffectedMunicipality.objects.bulk_create(affected, batch_size=BATCH)
    return len(proposals), len(checks)


def add_events(
    region, members: list, count: int, first: datetime.date, days: int, rng: random.Random
) -> int:
    """`count` events from `first` over `days` days at venues across the members, nearly all
    published (a few waiting, rejected or unconfirmed), some recurring, multi-day or
    cancelled, with categories, audiences and themes. Returns the number made."""
    from django.utils import timezone

    from regioagenda.events.models import Audience, Category, Event
    from regioagenda.vision.models import Theme

    zone = timezone.get_current_timezone()
    categories = list(Category.objects.filter(region=region))
    audiences = list(Audience.objects.filter(region=region))
    themes = list(Theme.objects.filter(region=region))
    Moderation = Event.Moderation
    events = []
    for n in range(count):
        day = first + datetime.timedelta(days=rng.randrange(days))
        start = datetime.datetime(day.year, day.month, day.day, rng.randint(9, 20), tzinfo=zone)
        outside = rng.random() < 0.02
        municipality = None if outside else rng.choice(members)
        town = "Den Haag"
        draw = rng.random()
        events.append(
            Event(
                region=region,
                uid=bench_uuid(rng),
                title=f"{rng.choice(['Festival', 'Markt', 'Concert', 'Lezing', 'Open dag'])} "
                f"{rng.choice(SUBJECTS)} {n}",
                description="<p>Een evenement in de regio.</p>",
                start=start,
                end=start + datetime.timedelta(hours=rng.choice([2, 3, 4, 8, 26, 50])),
                all_day=draw < 0.05,
                recurrence=(
                    "FREQ=WEEKLY;COUNT=4"
                    if n % 20 == 0
                    else "FREQ=MONTHLY;COUNT=6"
                    if n % 97 == 0
                    else ""
                ),
                venue=f"{rng.choice(VENUE_KINDS)} {municipality.name if municipality else town}",
                municipality=municipality,
                place_outside_region=town if outside else "",
                organiser_name=f"Stichting {rng.choice(SUBJECTS).capitalize()}",
                organiser_email="bench@example.org",
                expected_visitors=rng.choice([50, 150, 400, 800, 2500, 6000, 15000]),
                status=Event.Status.CANCELLED if rng.random() < 0.02 else Event.Status.SCHEDULED,
                regional=rng.random() < 0.03,
                moderation=(
                    Moderation.PENDING
                    if draw > 0.98
                    else Moderation.REJECTED
                    if draw > 0.97
                    else Moderation.UNCONFIRMED
                    if draw > 0.96
                    else Moderation.PUBLISHED
                ),
                token=f"seed-{n}",
            )
        )
    events = Event.objects.bulk_create(events, batch_size=BATCH)
    for field, choices in (("categories", categories), ("audiences", audiences)):
        link(
            Event,
            field,
            ((e.pk, c.pk) for e in events for c in rng.sample(choices, rng.randint(1, 2))),
        )
    link(Event, "themes", ((e.pk, rng.choice(themes).pk) for e in events if rng.random() < 0.3))
    return len(events)


def add_meetings(
    region, members: list, count: int, first: datetime.date, days: int, rng: random.Random, author
) -> int:
    """`count` meetings of the region's bodies from `first` over `days` days, most public."""
    from django.utils import timezone

    from regioagenda.meetings.models import Body, Meeting, MeetingKind
    from regioagenda.vision.models import Theme

    zone = timezone.get_current_timezone()
    bodies = list(Body.objects.filter(region=region).order_by("slug"))
    themes = list(Theme.objects.filter(region=region))
    meetings = []
    for n in range(count):
        day = first + datetime.timedelta(days=rng.randrange(days))
        start = datetime.datetime(
            day.year, day.month, day.day, rng.choice([10, 14, 19]), tzinfo=zone
        )
        organiser = rng.choice(members)
        meetings.append(
            Meeting(
                region=region,
                uid=bench_uuid(rng),
                kind=rng.choice(MeetingKind.values),
                title=f"Bijeenkomst over {rng.choice(SUBJECTS)} ({n})",
                description="Raadsleden en colleges van de regio praten samen.",
                start=start,
                end=start + datetime.timedelta(hours=rng.choice([2, 3])),
                location=f"Gemeentehuis {organiser.name}",
                organiser=organiser,
                public=rng.random() < 0.9,
                created_by=author,
            )
        )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    link(
        Meeting,
        "bodies",
        (
            (m.pk, b.pk)
            for m in meetings
            for b in rng.sample(bodies, min(len(bodies), rng.randint(1, 3)))
        ),
    )
    link(Meeting, "themes", ((m.pk, rng.choice(themes).pk) for m in meetings))
    return len(meetings)


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
