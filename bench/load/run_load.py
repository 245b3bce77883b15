"""Load test of the public read mix against the production setup, in one command, one report.

    uv run --frozen --group bench python bench/load/run_load.py [--quick] [--seed-scale 1.0]

Starts the stack (stack.py: private PostgreSQL 15, gunicorn with deploy/gunicorn.conf.py,
nginx with deploy/nginx-app.conf in front; all pinned to core 1), writes the URL pool
(pool.py), saves static copies of those pages for nginx, and drives locust (locustfile.py,
pinned to core 0, open loop on a fixed arrival grid per user) through these runs:

1. nginx serving the saved pages, closed loop: the physical limit and the generator's ceiling
   (the generator's CPU is printed: near 100 % means the figure is the generator's, not nginx's).
2. nginx static, the trivial view (/bench/leeg/ through the proxy) and the app, each at the
   fixed rate: the app for `--seconds` (300), the references for a fifth of that.
3. Saturation, closed loop with as many users as the proxy lets through at once
   (max_conns in deploy/nginx.conf): the trivial view and the app.
4. Capacity: the fixed rate stepped up until p95 > 250 ms, errors, or the generator falls
   behind; the capacity is the last rate that passed.
5. Overload at 3 x capacity for `--overload-seconds` (60): status histogram, gunicorn worker
   pids before and after; then the fixed rate again: seconds until the p95 of a 5-s window
   is at most 250 ms.

Every figure is measured from locust's per-request events (LOAD_LOG), the first seconds of
each run (users starting) left out. Ratios: to nginx static and to the trivial view in the
same kind of run (fixed rate or saturation).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import redis

from bench.load import stack

HERE = Path(__file__).resolve().parent
TARGET_P95_MS = 250.0
TARGET_P99_MS = 1000.0
USER_RATE = 0.5  # requests per second per locust user: a response may take up to 2 s


@dataclass
class Figures:
    name: str
    target_rps: float | None
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int
    count: int
    statuses: Counter
    generator_cpu: float

    @property
    def error_rate(self) -> float:
        return self.errors / self.count if self.count else 0.0


def percentile(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (nan when empty)."""
    if not sorted_ms:
        return math.nan
    return sorted_ms[min(len(sorted_ms) - 1, max(0, math.ceil(q * len(sorted_ms)) - 1))]


def read_log(path: Path) -> list[tuple[float, float, int, str]]:
    records = []
    for line in path.read_text().splitlines():
        end, ms, status, kind = line.split(" ", 3)
        records.append((float(end), float(ms), int(status), kind))
    return records


def figures(
    name: str,
    records: list[tuple[float, float, int, str]],
    start: float,
    end: float,
    *,
    target_rps: float | None = None,
    generator_cpu: float = math.nan,
) -> Figures:
    """Figures of the requests that ended within [start, end)."""
    window = [r for r in records if start <= r[0] < end]
    ms = sorted(r[1] for r in window)
    statuses = Counter(r[2] for r in window)
    return Figures(
        name=name,
        target_rps=target_rps,
        rps=len(window) / (end - start) if end > start else 0.0,
        p50=percentile(ms, 0.50),
        p95=percentile(ms, 0.95),
        p99=percentile(ms, 0.99),
        errors=sum(n for status, n in statuses.items() if not 200 <= status < 300),
        count=len(window),
        statuses=statuses,
        generator_cpu=generator_cpu,
    )


@dataclass
class Run:
    records: list[tuple[float, float, int, str]]
    started: float
    ended: float
    cpu_samples: list[tuple[float, float]]  # (time, locust's CPU seconds so far)

    def generator_cpu(self, start: float, end: float) -> float:
        """The share of one core that locust used between start and end."""
        inside = [sample for sample in self.cpu_samples if start <= sample[0] <= end]
        if len(inside) < 2:
            return math.nan
        (t0, cpu0), (t1, cpu1) = inside[0], inside[-1]
        return (cpu1 - cpu0) / (t1 - t0) if t1 > t0 else math.nan


def run_locust(
    host: str,
    *,
    users: int,
    seconds: float,
    user_rate: float,
    mix: str,
    pool: Path,
    workdir: Path,
    stages: str | None = None,
) -> Run:
    """Run locust headless on the generator's core; return every request it made."""
    log = Path(tempfile.mkstemp(prefix="locust-", suffix=".log", dir=workdir)[1])
    env = {
        **os.environ,
        "LOAD_POOL": str(pool),
        "LOAD_MIX": mix,
        "LOAD_USER_RATE": str(user_rate),
        "LOAD_LOG": str(log),
    }
    # Always a shape, never `-t`: locust's run-time timer runs on gevent's clock, which is
    # only read when the loop starts, so an import that takes longer than the run (a busy
    # machine) ends the run at once.
    env["LOAD_STAGES"] = stages or f"{seconds}:{users}"
    command = [
        sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
        "--host", host, "--stop-timeout", "5", "--only-summary", "--loglevel", "ERROR",
        "--exit-code-on-error", "0",
    ]  # fmt: skip
    started = time.time()
    process = subprocess.Popen(  # noqa: S603 — our locust, fixed arguments
        stack.pinned(stack.LOADGEN_CORE, command),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "locust.stderr").open("ab"),
    )
    # The generator's CPU time, sampled, so that its share can be given for the measured
    # window alone (locust's own start-up takes seconds of CPU on a busy machine).
    cpu_samples: list[tuple[float, float]] = []
    try:
        while process.poll() is None:
            with contextlib.suppress(OSError, IndexError):
                fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks = int(fields[11]) + int(fields[12])  # utime, stime
                cpu_samples.append((time.time(), ticks / os.sysconf("SC_CLK_TCK")))
            time.sleep(0.5)
    except BaseException:
        stack.stop_process(process)
        raise
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command)
    ended = time.time()
    records = read_log(log)
    log.unlink()
    return Run(records=records, started=started, ended=ended, cpu_samples=cpu_samples)


def measure(
    name: str,
    host: str,
    *,
    rate: float | None,
    seconds: float,
    warmup: float,
    ctx: dict,
    mix: str = "read",
    closed_users: int = 0,
) -> Figures:
    """One run: at a fixed `rate`, or closed loop with `closed_users` users when rate is None."""
    if rate is None:
        users, user_rate = closed_users, 0.0
    else:
        users, user_rate = max(1, round(rate / USER_RATE)), USER_RATE
    run = run_locust(
        host,
        users=users,
        seconds=seconds + warmup,
        user_rate=user_rate,
        mix=mix,
        pool=ctx["pool"],
        workdir=ctx["workdir"],
    )
    begin = run.records[0][0] - run.records[0][1] / 1000 if run.records else run.started
    result = figures(
        name,
        run.records,
        begin + warmup,
        begin + warmup + seconds,
        target_rps=rate,
        generator_cpu=run.generator_cpu(begin + warmup, begin + warmup + seconds),
    )
    ctx["runs"][name] = run
    print(f"  {name}: {fmt_row(result)}", flush=True)
    return result


def passes(result: Figures) -> bool:
    """The fixed-rate target: p95 within 250 ms, no error, the rate really offered."""
    return (
        result.p95 <= TARGET_P95_MS
        and result.errors == 0
        and (result.target_rps is None or result.rps >= 0.95 * result.target_rps)
    )


def find_capacity(
    host: str, start_rate: float, *, step_seconds: float, warmup: float, ctx: dict
) -> tuple[float, list[Figures]]:
    """Step the fixed rate up by 15 % until it fails; down by 30 % first if the start fails."""
    steps: list[Figures] = []
    rate = start_rate
    result = measure(f"step {rate:.0f} rps", host, rate=rate, seconds=step_seconds,
                     warmup=warmup, ctx=ctx)  # fmt: skip
    steps.append(result)
    tries = 0
    while not passes(result) and tries < 5 and rate > 2:
        rate *= 0.7
        tries += 1
        result = measure(f"step {rate:.0f} rps", host, rate=rate, seconds=step_seconds,
                         warmup=warmup, ctx=ctx)  # fmt: skip
        steps.append(result)
    if not passes(result):
        return 0.0, steps
    capacity = rate
    for _ in range(12):
        rate *= 1.15
        result = measure(f"step {rate:.0f} rps", host, rate=rate, seconds=step_seconds,
                         warmup=warmup, ctx=ctx)  # fmt: skip
        steps.append(result)
        if not passes(result):
            break
        capacity = rate
    return capacity, steps


def recovery_seconds(
    records: list[tuple[float, float, int, str]], drop_at: float, until: float
) -> float | None:
    """Seconds from the drop to the end of the first 5-s window (sliding by 1 s) that meets the
    target: p95 ≤ 250 ms and only 2xx (fast 503s alone would pass the p95)."""
    offset = 0.0
    while drop_at + offset + 5 <= until:
        window = [r for r in records if drop_at + offset <= r[0] < drop_at + offset + 5]
        ms = sorted(r[1] for r in window)
        if ms and percentile(ms, 0.95) <= TARGET_P95_MS and all(200 <= r[2] < 300 for r in window):
            return offset + 5
        offset += 1
    return None


def gunicorn_log_events(log: Path, since: int) -> Counter:
    """Worker timeouts, kills and restarts that gunicorn logged after byte `since`."""
    text = log.read_bytes()[since:].decode(errors="replace")
    return Counter(
        {
            "worker timeouts": len(re.findall(r"WORKER TIMEOUT", text)),
            "workers killed": len(re.findall(r"was sent SIG(KILL|TERM)", text)),
            "workers booted": len(re.findall(r"Booting worker", text)),
        }
    )


def fmt_ms(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def fmt_share(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.0%}"


def fmt_row(result: Figures) -> str:
    target = f"{result.target_rps:.0f}" if result.target_rps else "closed"
    return (
        f"target {target}, {result.rps:.1f} rps, p50 {fmt_ms(result.p50)} ms, "
        f"p95 {fmt_ms(result.p95)} ms, p99 {fmt_ms(result.p99)} ms, errors {result.errors}, "
        f"generator CPU {fmt_share(result.generator_cpu)}"
    )


def ratio(result: Figures, reference: Figures | None) -> str:
    if reference is None or not reference.rps or math.isnan(reference.p95) or not reference.p95:
        return "–"
    return f"rps {result.rps / reference.rps:.2f}×, p95 {result.p95 / reference.p95:.1f}×"


def table(rows: list[tuple[Figures, Figures | None, Figures | None]]) -> str:
    lines = [
        "| run | offered rps | achieved rps | p50 ms | p95 ms | p99 ms | errors | gen CPU "
        "| vs nginx static | vs trivial view |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for result, nginx, trivial in rows:
        target = f"{result.target_rps:.0f}" if result.target_rps else "closed loop"
        lines.append(
            f"| {result.name} | {target} | {result.rps:.1f} | {fmt_ms(result.p50)} "
            f"| {fmt_ms(result.p95)} | {fmt_ms(result.p99)} | {result.errors} "
            f"| {fmt_share(result.generator_cpu)} | {ratio(result, nginx)} "
            f"| {ratio(result, trivial)} |"
        )
    return "\n".join(lines)


def per_kind_table(result_records: list, start: float, end: float) -> str:
    lines = [
        "| page | requests | p50 ms | p95 ms | p99 ms | non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    kinds = sorted({r[3] for r in result_records})
    for kind in kinds:
        sub = figures(kind, [r for r in result_records if r[3] == kind], start, end)
        lines.append(
            f"| {kind} | {sub.count} | {fmt_ms(sub.p50)} | {fmt_ms(sub.p95)} "
            f"| {fmt_ms(sub.p99)} | {sub.errors} |"
        )
    return "\n".join(lines)


def unloaded_times(base_url: str, urls: dict[str, list[str]], repeat: int) -> str:
    """Each kind of page `repeat` times, one request at a time: the service time without load."""
    lines = ["| page | median ms | max ms |", "|---|---:|---:|"]
    for kind, paths in urls.items():
        times = []
        for n in range(repeat):
            request = urllib.request.Request(  # noqa: S310 — the stack's own loopback URL
                base_url + paths[n % len(paths)], headers={"Accept-Language": "nl"}
            )
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                response.read()
            times.append((time.perf_counter() - started) * 1000)
        lines.append(f"| {kind} | {fmt_ms(statistics.median(times))} | {fmt_ms(max(times))} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs, to try the scripts")
    parser.add_argument("--rate", type=float, default=100.0, help="the fixed rate (rps)")
    parser.add_argument("--seconds", type=float, help="the app at the fixed rate (300)")
    parser.add_argument("--overload-seconds", type=float, help="at 3 x capacity (60)")
    parser.add_argument(
        "--seed-scale", type=float, help="bench/seed_large.py at this scale (default: small)"
    )
    parser.add_argument(
        "--per-kind", type=int, help="actions, proposals, indicators in the pool (200; quick 50)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--workdir", type=Path, default=stack.WORKDIR)
    parser.add_argument("--fresh", action="store_true", help="drop and seed the database again")
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args()
    quick = args.quick
    fixed_seconds = args.seconds or (30 if quick else 300)
    ref_seconds = 10 if quick else 60
    sat_seconds = 10 if quick else 30
    step_seconds = 10 if quick else 30
    overload_seconds = args.overload_seconds or (15 if quick else 60)
    recovery_window = 30 if quick else 60
    warmup = 3 if quick else 5
    cap = stack.max_conns()
    per_kind = args.per_kind or (50 if quick else 200)

    args.workdir.mkdir(parents=True, exist_ok=True)
    began = time.time()
    with stack.running_stack(
        workdir=args.workdir, seed_scale=args.seed_scale, workers=args.workers, fresh=args.fresh
    ) as s:
        assert s.static_url is not None
        print(f"stack up after {time.time() - began:.0f} s", flush=True)
        pool = args.workdir / "pool.json"
        subprocess.run(  # noqa: S603 — this folder's script, fixed arguments
            [sys.executable, str(HERE / "pool.py"), str(pool), "--per-kind", str(per_kind)],
            env=s.env,
            cwd=stack.ROOT,
            check=True,
        )
        urls = json.loads(pool.read_text())
        every_path = [path for paths in urls.values() for path in paths]
        saved = stack.save_static_copies(s.proxy_url, every_path, s.nginx.prefix / "html")
        print(f"{len(every_path)} pages saved for nginx ({saved / 1e6:.1f} MB)", flush=True)
        ctx = {"pool": pool, "workdir": args.workdir, "runs": {}}
        unloaded = unloaded_times(s.app_url, urls, repeat=5)
        print(unloaded, flush=True)
        # Saving the copies went through the page cache for every URL of the pool; start the
        # runs from an empty cache instead, as after a deploy (only our own Redis database).
        redis.Redis.from_url(s.env["REGIOAGENDA_REDIS_URL"]).flushdb()

        print("Saturation (closed loop):", flush=True)
        nginx_sat = measure("nginx static, saturation", s.static_url, rate=None,
                            seconds=sat_seconds, warmup=warmup, ctx=ctx,
                            closed_users=50)  # fmt: skip
        trivial_sat = measure("trivial view, saturation", s.proxy_url, rate=None,
                              seconds=sat_seconds, warmup=warmup, ctx=ctx, mix="trivial",
                              closed_users=cap)  # fmt: skip
        app_sat = measure("app mix, saturation", s.proxy_url, rate=None, seconds=sat_seconds,
                          warmup=warmup, ctx=ctx, closed_users=cap)  # fmt: skip

        print(f"Fixed rate ({args.rate:.0f} rps):", flush=True)
        nginx_fixed = measure("nginx static, fixed rate", s.static_url, rate=args.rate,
                              seconds=ref_seconds, warmup=warmup, ctx=ctx)  # fmt: skip
        trivial_fixed = measure("trivial view, fixed rate", s.proxy_url, rate=args.rate,
                                seconds=ref_seconds, warmup=warmup, ctx=ctx,
                                mix="trivial")  # fmt: skip
        app_fixed = measure("app mix, fixed rate", s.proxy_url, rate=args.rate,
                            seconds=fixed_seconds, warmup=warmup, ctx=ctx)  # fmt: skip
        fixed_run = ctx["runs"]["app mix, fixed rate"]

        print("Capacity (fixed rate, stepped):", flush=True)
        capacity, steps = find_capacity(
            s.proxy_url,
            max(5.0, 0.6 * app_sat.rps),
            step_seconds=step_seconds,
            warmup=warmup,
            ctx=ctx,
        )

        # Without a capacity (no stepped rate passed), 3 x the fixed rate stands in for it.
        overload_rate = 3 * (capacity or args.rate)
        print(f"Overload ({overload_rate:.0f} rps), then {args.rate:.0f} rps:", flush=True)
        master = stack.gunicorn_master(s.gunicorn)
        pids_before = stack.worker_pids(master)
        log_offset = (args.workdir / "gunicorn.log").stat().st_size
        over_users = max(1, round(overload_rate / USER_RATE))
        fixed_users = max(1, round(args.rate / USER_RATE))
        run = run_locust(
            s.proxy_url,
            users=over_users,
            seconds=overload_seconds + recovery_window + warmup,
            user_rate=USER_RATE,
            mix="read",
            pool=pool,
            workdir=args.workdir,
            stages=f"{overload_seconds + warmup}:{over_users},{recovery_window}:{fixed_users}",
        )
        drop_at = run.started + warmup + overload_seconds
        # locust needs a moment to start; the shape's clock starts with its first user.
        if run.records:
            first = run.records[0][0] - run.records[0][1] / 1000
            drop_at = first + warmup + overload_seconds
        overload = figures(
            f"overload, 3 × capacity ({overload_rate:.0f} rps)",
            run.records,
            drop_at - overload_seconds,
            drop_at,
            target_rps=overload_rate,
            generator_cpu=run.generator_cpu(drop_at - overload_seconds, drop_at),
        )
        after_drop = figures(
            f"after the drop ({args.rate:.0f} rps, {recovery_window:.0f} s)",
            run.records,
            drop_at,
            drop_at + recovery_window,
            target_rps=args.rate,
            generator_cpu=run.generator_cpu(drop_at, drop_at + recovery_window),
        )
        recovered = recovery_seconds(run.records, drop_at, drop_at + recovery_window)
        time.sleep(1)
        pids_after = stack.worker_pids(master)
        worker_events = gunicorn_log_events(args.workdir / "gunicorn.log", log_offset)
        print(f"  {overload.name}: {fmt_row(overload)}", flush=True)

    not_allowed = {
        status: count
        for status, count in overload.statuses.items()
        if not (200 <= status < 300 or status in (429, 503))
    }
    cores = os.cpu_count()
    pg_summary = ", ".join(
        f"{name}={stack.PG_SETTINGS[name]}"
        for name in ("shared_buffers", "effective_cache_size", "work_mem", "jit")
    )
    data = (
        f"bench/seed_large.py --scale {args.seed_scale}"
        if args.seed_scale
        else "small seed (Leidse regio + generated)"
    )
    report = [
        f"# Load test, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"Machine: {cores} cores ({platform.processor() or platform.machine()}), "
        f"Python {platform.python_version()}, loopback only. Load generator (locust, one "
        f"process) pinned to core {stack.LOADGEN_CORE}; nginx, gunicorn "
        f"({args.workers} sync workers, deploy/gunicorn.conf.py) and PostgreSQL 15 (private "
        f"instance, {pg_summary}) pinned to core {stack.SERVER_CORE}; Redis cache (not "
        f"pinned). Data: {data}; "
        f"URL pool: {', '.join(f'{k} {len(v)}' for k, v in urls.items())}. "
        f"The app is measured through nginx (deploy/nginx-app.conf, max_conns={cap}), as in "
        f"production. {'QUICK run: short durations, figures indicative only.' if quick else ''}",
        "",
        table(
            [
                (nginx_sat, None, trivial_sat),
                (trivial_sat, nginx_sat, None),
                (app_sat, nginx_sat, trivial_sat),
                (nginx_fixed, None, trivial_fixed),
                (trivial_fixed, nginx_fixed, None),
                (app_fixed, nginx_fixed, trivial_fixed),
                *[(step, nginx_fixed, trivial_fixed) for step in steps],
                (overload, nginx_sat, trivial_sat),
                (after_drop, nginx_fixed, trivial_fixed),
            ]
        ),
        "",
        f"Generator ceiling: {nginx_sat.rps:.0f} rps against nginx static at "
        f"{fmt_share(nginx_sat.generator_cpu)} of its core"
        + (
            " (the generator, not nginx, is the limit: nginx static is at least this)."
            if nginx_sat.generator_cpu >= 0.85
            else "."
        ),
        "",
        f"Targets at the fixed rate ({args.rate:.0f} rps for {fixed_seconds:.0f} s): "
        f"p95 {fmt_ms(app_fixed.p95)} ms (≤ {TARGET_P95_MS:.0f}: "
        f"{'yes' if app_fixed.p95 <= TARGET_P95_MS else 'NO'}), p99 {fmt_ms(app_fixed.p99)} ms "
        f"(≤ {TARGET_P99_MS:.0f}: {'yes' if app_fixed.p99 <= TARGET_P99_MS else 'NO'}), "
        f"errors {app_fixed.errors} ({'yes' if app_fixed.errors == 0 else 'NO'}), achieved "
        f"{app_fixed.rps:.1f} rps; statuses {dict(sorted(app_fixed.statuses.items()))}.",
        "",
        f"Capacity (highest stepped rate with p95 ≤ {TARGET_P95_MS:.0f} ms, no errors): "
        f"{capacity:.0f} rps ({capacity / nginx_sat.rps:.2%} of nginx static, "
        f"{capacity / trivial_sat.rps if trivial_sat.rps else math.nan:.2f}× the trivial view's "
        "saturation).",
        "",
        f"Overload at {overload_rate:.0f} rps"
        f"{'' if capacity else ' (no stepped rate passed: 3 x the fixed rate instead)'} "
        f"for {overload_seconds:.0f} s: statuses "
        f"{dict(sorted(overload.statuses.items()))}; "
        f"{'only 2xx/429/503' if not not_allowed else 'NOT ALLOWED: ' + str(not_allowed)} "
        "(status 0 = no answer); gunicorn workers before "
        f"{pids_before}, after {pids_after} "
        f"({'unchanged' if pids_before == pids_after else 'CHANGED'}); gunicorn log: "
        f"{dict(worker_events)}.",
        "",
        "Recovery: "
        + (
            f"a 5-s window had p95 ≤ {TARGET_P95_MS:.0f} ms and only 2xx again {recovered:.0f} s "
            "after "
            f"the load dropped to {args.rate:.0f} rps "
            f"({'within' if recovered <= 30 else 'NOT within'} 30 s)."
            if recovered is not None
            else f"NOT within {recovery_window:.0f} s."
        ),
        "",
        "One request at a time, straight to gunicorn, before the runs (5 of each; after the "
        "copies were saved through the proxy, so cached pages may answer from the cache):",
        "",
        unloaded,
        "",
        f"The app at the fixed rate, by page ({app_fixed.count} requests):",
        "",
        per_kind_table(
            fixed_run.records,
            fixed_run.records[0][0] + warmup if fixed_run.records else 0,
            math.inf,
        ),
        "",
        f"Total time: {time.time() - began:.0f} s.",
    ]
    text = "\n".join(report)
    print()
    print(text)
    output = args.output or args.workdir / "report.md"
    output.write_text(text + "\n")


if __name__ == "__main__":
    main()
