#!/usr/bin/env python3
"""The full-size XSS run: every payload of the corpus in every editable field, on every page.

    python scripts/xss_full.py [ROUNDS]

Runs regioagenda/website/tests/test_xss_browser.py with XSS_ROUNDS set: each round puts one
payload into every field (the corpus rotated by one each round), then opens every page of the CI
run plus the admin's change lists and all of the editor's forms, so that after len(corpus)
rounds each field has held each payload once. ROUNDS ("all" by default) limits the number of
rounds for a shorter run. Prints one line per round and a total; on SQLite, like the CI run.

Last result, 2026-11-28, SQLite, 2 cores shared with six other test runs (load ~10):
`python scripts/xss_full.py 10` — 10 of 77 rounds, 135 pages a round (1350 page loads),
191 fields a round, 77 payloads: 0 hits, 0 CSP violations, 0 dialogs, 0 injected elements or
attributes; 850 s in the test (16.5 min with setup). All 77 rounds take about 1.5 hours at that
speed.
"""

import os
import subprocess  # nosec B404 — runs our own test commands
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def main() -> int:
    rounds = sys.argv[1] if len(sys.argv) > 1 else "all"
    environment = {**os.environ, "XSS_ROUNDS": rounds}
    environment.pop("DATABASE_URL", None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "-n",
        "0",
        "-s",
        "regioagenda/website/tests/test_xss_browser.py",
    ]
    completed = subprocess.run(command, cwd=REPOSITORY, env=environment, check=False)  # noqa: S603 # nosec
    return completed.returncode


if __name__ == "__main__":
    sys.exit(main())
