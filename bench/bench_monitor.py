"""Benchmark the monitor: importing a national CBS-shaped table, and what its pages cost.

    uv run python bench/bench_monitor.py [--repeat 20] [--measures 50] [--years 20]

A fresh SQLite database in a temporary folder (never var/). Steps:

1. The Leidse regio's data set (`load_region`, with the monitor's own indicators); the pages'
   latency (median, p95) and query count.
2. `--measures` more indicators with the region's own figures only (5 municipalities x `--years`
   years each); the pages again.
3. A national table: 342 municipalities (the region's five and 337 of a second region) x
   `--years` x `--measures`, as a CSV in the import layout. Our import of it (`read_rows` +
   `import_rows`, as `import_observations` does: rows per second, peak memory) against DuckDB
   reading the same CSV into a table; then the pages again, which must cost the same queries.
4. Re-importing the same file (nothing changes) and one in which 1% of the values changed.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def peak_rss_mib() -> float:
    """The process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--measures", type=int, default=50, help="indicators in the table")
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument(
        "--municipalities", type=int, default=342, help="municipalities in the table"
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="regioagenda-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["REGIOAGENDA_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regioagenda.settings")
    import django

    django.setup()
    import duckdb
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings
    from generate import monitor_indicators, national_municipalities, national_table

    from regioagenda.monitor.importing import import_rows, read_rows
    from regioagenda.monitor.models import Indicator, Observation
    from regioagenda.vision.dataset import load_region
    from regioagenda.vision.models import Theme

    call_command("migrate", verbosity=0)
    region = load_region(ROOT / "regioagenda" / "data" / "regions" / "leidse-regio").region
    data_set_indicator = Indicator.objects.filter(region=region).order_by("position").first()
    assert data_set_indicator is not None
    theme = Theme.objects.filter(region=region).order_by("position").first()
    assert theme is not None
    client = Client()

    def pages(title: str, extra: tuple[str, ...] = ()) -> None:
        print(f"{title} ({Observation.objects.count():,} figures in the database)")
        paths = [
            "/monitor/",
            data_set_indicator.get_absolute_url(),
            *extra,
            f"/themas/{theme.slug}/",
            "/gemeenten/leiden/",
        ]
        with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver"]):
            for path in paths:
                client.get(path)  # warm up
                timings = []
                for _ in range(args.repeat):
                    reset_queries()
                    started = time.perf_counter()
                    response = client.get(path)
                    timings.append(time.perf_counter() - started)
                    assert response.status_code == 200, (path, response.status_code)
                p95 = sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]
                print(
                    f"  GET {path:<40} median {statistics.median(timings) * 1000:7.1f} ms, "
                    f"p95 {p95 * 1000:7.1f} ms, {len(connection.queries)} queries"
                )

    own = set(region.municipalities.values_list("code", flat=True))
    print(
        f"Leidse regio: {len(own)} gemeenten, "
        f"{Indicator.objects.filter(region=region).count()} indicatoren uit de dataset"
    )
    pages("1. De dataset van de Leidse regio")

    indicators = monitor_indicators(region, args.measures)
    Indicator.objects.filter(slug__in=indicators).update(on_dashboard=True)
    theme.indicators.add(*Indicator.objects.filter(region=region, slug__in=indicators))
    codes = national_municipalities(region, args.municipalities)
    years = range(2024 - args.years + 1, 2025)
    national = folder / "nationaal.csv"
    regional = folder / "regio.csv"
    revised = folder / "nationaal-herzien.csv"
    started = time.perf_counter()
    total = national_table(national, indicators, codes, years)
    national_table(regional, indicators, codes, years, only=own)
    national_table(revised, indicators, codes, years, changed=0.01)
    print(
        f"Tabel: {len(indicators)} maten × {len(codes)} gemeenten × {len(years)} jaar = "
        f"{total:,} rijen, {national.stat().st_size / 2**20:.1f} MiB "
        f"(geschreven in {time.perf_counter() - started:.1f} s)"
    )

    def run_import(path: Path, what: str) -> float:
        before = peak_rss_mib()
        started = time.perf_counter()
        rows, problems = read_rows(path, path.name)
        read = time.perf_counter() - started
        assert not problems, problems[:5]
        result = import_rows(region, rows)
        elapsed = time.perf_counter() - started
        assert result.ok, result.problems[:5]
        count = len(rows)
        del rows
        print(
            f"  {what:<34} {elapsed:6.1f} s (read_rows {read:5.1f} s), "
            f"{count / elapsed:8,.0f} rows/s, peak RSS {before:.0f} → {peak_rss_mib():.0f} MiB; "
            f"{result.summary()}"
        )
        return elapsed

    run_import(regional, "import, region's rows only")
    bench_page = Indicator.objects.get(slug=indicators[0]).get_absolute_url()
    pages(f"2. + {len(indicators)} indicatoren met cijfers van de regio", (bench_page,))

    # The national import starts from no figures for these indicators, as a first import does.
    Observation.objects.filter(indicator__slug__in=indicators).delete()
    print(f"Import van de landelijke tabel ({total:,} rijen):")
    ours = run_import(national, "import, empty")
    started = time.perf_counter()
    duck = duckdb.connect()
    duck.sql(f"CREATE TABLE t AS SELECT * FROM read_csv_auto('{national}')")  # noqa: S608
    duck_rows = duck.sql("SELECT count(*) FROM t").fetchall()[0][0]
    duck_time = time.perf_counter() - started
    print(
        f"  {'DuckDB read_csv_auto → table':<34} {duck_time:6.2f} s, "
        f"{duck_rows / duck_time:8,.0f} rows/s (in memory); ours takes {ours / duck_time:.1f}×"
    )
    pages("3. + de landelijke tabel", (bench_page,))
    run_import(national, "re-import, nothing changed")
    run_import(revised, "re-import, 1% revised")
    print(f"Observaties in de database: {Observation.objects.count():,}")


if __name__ == "__main__":
    main()
