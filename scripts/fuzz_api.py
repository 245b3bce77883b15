#!/usr/bin/env python3
"""The large fuzzing run of the API: the tests of regioagenda/api/tests/test_fuzz_roles.py with
many more cases per operation and role than CI gives them.

    uv run --frozen python scripts/fuzz_api.py [--examples 200] [-k EXPRESSION] [--workers N]

Runs on SQLite (DATABASE_URL unset), prints a summary per failing operation and role, and exits
with pytest's status. The CI run of the same tests uses REGIOAGENDA_FUZZ_EXAMPLES (small).
"""

import argparse
import os
import re
import subprocess  # nosec B404 — runs our own test commands
import sys
import time
from collections import Counter
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
TESTS = "regioagenda/api/tests/test_fuzz_roles.py"
FAILED = re.compile(
    r"^FAILED \S+?\[(?P<operation>[^\]]+)\](?:\[(?P<role>[^\]]+)\])?(?: - (?P<why>.*))?"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="cases per operation and role")
    parser.add_argument("-k", dest="keyword", default="", help="pytest -k expression")
    parser.add_argument("--workers", default="0", help="pytest-xdist workers (default: none)")
    arguments = parser.parse_args()

    environment = {
        **os.environ,
        "REGIOAGENDA_FUZZ_EXAMPLES": str(arguments.examples),
        # Boundary values and unlisted methods for every role, not only one editor.
        "REGIOAGENDA_FUZZ_ALL_PHASES": "1",
    }
    environment.pop("DATABASE_URL", None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "-rf",
        "--tb=line",
        "-n",
        arguments.workers,
        TESTS,
    ]
    if arguments.keyword:
        command += ["-k", arguments.keyword]
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 # nosec B603 — our own test command
        command, cwd=REPOSITORY, env=environment, capture_output=True, text=True, check=False
    )
    elapsed = time.monotonic() - started

    failures = [match for line in result.stdout.splitlines() if (match := FAILED.match(line))]
    summary = re.findall(r"^=* ?(\d+ (?:passed|failed).*?) in [\d.]+s", result.stdout, re.MULTILINE)
    print(f"{arguments.examples} cases per operation and role; {elapsed / 60:.1f} minutes")
    print(summary[-1] if summary else result.stdout[-2000:] + result.stderr[-2000:])
    by_role = Counter(match["role"] or "visitor" for match in failures)
    for role, count in sorted(by_role.items()):
        print(f"  {role}: {count} failing operations")
    for match in failures:
        print(f"- {match['role'] or 'visitor'} {match['operation']}: {match['why'] or ''}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
