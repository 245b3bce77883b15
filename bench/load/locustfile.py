"""The public read mix of Regio-agenda at a fixed arrival rate, for locust.

run_load.py starts locust with this file; by hand, against a running stack:

    LOAD_POOL=/tmp/bench_load/pool.json LOAD_USER_RATE=0.5 LOAD_STAGES=60:200 \\
    taskset -c 0 uv run --frozen --group bench locust -f bench/load/locustfile.py \\
        --headless --host http://127.0.0.1:8103

(200 users x 0.5 = 100 requests per second for 60 s.) Prefer LOAD_STAGES to `-t`: locust's
run-time timer runs on gevent's clock, which is stale after a slow start, so on a busy machine
`-t 10s` can end the run before the first request.

Open loop: each user asks for one page every 1/LOAD_USER_RATE seconds on a fixed grid in its
own random phase (open_loop.OpenLoop), whatever the
answers take, so the arrival rate is users x LOAD_USER_RATE as long as a response
takes less than 1/LOAD_USER_RATE (2 s at the default 0.5). Users, not visits: there is no
think time and no session, only anonymous visitors with the headers of a Dutch browser.

The mix (weights out of 100): home 20, execution agenda 10, an action 20, monitor dashboard 10,
an indicator 10, a proposal 15, events list 10, iCal feed 5. Actions, indicators and proposals
are picked uniformly among the pool that pool.py wrote (a popular subset of a few hundred).

Environment:
    LOAD_POOL        JSON of URLs by kind (pool.py); not needed for LOAD_MIX=trivial
    LOAD_MIX         `read` (default) or `trivial` (only /bench/leeg/, the framework's floor)
    LOAD_USER_RATE   requests per second per user; 0 asks again at once (closed loop, saturation)
    LOAD_LOG         append one line per request: end time, ms, status, kind (run_load.py reads it)
    LOAD_STAGES      `seconds:users,seconds:users,...`: change the number of users over time
                     (overload, then the fixed rate again); -u/-t are then ignored
"""

import json
import os
import random
import sys
import time
from pathlib import Path

from locust import FastHttpUser, LoadTestShape, events, task

# locust puts only this file's folder on the path; the project root holds the package `bench`.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.load.open_loop import OpenLoop

WEIGHTS = {
    "home": 20,
    "agenda": 10,
    "action": 20,
    "monitor": 10,
    "indicator": 10,
    "proposal": 15,
    "events": 10,
    "ical": 5,
}
HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "nl-NL,nl;q=0.9,en-US;q=0.6,en;q=0.4",
}

MIX = os.environ.get("LOAD_MIX", "read")
USER_RATE = float(os.environ.get("LOAD_USER_RATE", "0.5"))
if MIX == "trivial":
    POOL = {"trivial": ["/bench/leeg/"]}
    KINDS, KIND_WEIGHTS = ["trivial"], [1]
else:
    POOL = json.loads(Path(os.environ["LOAD_POOL"]).read_text())
    KINDS, KIND_WEIGHTS = list(WEIGHTS), list(WEIGHTS.values())

_log = open(os.environ["LOAD_LOG"], "a", buffering=1 << 16) if os.environ.get("LOAD_LOG") else None  # noqa: SIM115 — open for the whole run, closed at quit


@events.request.add_listener
def _record(response_time, response, exception, name, **kwargs):
    if _log is None:
        return
    # Status 0: no answer (refused, reset or timed out).
    status = getattr(response, "status_code", 0) or 0
    _log.write(f"{time.time():.4f} {response_time:.2f} {status} {name}\n")


@events.quitting.add_listener
def _close(**kwargs):
    if _log is not None:
        _log.flush()


class Visitor(OpenLoop, FastHttpUser):
    # A response slower than this counts as an error (status 0), as a browser would give up.
    network_timeout = 30.0
    connection_timeout = 5.0
    default_headers = HEADERS
    rate = USER_RATE

    @task
    def page(self) -> None:
        kind = random.choices(KINDS, KIND_WEIGHTS)[0]  # noqa: S311 — load mix, not a secret
        url = random.choice(POOL[kind])  # noqa: S311
        with self.client.get(url, name=kind, catch_response=True) as response:
            # Read the whole body, as a browser does; success/failure is judged by run_load.py.
            if response.status_code == 200:
                response.success()
            else:
                response.failure(f"status {response.status_code}")


if os.environ.get("LOAD_STAGES"):
    STAGES = [
        (float(seconds), int(users))
        for seconds, users in (stage.split(":") for stage in os.environ["LOAD_STAGES"].split(","))
    ]

    class Stages(LoadTestShape):
        """Hold each number of users for its seconds.

        New users start spread over one period (1/LOAD_USER_RATE), so that their requests do
        not come in bursts; surplus users are stopped within a tenth of a second.
        """

        def tick(self):
            elapsed = self.get_run_time()
            for seconds, users in STAGES:
                if elapsed < seconds:
                    if users < self.runner.user_count:
                        return users, 10 * self.runner.user_count
                    return users, max(1.0, users * USER_RATE) if USER_RATE > 0 else users
                elapsed -= seconds
            return None
