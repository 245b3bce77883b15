"""Database restart under load: the application must recover by itself (issue 9).

    uv run --frozen --group bench python bench/load/db_restart.py
    uv run --frozen --group bench python bench/load/db_restart.py --before 10 --after 30  # quick

The stack and load of soak.py (the read mix with writes, at `--rate` requests a second). After
`--before` seconds the private PostgreSQL instance is restarted (`pg_ctl restart -m fast`: every
connection is cut); the load goes on for `--after` seconds. Reported: the share of failed
requests in the minute from the restart (target ≤ 1 %), the seconds from the restart until
requests succeed again (target ≤ 10 s; the last application error, 500/502/504 or no answer,
after the restart), and whether gunicorn's master and workers are the same processes before
and after (the application was not restarted; worker recycling is switched off for the run,
so any new worker is a crash). A run with failures before the restart is INVALID (exit 2):
the server did not keep up with the rate, and the restart's effect cannot be told apart.

Recovery rests on Django's CONN_HEALTH_CHECKS (regioagenda/settings.py, through
dj-database-url's conn_health_checks=True): a worker's kept connection is tested before its
first use in each request and replaced when the database went away, instead of failing that
request.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load import stack  # noqa: E402 — after the path is set
from bench.load.soak import (  # noqa: E402
    ERRORS,
    WORKDIR,
    faults_stack,
    make_editors,
    read_request_log,
    requests_between,
    start_locust,
    verdict,
    warm_up,
    write_pool,
)

FAILED_SHARE_TARGET = 0.01
RECOVERY_TARGET_S = 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=100, help="requests a second")
    parser.add_argument("--write-share", type=float, default=0.05)
    parser.add_argument("--before", type=int, default=20, help="seconds of load before")
    parser.add_argument("--after", type=int, default=60, help="seconds of load after")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--fresh", action="store_true", help="seed the database again")
    args = parser.parse_args()
    # Without recycling, a worker PID that changes can only mean a crashed worker.
    os.environ["GUNICORN_CMD_ARGS"] = "--max-requests 0"
    WORKDIR.mkdir(parents=True, exist_ok=True)
    editors_file = WORKDIR / "editors.json"
    request_log = WORKDIR / "requests-restart.jsonl"
    with faults_stack(workers=args.workers, fresh=args.fresh) as run:
        make_editors(run.env, editors_file)
        write_pool(run.env, WORKDIR / "pool.json")
        warm_up(run.proxy_url, WORKDIR / "pool.json")
        master = stack.gunicorn_master(run.gunicorn)
        locust = start_locust(
            run.proxy_url,
            seconds=args.before + args.after,
            rate=args.rate,
            write_share=args.write_share,
            editors=editors_file,
            pool=WORKDIR / "pool.json",
            request_log=request_log,
            log=WORKDIR / "locust-restart.log",
        )
        started = time.time()
        try:
            time.sleep(args.before)
            workers_before = stack.worker_pids(master)
            print(f"{time.time() - started:5.1f} s: pg_ctl restart -m fast", flush=True)
            restart_at = time.time()
            run.postgres.restart()
            restarted_at = time.time()
            print(
                f"{restarted_at - started:5.1f} s: PostgreSQL accepts connections again "
                f"(restart took {restarted_at - restart_at:.1f} s)",
                flush=True,
            )
            locust.wait()
        finally:
            stack.stop_process(locust)  # when interrupted; after a normal end it has exited
        ended = time.time()
        master_alive = run.gunicorn.poll() is None
        workers_after = stack.worker_pids(master) if master_alive else []
    seconds = read_request_log(request_log)
    return report(
        args,
        seconds,
        started=started,
        restart_at=restart_at,
        restarted_at=restarted_at,
        ended=ended,
        same_processes=master_alive and workers_after == workers_before,
        workers=(workers_before, workers_after),
    )


def report(
    args: argparse.Namespace,
    seconds: list[dict],
    *,
    started: float,
    restart_at: float,
    restarted_at: float,
    ended: float,
    same_processes: bool,
    workers: tuple[list[int], list[int]],
) -> int:
    before = requests_between(seconds, started, restart_at)
    minute = requests_between(seconds, restart_at, restart_at + 60)
    share = minute["failed"] / max(1, minute["requests"])
    # Recovery counts the application's own failures (500, 502, 504, no answer), not nginx's
    # 503 for too many requests in flight. Requests are logged by the second they ended in; an
    # error in a later second than the restart's means the application still failed then.
    errors_after = [
        s["t"]
        for s in seconds
        if s["t"] >= int(restart_at) and any(s["status"].get(code) for code in ERRORS)
    ]
    recovery = (max(errors_after) + 1 - restart_at) if errors_after else 0.0
    after_recovery = requests_between(seconds, restart_at + recovery, ended)
    per_second = [
        {
            "t": round(s["t"] - restart_at),
            "n": s["n"],
            "fail": s["fail"],
            "errors": sum(s["status"].get(code, 0) for code in ERRORS),
        }
        for s in seconds
        if restart_at - 5 <= s["t"] < restart_at + 20
    ]
    results = {
        "before": before,
        "restart_minute": minute,
        "failed_share": round(share, 4),
        "restart_took_s": round(restarted_at - restart_at, 1),
        "recovered_after_s": round(recovery, 1),
        "after_recovery": after_recovery,
        "workers_before": workers[0],
        "workers_after": workers[1],
        "per_second": per_second,
    }
    (WORKDIR / "restart-result.json").write_text(json.dumps(results, indent=1))
    print()
    print(
        f"Before the restart: {before['requests']} requests, {before['failed']} failed, "
        f"p95 {before['p95_ms']:.1f} ms, statuses {before['statuses']}"
    )
    print("Per second around the restart (s from restart: requests/failed/errors):")
    print("  " + "  ".join(f"{r['t']:+d}:{r['n']}/{r['fail']}/{r['errors']}" for r in per_second))
    print(
        f"Minute from the restart: {minute['requests']} requests, {minute['failed']} failed "
        f"({share:.2%}; ≤ 1 %) {verdict(share <= FAILED_SHARE_TARGET)}; statuses "
        f"{minute['statuses']}"
    )
    print(
        f"Requests succeed again {recovery:.1f} s after the restart began (the restart itself "
        f"took {restarted_at - restart_at:.1f} s; ≤ {RECOVERY_TARGET_S} s) "
        f"{verdict(recovery <= RECOVERY_TARGET_S)}"
    )
    print(
        f"After recovery: {after_recovery['requests']} requests, {after_recovery['errors']} "
        f"errors, p95 {after_recovery['p95_ms']:.1f} ms"
    )
    print(
        f"gunicorn workers before {workers[0]}, after {workers[1]}: "
        f"{'the same processes' if same_processes else 'CHANGED'} {verdict(same_processes)}"
    )
    if before["failed"] > FAILED_SHARE_TARGET * max(1, before["requests"]):
        print(
            "INVALID: requests failed before the restart already (the server did not keep up "
            "with the rate); lower --rate or give the server more room."
        )
        return 2
    ok = share <= FAILED_SHARE_TARGET and recovery <= RECOVERY_TARGET_S and same_processes
    print(f"Database restart: {verdict(ok)}  (details in {WORKDIR / 'restart-result.json'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
