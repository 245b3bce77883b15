"""Soak test: the read mix with writes mixed in, at a fixed rate, for minutes (issue 9).

    uv run --frozen --group bench python bench/load/soak.py --minutes 10      # the real run
    uv run --frozen --group bench python bench/load/soak.py --minutes 1       # a quick check

The production-like stack of stack.py (its own PostgreSQL on port 8204, gunicorn on 8201,
nginx on 8203, Redis database 8; work files under /tmp/bench_faults) serves locust_writes.py
at `--rate` requests a second, `--write-share` of them API writes by editors with tokens.
Every `--sample-seconds`: the p95 of that window, the resident memory (VmRSS) of the gunicorn
master and workers summed, and the number of PostgreSQL connections to the database
(pg_stat_activity).

Verdicts (the issue's targets), counted from the first request: p95 of the last minute at most
20 % above the first minute's; memory at the end at most 10 % above memory after the first
minute; connections flat (never more than in the first minute, nor more than one per worker
plus one).
Runs shorter than two minutes compare the first and the last half instead of minutes. A run in
which more than 1 % of requests failed or less than 90 % of the rate was sent is INVALID: the
server was overloaded, not soaked.

gunicorn's worker recycling (max_requests in deploy/gunicorn.conf.py) is switched off for the
soak, because it would hide a leak; `--keep-recycling` measures the production setting.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load import stack  # noqa: E402 — after the path is set

# A fixed folder, as stack.WORKDIR: the seeded database is kept there between runs.
WORKDIR = Path(os.environ.get("BENCH_FAULTS_WORKDIR", "/tmp/bench_faults"))  # noqa: S108
DATABASE = "bench_faults"
PG_PORT = 8204
APP_PORT = 8201
PROXY_PORT = 8203
REDIS_URL = "redis://127.0.0.1:6379/8"
LOCUSTFILE = ROOT / "bench" / "load" / "locust_writes.py"
# Failures of the application itself (or no answer), as opposed to nginx's 503 when more
# requests are in flight than it lets through (overload, see deploy/nginx-app.conf).
ERRORS = {"0", "500", "502", "504"}

# One editor per municipality, with a token and the actions that municipality leads.
EDITORS_SETUP = """
import datetime, json, sys
import django
django.setup()
from django.utils import timezone
from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.second_factor import give_second_factor
from regioagenda.accounts.tokens import issue_token
from regioagenda.agenda.models import Action
from regioagenda.regions.models import Municipality

admin, _ = User.objects.get_or_create(username="bench-beheerder", defaults={"is_staff": True})
Membership.objects.get_or_create(user=admin, role=Membership.Role.ADMINISTRATOR)
give_second_factor(admin)
editors = []
for municipality in Municipality.objects.select_related("region").order_by("code"):
    actions = [
        {"id": a.pk, "title": a.title, "topic": a.topic.slug if a.topic else None,
         "agreement": a.agreement.slug if a.agreement else None}
        for a in Action.objects.filter(lead=municipality).select_related("topic", "agreement")
        .order_by("pk")[:50]
    ]
    if not actions:
        continue
    user, _ = User.objects.get_or_create(
        username=f"bench-redacteur-{municipality.code}", defaults={"is_staff": True}
    )
    Membership.objects.get_or_create(
        user=user, role=Membership.Role.EDITOR, municipality=municipality
    )
    give_second_factor(user)
    _, key = issue_token(
        user, name="belastingtest", memberships=list(user.memberships.all()),
        expires_at=timezone.now() + datetime.timedelta(days=1), by=admin,
    )
    editors.append({"key": key, "municipality": municipality.code,
                    "region": municipality.region.slug, "actions": actions})
with open(sys.argv[1], "w") as out:
    json.dump(editors, out)
print(len(editors))
"""


def make_editors(env: dict[str, str], path: Path) -> int:
    """Editors with fresh tokens, written to `path` for locust_writes.py; how many."""
    result = subprocess.run(  # noqa: S603 — our own code and path
        [sys.executable, "-c", EDITORS_SETUP, str(path)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def write_pool(env: dict[str, str], path: Path) -> None:
    """The URLs of the read mix (bench/load/pool.py), for locustfile.py's readers."""
    subprocess.run(  # noqa: S603 — our own script and path
        [sys.executable, str(ROOT / "bench" / "load" / "pool.py"), str(path)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def warm_up(base_url: str, pool: Path) -> None:
    """Ask for one page of each kind twice, then every page of the pool once, so that the
    first minute, against which the last is compared, does not measure compiling templates in
    every worker and filling an empty page cache (run_load.py measures a cold start)."""
    kinds = json.loads(pool.read_text())
    first_of_each = [urls[0] for urls in kinds.values()]
    every_page = [url for urls in kinds.values() for url in urls]
    for url in [*first_of_each, *first_of_each, *every_page]:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(base_url + url, timeout=60).read()  # noqa: S310 — loopback


def start_locust(
    base_url: str,
    *,
    seconds: int,
    rate: float,
    write_share: float,
    editors: Path,
    pool: Path,
    request_log: Path,
    log: Path,
) -> subprocess.Popen:
    """locust_writes.py, headless, pinned to the load generator's core."""
    request_log.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LOAD_POOL": str(pool),
        "BENCH_RATE": str(rate),
        "BENCH_WRITE_SHARE": str(write_share),
        "BENCH_EDITORS": str(editors),
        "BENCH_REQUEST_LOG": str(request_log),
    }
    users = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv = ['locust']; from bench.load import locust_writes as w; "
            "print(sum(w.users_needed()))",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "--host", base_url, "--users", users, "--spawn-rate", users,
        "--run-time", f"{seconds}s", "--stop-timeout", "10", "--only-summary",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    return subprocess.Popen(  # noqa: S603 — a fixed program, our arguments
        stack.pinned(stack.LOADGEN_CORE, command),
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def read_request_log(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def requests_between(seconds: list[dict[str, Any]], start: float, end: float) -> dict[str, Any]:
    chosen = [s for s in seconds if start <= s["t"] < end]
    times = [ms for s in chosen for ms in s["ms"]]
    statuses: dict[str, int] = {}
    for second in chosen:
        for status, count in second.get("status", {}).items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "requests": sum(s["n"] for s in chosen),
        "failed": sum(s["fail"] for s in chosen),
        "errors": sum(count for status, count in statuses.items() if status in ERRORS),
        "statuses": dict(sorted(statuses.items())),
        "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95),
    }


def load_span(seconds: list[dict[str, Any]], fallback: tuple[float, float]) -> tuple[float, float]:
    """From the first to the end of the last second with requests: locust takes a few seconds
    to start, which must not count as a quiet first minute."""
    if not seconds:
        return fallback
    return min(s["t"] for s in seconds), max(s["t"] for s in seconds) + 1


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def server_processes(master: int) -> list[int]:
    return [master, *stack.worker_pids(master)]


def connections(pg: stack.Postgres, database: str) -> int:
    sql = f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}'"  # noqa: S608 — our constant
    return int(pg.psql(sql))


@dataclass
class Sample:
    at: float  # time.time()
    t: float  # seconds since locust was started
    p95_ms: float  # of the window that ends here
    requests: int
    failed: int
    rss_mib: float  # gunicorn master + workers
    workers: list[int]
    connections: int


def sample(
    pg: stack.Postgres, master: int, log: Path, started: float, window_start: float
) -> Sample:
    now = time.time()
    window = requests_between(read_request_log(log), window_start, now)
    pids = server_processes(master)
    rss = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError):  # a worker replaced just now
            rss += rss_kib(pid)
    return Sample(
        at=now,
        t=round(now - started, 1),
        p95_ms=window["p95_ms"],
        requests=window["requests"],
        failed=window["failed"],
        rss_mib=round(rss / 1024, 1),
        workers=pids[1:],
        connections=connections(pg, DATABASE),
    )


def print_sample(s: Sample) -> None:
    print(
        f"{s.t:7.1f} s  p95 {s.p95_ms:7.1f} ms  {s.requests:5d} req  {s.failed:4d} failed  "
        f"RSS {s.rss_mib:7.1f} MiB  {len(s.workers)} workers  {s.connections:3d} connections",
        flush=True,
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


@contextlib.contextmanager
def faults_stack(*, workers: int, fresh: bool) -> Iterator[stack.Running]:
    """stack.running_stack's steps on our own ports, folder and Redis database.

    Not running_stack itself: it gives every stack Redis database 5, and two stacks running at
    once (the load tests' and this) would then read each other's cached pages and counts."""
    WORKDIR.mkdir(parents=True, exist_ok=True)
    pg = stack.start_postgres(WORKDIR / "pg", port=PG_PORT)
    app = web = None
    try:
        marker = WORKDIR / f"seeded-{DATABASE}.ok"
        if fresh:
            marker.unlink(missing_ok=True)
        url = stack.create_database(pg, DATABASE, fresh=not marker.exists())
        env = stack.app_env(url, var_dir=WORKDIR / "var", redis_url=REDIS_URL, workers=workers)
        env["REGIOAGENDA_SITE_URL"] = f"http://127.0.0.1:{PROXY_PORT}"
        stack.prepare(env, None, marker=marker)
        app = stack.start_gunicorn(env, APP_PORT, log=WORKDIR / "gunicorn.log")
        web = stack.start_nginx(
            WORKDIR / "nginx", app_port=APP_PORT, proxy_port=PROXY_PORT, static_port=None
        )
        yield stack.Running(
            postgres=pg,
            env=env,
            gunicorn=app,
            nginx=web,
            app_url=f"http://127.0.0.1:{APP_PORT}",
            proxy_url=f"http://127.0.0.1:{PROXY_PORT}",
            static_url=None,
        )
    finally:
        stack.stop_process(web.process if web else None)
        stack.stop_process(app)
        pg.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=100, help="requests a second")
    parser.add_argument("--write-share", type=float, default=0.05)
    parser.add_argument("--sample-seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--keep-recycling", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="seed the database again")
    args = parser.parse_args()
    seconds = round(args.minutes * 60)
    if not args.keep_recycling:
        # gunicorn reads GUNICORN_CMD_ARGS after its config file; stack.app_env copies it.
        os.environ["GUNICORN_CMD_ARGS"] = "--max-requests 0"
    WORKDIR.mkdir(parents=True, exist_ok=True)
    editors_file = WORKDIR / "editors.json"
    request_log = WORKDIR / "requests-soak.jsonl"
    samples: list[Sample] = []
    with faults_stack(workers=args.workers, fresh=args.fresh) as run:
        editors = make_editors(run.env, editors_file)
        write_pool(run.env, WORKDIR / "pool.json")
        warm_up(run.proxy_url, WORKDIR / "pool.json")
        master = stack.gunicorn_master(run.gunicorn)
        print(
            f"Soak: {seconds} s at {args.rate:g} requests/s, {args.write_share:.0%} writes by "
            f"{editors} editors; gunicorn {master} with {args.workers} workers",
            flush=True,
        )
        locust = start_locust(
            run.proxy_url,
            seconds=seconds,
            rate=args.rate,
            write_share=args.write_share,
            editors=editors_file,
            pool=WORKDIR / "pool.json",
            request_log=request_log,
            log=WORKDIR / "locust-soak.log",
        )
        started = time.time()
        window_start = started
        try:
            while locust.poll() is None:
                time.sleep(max(0.0, window_start + args.sample_seconds - time.time()))
                if locust.poll() is not None:
                    break
                samples.append(sample(run.postgres, master, request_log, started, window_start))
                print_sample(samples[-1])
                window_start = time.time()
        finally:
            stack.stop_process(locust)  # when interrupted; after a normal end it has exited
        ended = time.time()
    if locust.returncode not in (0, 1):  # 1: some requests failed, which we count ourselves
        print((WORKDIR / "locust-soak.log").read_text()[-3000:])
        return 2
    return report(args, samples, read_request_log(request_log), started, ended)


def report(
    args: argparse.Namespace,
    samples: list[Sample],
    seconds: list[dict[str, Any]],
    started: float,
    ended: float,
) -> int:
    started, ended = load_span(seconds, (started, ended))
    span = min(60.0, (ended - started) / 2)
    first = requests_between(seconds, started, started + span)
    last = requests_between(seconds, ended - span, ended)
    whole = requests_between(seconds, started, ended)
    drift = last["p95_ms"] / first["p95_ms"] - 1
    after_first = [s for s in samples if s.at >= started + span] or samples
    memory_start, memory_end = after_first[0].rss_mib, samples[-1].rss_mib
    growth = memory_end / memory_start - 1
    counts = [s.connections for s in samples]
    first_counts = [s.connections for s in samples if s.at <= started + span] or counts[:1]
    flat = max(counts) <= max(max(first_counts), args.workers + 1)
    replaced = len({pid for s in samples for pid in s.workers}) - args.workers
    achieved = whole["requests"] / (ended - started)
    results = {
        "duration_s": round(ended - started, 1),
        "rate_target": args.rate,
        "rate_achieved": round(achieved, 1),
        "requests": whole["requests"],
        "failed": whole["failed"],
        "statuses": whole["statuses"],
        "compared_s": span,
        "p95_first_ms": first["p95_ms"],
        "p95_last_ms": last["p95_ms"],
        "p95_drift": round(drift, 3),
        "rss_after_first_mib": memory_start,
        "rss_end_mib": memory_end,
        "rss_growth": round(growth, 3),
        "connections_min": min(counts),
        "connections_max": max(counts),
        "workers_replaced": replaced,
        "samples": [asdict(s) for s in samples],
    }
    (WORKDIR / "soak-result.json").write_text(json.dumps(results, indent=1))
    label = "minute" if span == 60 else f"{span:.0f} s"
    print()
    failed_share = whole["failed"] / max(1, whole["requests"])
    print(
        f"Requests: {whole['requests']} in {ended - started:.0f} s ({achieved:.1f}/s, target "
        f"{args.rate:g}), failed {whole['failed']} ({failed_share:.2%})"
    )
    print(
        f"p95 first {label} {first['p95_ms']:.1f} ms, last {label} {last['p95_ms']:.1f} ms: "
        f"drift {drift:+.1%} (≤ +20 %) {verdict(drift <= 0.20)}"
    )
    print(
        f"Memory (gunicorn master + workers) after the first {label} {memory_start:.1f} MiB, "
        f"at the end {memory_end:.1f} MiB: growth {growth:+.1%} (≤ +10 %) "
        f"{verdict(growth <= 0.10)}"
    )
    print(
        f"PostgreSQL connections: min {min(counts)}, max {max(counts)} ({args.workers} workers): "
        f"{'flat' if flat else 'growing'} {verdict(flat)}"
    )
    if replaced:
        print(f"Note: {replaced} worker(s) replaced during the run (recycling or a crash).")
    # A server that did not keep up was not soaked at the rate: no verdict on drift then.
    kept_up = failed_share <= 0.01 and achieved >= 0.9 * args.rate
    if not kept_up:
        print(
            f"INVALID: the rate was not served (statuses {whole['statuses']}); "
            "lower --rate or give the server more room."
        )
    ok = kept_up and drift <= 0.20 and growth <= 0.10 and flat
    print(f"Soak: {verdict(ok)}  (details in {WORKDIR / 'soak-result.json'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
