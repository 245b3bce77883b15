"""Locust users for the soak and database-restart tests: the read mix with writes mixed in.

    BENCH_RATE=100 BENCH_WRITE_SHARE=0.05 BENCH_EDITORS=/tmp/bench_faults/editors.json \\
    BENCH_REQUEST_LOG=/tmp/bench_faults/requests.jsonl LOAD_POOL=/tmp/bench_faults/pool.json \\
    uv run --frozen --group bench locust -f bench/load/locust_writes.py --headless \\
        --host http://127.0.0.1:8203 --users 120 --spawn-rate 120 --run-time 1m

- Readers: the read mix of bench/load/locustfile.py (its first user class; it needs LOAD_POOL,
  which soak.py writes with pool.py), else a small mix of public pages and API reads defined
  here. Together they send BENCH_RATE * (1 - BENCH_WRITE_SHARE) requests a second.
- Editors: API writes with the editors' tokens (soak.py makes them: one editor per municipality
  with the actions it leads): a progress update, or a change of an action's title with the
  version last seen (409 when another editor was first: a correct answer, counted as success).
  BENCH_RATE * BENCH_WRITE_SHARE writes a second.
  Anonymous form posts are left out: every request comes from the one loopback address, and
  the forms allow a few posts an hour per address (events.submission.rate_problem), so at this
  rate all but the first few would measure the refusal.
- Every request is logged per second (count, failures, statuses, response times) to
  BENCH_REQUEST_LOG, so
  that soak.py and db_restart.py can compute p95 per window and failures around a restart.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, User, constant_throughput, events, task

# locust puts only this file's folder on the path; the project root holds the package `bench`.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.load.open_loop import OpenLoop

RATE = float(os.environ.get("BENCH_RATE", "100"))
WRITE_SHARE = float(os.environ.get("BENCH_WRITE_SHARE", "0.05"))
# Each simulated user sends at most this many requests a second; the user count follows from
# the rate. Several users per request a second keep the rate when a response is slow.
PER_USER = float(os.environ.get("BENCH_PER_USER", "0.5"))
EDITORS_FILE = os.environ.get("BENCH_EDITORS", "")
REQUEST_LOG = os.environ.get("BENCH_REQUEST_LOG", "")


def users_needed() -> tuple[int, int]:
    """Reader and editor users for RATE and WRITE_SHARE at PER_USER requests a second each."""
    writers = max(1, round(RATE * WRITE_SHARE / PER_USER)) if WRITE_SHARE > 0 else 0
    readers = max(1, round(RATE * (1 - WRITE_SHARE) / PER_USER))
    return readers, writers


READERS, WRITERS = users_needed()


def _read_mix() -> type[User] | None:
    """The first user class of the read mix in bench/load/locustfile.py, when it exists.

    Found here, not imported at module level: locust runs every user class it finds among a
    locustfile's names, and the mix's own class must run only as our Reader, at our rate."""
    try:
        from bench.load import locustfile
    except ImportError:
        return None
    except KeyError:  # no LOAD_POOL: the mix cannot run without its URLs
        return None
    for value in vars(locustfile).values():
        if isinstance(value, type) and issubclass(value, User) and not value.abstract:
            return value
    return None


os.environ.setdefault("LOAD_USER_RATE", str(PER_USER))
_mix = _read_mix()

if _mix is None:
    # TODO: replace by the read mix of bench/load/locustfile.py once it exists (the import
    # above picks it up by itself); until then a small mix of the main public pages and reads.
    class Reader(HttpUser):
        wait_time = constant_throughput(PER_USER)
        fixed_count = READERS

        @task(4)
        def home(self) -> None:
            self.client.get("/", name="/")

        @task(2)
        def themes(self) -> None:
            self.client.get("/themas/", name="/themas/")

        @task(2)
        def agenda(self) -> None:
            self.client.get("/uitvoeringsagenda/", name="/uitvoeringsagenda/")

        @task(2)
        def api_actions(self) -> None:
            self.client.get("/api/v1/actions?limit=50", name="/api/v1/actions")

        @task(1)
        def api_regions(self) -> None:
            self.client.get("/api/v1/regions", name="/api/v1/regions")

else:

    class Reader(_mix):  # type: ignore[no-redef,valid-type,misc]
        # The mix's tasks and its own open-loop schedule (at PER_USER, set below before the
        # import): locust's constant_throughput lets users that were held up together stay in
        # step, which sends a second's requests in one burst.
        fixed_count = READERS


# Locust would run the mix's class under this name too, at the mix's own rate.
del _mix


def _editors() -> list[dict[str, Any]]:
    if not EDITORS_FILE or not Path(EDITORS_FILE).exists():
        return []
    return list(json.loads(Path(EDITORS_FILE).read_text()))


EDITORS = _editors()
# Version last seen per action, shared by the editors of this process (each PUT sends it).
VERSIONS: dict[int, int] = {}


class Editor(OpenLoop, HttpUser):
    rate = PER_USER
    fixed_count = WRITERS if EDITORS else 0

    def on_start(self) -> None:
        super().on_start()
        self.editor = random.choice(EDITORS)  # noqa: S311 — load, not secrets
        self.headers = {"Authorization": f"Bearer {self.editor['key']}"}

    def _action(self) -> dict[str, Any]:
        return random.choice(self.editor["actions"])  # noqa: S311 — load, not secrets

    @task(1)
    def report_progress(self) -> None:
        action = self._action()
        yesterday = datetime.date.today() - datetime.timedelta(days=1)
        self.client.post(
            f"/api/v1/actions/{action['id']}/progress-updates",
            json={
                "municipality": self.editor["municipality"],
                "reportedOn": yesterday.isoformat(),
                "percent": random.randint(0, 100),  # noqa: S311 — load, not secrets
                "text": "Voortgang gemeld door de belastingtest.",
            },
            headers=self.headers,
            name="POST /api/v1/actions/{id}/progress-updates",
        )

    @task(1)
    def change_action(self) -> None:
        action = self._action()
        version = VERSIONS.get(action["id"])
        if version is None:
            response = self.client.get(
                f"/api/v1/actions/{action['id']}", name="GET /api/v1/actions/{id}"
            )
            if response.status_code != 200:
                return
            version = response.json()["version"]
        payload = {
            "region": self.editor["region"],
            "title": f"{action['title'][:150]} ({time.time_ns() % 10**6})",
            "topic": action["topic"],
            "agreement": action["agreement"],
            "lead": self.editor["municipality"],
            "version": version,
        }
        with self.client.put(
            f"/api/v1/actions/{action['id']}",
            json=payload,
            headers=self.headers,
            name="PUT /api/v1/actions/{id}",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                VERSIONS[action["id"]] = response.json()["version"]
                response.success()
            elif response.status_code == 409:
                # Another editor saved first: the right answer; look the version up next time.
                VERSIONS.pop(action["id"], None)
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")


# --- Per-second request log -----------------------------------------------------------------

_seconds: dict[int, dict[str, Any]] = defaultdict(
    lambda: {"n": 0, "fail": 0, "ms": [], "status": defaultdict(int)}
)


@events.request.add_listener
def _count(response_time: float, response: Any, exception: BaseException | None, **_: Any) -> None:
    bucket = _seconds[int(time.time())]
    bucket["n"] += 1
    bucket["fail"] += exception is not None
    bucket["ms"].append(round(response_time, 1))
    # 0: no answer at all (refused, reset, timed out).
    bucket["status"][str(getattr(response, "status_code", 0) or 0)] += 1


def _flush(final: bool = False) -> None:
    if not REQUEST_LOG:
        _seconds.clear()
        return
    now = int(time.time())
    done = sorted(second for second in _seconds if final or second < now)
    if not done:
        return
    with Path(REQUEST_LOG).open("a") as log:
        for second in done:
            log.write(json.dumps({"t": second, **_seconds.pop(second)}) + "\n")


def _flusher() -> None:
    while True:
        gevent.sleep(1)
        _flush()


@events.test_start.add_listener
def _start(**_: Any) -> None:
    gevent.spawn(_flusher)


@events.test_stop.add_listener
def _stop(**_: Any) -> None:
    _flush(final=True)
