"""Benchmark the foundation: loading a region, serving its pages and API.

    uv run python bench/bench_foundation.py [--repeat 50]

Uses a fresh SQLite database in a temporary folder (never var/). Prints wall times (median of
the repeats), peak Python memory of a reload (tracemalloc), and the number of queries per page.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="regioagenda-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["REGIOAGENDA_VAR_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regioagenda.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings

    from regioagenda.vision.dataset import load_region

    call_command("migrate", verbosity=0)
    data = ROOT / "regioagenda" / "data" / "regions" / "leidse-regio"

    started = time.perf_counter()
    report = load_region(data)
    first_load = time.perf_counter() - started
    print(
        f"load_region, empty database: {first_load * 1000:.0f} ms for {report.created} rows"
        "(includes first use of the validators and templates of the ORM)"
    )

    tracemalloc.start()
    load_region(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"load_region, peak Python memory while reloading: {peak / 1024:.0f} KiB")

    reloads = []
    for _ in range(10):
        started = time.perf_counter()
        load_region(data)
        reloads.append(time.perf_counter() - started)
    print(f"load_region, nothing changed: median {statistics.median(reloads) * 1000:.0f} ms")

    client = Client()
    with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver"]):
        for path in [
            "/",
            "/themas/",
            "/themas/economie/",
            "/onderwerpen/economie071/",
            "/gemeenten/leiden/",
            "/samenwerking/",
            "/api/v1/regions",
            "/api/v1/regions/leidse-regio/topics?limit=200",
            "/api/v1/openapi.json",
        ]:
            client.get(path)  # warm up
            timings = []
            for _ in range(args.repeat):
                reset_queries()
                started = time.perf_counter()
                response = client.get(path)
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200, (path, response.status_code)
            queries = len(connection.queries)
            print(
                f"GET {path:<48} median {statistics.median(timings) * 1000:6.1f} ms, "
                f"p95 {sorted(timings)[int(len(timings) * 0.95) - 1] * 1000:6.1f} ms, "
                f"{queries} queries"
            )


if __name__ == "__main__":
    main()
