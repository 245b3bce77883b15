"""Benchmark the public key pages at two sizes ten times apart (bench/seed_large.py).

    uv run --frozen python bench/bench_key_pages.py [--repeat 10] [--scales 0.1,1.0]
    uv run --frozen python bench/bench_key_pages.py --database-url postgres://postgres@127.0.0.1:5432/NAME

For each scale a fresh process and a fresh database: a SQLite file in a temporary folder, or with
`--database-url` a PostgreSQL database NAME_s10, NAME_s100 … made next to NAME (dropped and made
again; `--reuse` keeps one that is already seeded). The database is migrated and seeded with
seed_large.py; then each page is asked for anonymously through Django's test client: one
request to warm up, then `--repeat` timed ones. Prints the median and p95 in ms, the queries of
one request and the size, and at the end the ratio large/small per page.

The page cache (REGIOAGENDA_PAGE_CACHE_SECONDS) is off unless `--page-cache` is given, so that
the figures are the cost of rendering a page; with it, every timed request after the first is a
cache hit.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
RESULT = "RESULT "


def pages() -> list[tuple[str, str]]:
    """The key pages of the seeded region: (label, path). A page of one row takes a row in the
    middle of the table, so that both sizes show a comparable one."""
    from regioagenda.agenda.models import Action
    from regioagenda.monitor.models import Indicator
    from regioagenda.proposals.models import ImpactCheck, Proposal, ProposalStatus

    actions = Action.objects.order_by("pk")
    action = actions[actions.count() // 2]
    # The indicator with the most figures: the heaviest indicator page.
    indicator = max(Indicator.objects.all(), key=lambda i: i.observations.count())
    proposals = (
        Proposal.objects.exclude(status=ProposalStatus.DRAFT)
        .filter(checks__state=ImpactCheck.State.SUBMITTED)
        .order_by("pk")
    )
    proposal = proposals[proposals.count() // 2]
    return [
        ("home", "/"),
        ("uitvoeringsagenda", "/uitvoeringsagenda/"),
        ("actie", action.get_absolute_url()),
        ("monitor", "/monitor/"),
        ("indicator", indicator.get_absolute_url()),
        ("voorstel", proposal.get_absolute_url()),
        ("evenementen", "/evenementen/"),
        ("iCal-feed", "/evenementen/agenda.ics"),
        ("gemeente Leiden", "/gemeenten/leiden/"),
    ]


def measure(scale: float, repeat: int, reuse: bool) -> None:
    """In this process: migrate, seed at `scale` (unless `reuse` finds a seeded database) and
    time the pages; the results go to stdout as one JSON line."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regioagenda.settings")
    # The temporary folder has no collected static files; the pages do not need them here.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from seed_large import seed

    from regioagenda.regions.models import Region

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if reuse and Region.objects.exists():
        print(f"schaal {scale}: bestaande database {connection.settings_dict['NAME']}", flush=True)
    else:
        made = seed(scale)
        print(
            f"schaal {scale}: {made['acties']:,} acties, {made['waarnemingen']:,} waarnemingen, "
            f"{made['voorstellen']:,} voorstellen, {made['evenementen']:,} evenementen "
            f"(migreren en vullen {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    settings.ALLOWED_HOSTS = ["testserver"]
    # Each request would empty the query log that CaptureQueriesContext reads.
    request_started.disconnect(reset_queries)
    client = Client()
    results = {}
    for label, path in pages():

        def fetch(path: str = path):  # type: ignore[no-untyped-def]
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        fetch()  # warm up: the first request fills what the process keeps
        with CaptureQueriesContext(connection) as queries:
            body = fetch().content
        timings = []
        for _ in range(repeat):
            begun = time.perf_counter()
            fetch()
            timings.append((time.perf_counter() - begun) * 1000)
        timings.sort()
        row = {
            "path": path,
            "median": statistics.median(timings),
            "p95": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
            "queries": len(queries),
            "kib": len(body) / 1024,
        }
        results[label] = row
        print(
            f"  {label:<18} {path:<32} median {row['median']:8.1f} ms  p95 {row['p95']:8.1f} ms"
            f"  {row['queries']:5} queries  {row['kib']:7.0f} KiB",
            flush=True,
        )
    print(RESULT + json.dumps({"scale": scale, "pages": results}), flush=True)


def postgres_database(base: str, scale: float, reuse: bool) -> str:
    """The address of a database for `scale` beside the one `base` names, made afresh."""
    import psycopg

    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/')}_s{round(scale * 100)}"
    with psycopg.connect(base, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and not reuse:
            connection.execute(f'DROP DATABASE "{name}"')
        if not exists or not reuse:
            connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--scales", default="0.1,1.0", help="kommagescheiden, klein eerst")
    parser.add_argument("--database-url", help="PostgreSQL; anders SQLite in een tijdelijke map")
    parser.add_argument("--reuse", action="store_true", help="een al gevulde database meten")
    parser.add_argument("--page-cache", action="store_true", help="de paginacache aan laten")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child is not None:
        measure(arguments.child, arguments.repeat, arguments.reuse)
        return

    scales = [float(s) for s in arguments.scales.split(",")]
    found: dict[float, dict] = {}
    for scale in scales:
        folder = tempfile.mkdtemp(prefix="regioagenda-bench-")
        url = (
            postgres_database(arguments.database_url, scale, arguments.reuse)
            if arguments.database_url
            else f"sqlite:///{folder}/bench.sqlite3"
        )
        environment = {**os.environ, "DATABASE_URL": url, "REGIOAGENDA_VAR_DIR": folder}
        if not arguments.page_cache:
            environment["REGIOAGENDA_PAGE_CACHE_SECONDS"] = "0"
        # A fresh process per size, so that nothing is kept between them.
        child = subprocess.run(  # noqa: S603 — this script, with fixed arguments
            [
                sys.executable,
                __file__,
                "--child",
                str(scale),
                "--repeat",
                str(arguments.repeat),
                *(["--reuse"] if arguments.reuse else []),
            ],
            env=environment,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        for line in child.stdout.splitlines():
            if line.startswith(RESULT):
                found[scale] = json.loads(line[len(RESULT) :])["pages"]
            else:
                print(line)
    if len(scales) < 2:
        return
    small, large = found[scales[0]], found[scales[-1]]
    print(f"\nVerhouding schaal {scales[-1]} / schaal {scales[0]}:")
    print(f"  {'pagina':<18} {'median':>8} {'p95':>8} {'queries':>9} {'grootte':>9}")
    for label, row in large.items():
        base = small[label]
        print(
            f"  {label:<18} {row['median'] / base['median']:7.1f}x {row['p95'] / base['p95']:7.1f}x"
            f" {row['queries']:4}/{base['queries']:<4} {row['kib'] / max(base['kib'], 0.1):8.1f}x"
        )


if __name__ == "__main__":
    main()
