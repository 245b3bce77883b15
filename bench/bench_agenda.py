"""Benchmark the execution agenda and prioritisation at the Leidse regio's size and large.

    uv run python bench/bench_agenda.py [--repeat 20]

For each size a fresh SQLite database in a temporary folder; prints the median latency and the
query count of the agenda overview, an action page, the "stuck" overview and a closed round's
result page.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = {
    "leidse-regio": (5, 40, 400),
    "groot": (50, 2000, 20000),
}


def measure(size: str, repeat: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regioagenda.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    from regioagenda.agenda.models import Action

    call_command("migrate", verbosity=0)
    municipalities, actions, updates = SIZES[size]
    started = time.perf_counter()
    generate(municipalities, actions, updates)
    print(
        f"{size}: {municipalities} gemeenten, {actions} acties, {updates} berichten "
        f"(aangemaakt in {time.perf_counter() - started:.1f} s)"
    )
    action = Action.objects.order_by("pk")[actions // 2]
    client = Client()
    with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver"]):
        for path in [
            "/uitvoeringsagenda/",
            f"/uitvoeringsagenda/acties/{action.pk}/",
            "/uitvoeringsagenda/vastgelopen/",
            "/prioritering/bench-ronde/",
        ]:
            client.get(path)
            timings = []
            for _ in range(repeat):
                reset_queries()
                started = time.perf_counter()
                response = client.get(path)
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200, (path, response.status_code)
            print(
                f"  GET {path:<36} median {statistics.median(timings) * 1000:8.1f} ms, "
                f"{len(connection.queries)} queries"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--size", choices=list(SIZES))
    arguments = parser.parse_args()
    if arguments.size:
        measure(arguments.size, arguments.repeat)
        return
    for size in SIZES:
        # A fresh process and database per size, so that nothing is cached between them.
        folder = tempfile.mkdtemp(prefix="regioagenda-bench-")
        environment = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "REGIOAGENDA_VAR_DIR": folder,
        }
        subprocess.run(  # noqa: S603 — this script, with fixed arguments
            [sys.executable, __file__, "--size", size, "--repeat", str(arguments.repeat)],
            env=environment,
            check=True,
        )


if __name__ == "__main__":
    main()
