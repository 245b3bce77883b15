"""Open-loop pacing for locust users: each user on a fixed grid in its own random phase.

Locust's `constant_throughput` waits relative to the user's last request, so users that were
held up together (a slow answer, the generator busy) stay in step: measured, 40 requests at
once every second at 40 rps, which a cap on requests in flight rightly refuses. Here each user
asks every 1/rate seconds on absolute times, whatever the answers take, and a user that fell
behind returns to its own phase.
"""

import math
import random
import time

import gevent


class OpenLoop:
    """Mix into a locust User before the User class; set `rate` (requests a second per user,
    0 for a closed loop that asks again at once)."""

    rate: float = 0.5
    _next = 0.0

    def on_start(self) -> None:
        # Locust starts a second's users together: spread their first requests over a period.
        if self.rate > 0:
            self._next = time.time() + random.uniform(0, 1 / self.rate)  # noqa: S311
            gevent.sleep(self._next - time.time())

    def wait_time(self) -> float:
        if self.rate <= 0:
            return 0.0
        period = 1 / self.rate
        now = time.time()
        self._next += period
        if self._next < now - period:  # more than a period behind: skip the missed turns
            self._next += math.ceil((now - self._next) / period) * period
        return max(0.0, self._next - now)
