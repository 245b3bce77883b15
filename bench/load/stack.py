"""Start and stop the production-like stack for the load tests, one plain function per step.

    from bench.load import stack
    pg = stack.start_postgres(stack.WORKDIR / "pg")          # private PostgreSQL 15, core 1
    url = stack.create_database(pg, "bench_load")
    env = stack.app_env(url, var_dir=stack.WORKDIR / "var")
    stack.prepare(env, seed_scale=None)                        # migrate, seed, collectstatic
    app = stack.start_gunicorn(env, port=8101)                 # deploy/gunicorn.conf.py, core 1
    web = stack.start_nginx(stack.WORKDIR / "nginx", app_port=8101, proxy_port=8103)
    ...
    stack.stop_process(web.process); stack.stop_process(app); pg.stop()

The layout is the production one (README.md, deploy/): nginx in front of gunicorn with sync
workers, PostgreSQL, Redis as the cache, static files by WhiteNoise, production settings
(REGIOAGENDA_PRODUCTION=1). The server side (PostgreSQL, gunicorn, nginx) is pinned to core 1
with taskset, so that the load generator can have core 0 to itself (`LOADGEN_CORE`).

Nothing here touches the machine's shared PostgreSQL or var/: the private PostgreSQL runs as
the user `postgres` from a data folder under WORKDIR, with its socket there too.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKDIR = Path(os.environ.get("BENCH_LOAD_WORKDIR", "/tmp/bench_load"))  # noqa: S108 — root only
PG_BIN = Path("/usr/lib/postgresql/15/bin")
NGINX = "/usr/sbin/nginx"
RUNUSER = "/usr/sbin/runuser"
TASKSET = "/usr/bin/taskset"
SERVER_CORE = 1
LOADGEN_CORE = 0
REDIS_URL = "redis://127.0.0.1:6379/5"
SMALL_REGION = ROOT / "regioagenda" / "data" / "regions" / "leidse-regio"

# A small production server: the sizes assume a VM of about 4 GB with PostgreSQL beside the
# application. JIT compiles plans for seconds-long analytic queries; for pages of short
# queries it only adds latency. Slow statements are logged so that the report can name them.
PG_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "100",
    "shared_buffers": "512MB",
    "effective_cache_size": "2GB",
    "work_mem": "16MB",
    "maintenance_work_mem": "256MB",
    "random_page_cost": "1.1",
    "effective_io_concurrency": "100",
    "checkpoint_timeout": "15min",
    "max_wal_size": "2GB",
    "jit": "off",
    "log_min_duration_statement": "250",
    "log_line_prefix": "'%m [%p] %d '",
}


def pinned(core: int, command: list[str]) -> list[str]:
    """The command, run on one core only."""
    return [TASKSET, "-c", str(core), *command]


def wait_for_http(url: str, timeout: float = 60, process: subprocess.Popen | None = None) -> None:
    """Wait until `url` answers at all (any status); fail early if `process` has exited."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 — loopback URL we built
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{process.args!r} exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop_process(
    process: subprocess.Popen | None, timeout: float = 20, sig: int = signal.SIGTERM
) -> None:
    """Send `sig`, then SIGKILL after `timeout`; only the process we started.

    For gunicorn pass SIGQUIT (quick shutdown): SIGTERM waits for graceful_timeout, and a
    killed master leaves its workers behind.
    """
    if process is None or process.poll() is not None:
        return
    children = descendants(process.pid)
    process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    # A master killed before its workers leaves them running (and holding the port).
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def descendants(pid: int) -> list[int]:
    """The process ids below `pid` (children, their children, ...), from /proc."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found.extend([int(child), *descendants(int(child))])
    return found


# --- PostgreSQL -----------------------------------------------------------------------------


@dataclass
class Postgres:
    """A private PostgreSQL 15 cluster run by the user `postgres` (initdb needs a non-root user)."""

    datadir: Path
    port: int = 8104
    core: int = SERVER_CORE

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [
            RUNUSER, "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(self.datadir),
            "-l", str(self.datadir / "server.log"), *args,
        ]  # fmt: skip
        # Started under taskset, the postmaster and every backend it forks stay on the core.
        return subprocess.run(  # noqa: S603 — pg_ctl with our arguments
            pinned(self.core, command), check=check, capture_output=True
        )

    def start(self) -> None:
        self.pg_ctl("-w", "-o", f"-p {self.port} -k {self.datadir}", "start")

    def stop(self) -> None:
        self.pg_ctl("-w", "-m", "fast", "stop", check=False)

    def restart(self) -> None:
        """What the database-restart test does under load: a fast restart, same port."""
        self.pg_ctl("-w", "-m", "fast", "-o", f"-p {self.port} -k {self.datadir}", "restart")

    def is_running(self) -> bool:
        return self.pg_ctl("status", check=False).returncode == 0

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(  # noqa: S603 — psql with our SQL
            [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        return result.stdout.strip()


def start_postgres(datadir: Path, port: int = 8104, core: int = SERVER_CORE) -> Postgres:
    """Create the cluster under `datadir` if needed (tuned: PG_SETTINGS), then start it."""
    pg = Postgres(datadir=datadir, port=port, core=core)
    if not (datadir / "PG_VERSION").exists():
        datadir.mkdir(parents=True, exist_ok=True)
        shutil.chown(datadir, "postgres", "postgres")
        datadir.chmod(0o700)
        subprocess.run(  # noqa: S603 — initdb with fixed arguments
            [RUNUSER, "-u", "postgres", "--", str(PG_BIN / "initdb"), "-D", str(datadir),
             "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "-U", "postgres"],
            check=True, capture_output=True,
        )  # fmt: skip
        with (datadir / "postgresql.conf").open("a") as conf:
            conf.write("\n# bench/load/stack.py\n")
            conf.writelines(f"{name} = {value}\n" for name, value in PG_SETTINGS.items())
    if not pg.is_running():
        pg.start()
    return pg


def create_database(pg: Postgres, name: str, *, fresh: bool = False) -> str:
    """Create database `name` (drop it first when `fresh`); return its DATABASE_URL."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"Not a plain database name: {name!r}")
    # Safe to interpolate: checked just above.
    exists = pg.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"  # noqa: S608
    if exists and fresh:
        pg.psql(f'DROP DATABASE "{name}" WITH (FORCE)')
        exists = False
    if not exists:
        pg.psql(f'CREATE DATABASE "{name}"')
    return pg.url(name)


# --- The application ------------------------------------------------------------------------


def app_env(
    database_url: str, *, var_dir: Path, redis_url: str = REDIS_URL, workers: int = 4
) -> dict[str, str]:
    """The environment of a production server on loopback (see bench/load/settings.py)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    key_file = var_dir / "bench_secret_key"
    if not key_file.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    env.update(
        DJANGO_SETTINGS_MODULE="bench.load.settings",
        PYTHONPATH=str(ROOT),
        REGIOAGENDA_PRODUCTION="1",
        DJANGO_BEHIND_PROXY="1",
        # Loopback has no TLS; the setting's own switch (regioagenda/settings.py).
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECRET_KEY=key_file.read_text(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        REGIOAGENDA_REDIS_URL=redis_url,
        REGIOAGENDA_VAR_DIR=str(var_dir),
        REGIOAGENDA_SITE_URL="http://127.0.0.1:8103",
        GUNICORN_WORKERS=str(workers),
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    """Run manage.py with the stack's environment (output to our stdout)."""
    subprocess.run(  # noqa: S603 — manage.py, arguments from our callers
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True
    )


def seed(env: dict[str, str], scale: float | None) -> None:
    """Fill the (migrated, empty) database.

    With a scale: bench/seed_large.py (the 50-municipality region at that scale). Without:
    the Leidse regio plus a small generated agenda, proposals and events (bench/generate.py and
    the stores of bench_proposals.py and bench_calendar.py), enough for every page of the mix.
    """
    if scale is not None:
        subprocess.run(  # noqa: S603 — the seed script, fixed arguments
            [sys.executable, str(ROOT / "bench" / "seed_large.py"), "--scale", str(scale)],
            env={**env, "DJANGO_SETTINGS_MODULE": "regioagenda.settings"},
            cwd=ROOT,
            check=True,
        )
        return
    code = (
        "import datetime, random, sys; sys.path.insert(0, 'bench');"
        "import django; django.setup();"
        "from generate import generate; generate(10, 300, 1500);"
        "from regioagenda.regions.models import Region;"
        "from regioagenda.vision.models import Topic;"
        "region = Region.objects.get();"
        "from bench_proposals import store_proposals;"
        "store_proposals(300, 1, region, random.Random(9), list(Topic.objects.all()));"
        "from bench_calendar import store_events; from django.utils import timezone;"
        "store_events(region, 1000, timezone.now() - datetime.timedelta(days=180), 365, 9)"
    )
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)  # noqa: S603


def prepare(env: dict[str, str], seed_scale: float | None, *, marker: Path | None = None) -> None:
    """Migrate; seed and collect static files unless `marker` exists (a seeded database)."""
    manage(env, "migrate", "--no-input", "-v", "0")
    if marker is not None and marker.exists():
        return
    seed(env, seed_scale)
    manage(env, "collectstatic", "--no-input", "-v", "0")
    if marker is not None:
        marker.write_text(f"seed_scale={seed_scale}\n")


def start_gunicorn(
    env: dict[str, str], port: int = 8101, core: int = SERVER_CORE, log: Path | None = None
) -> subprocess.Popen:
    """gunicorn with deploy/gunicorn.conf.py on 127.0.0.1:`port`, pinned to `core`."""
    command = [
        sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}", "regioagenda.wsgi",
    ]  # fmt: skip
    output = log.open("ab") if log else subprocess.DEVNULL
    process = subprocess.Popen(  # noqa: S603 — gunicorn, fixed arguments
        pinned(core, command), env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/bench/leeg/", timeout=120, process=process)
    except BaseException:
        stop_process(process, sig=signal.SIGQUIT)
        raise
    return process


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn workers of a master (its child processes), sorted."""
    children: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{master_pid}/task").iterdir():
            children.extend(int(pid) for pid in (task / "children").read_text().split())
    return sorted(children)


def gunicorn_master(process: subprocess.Popen) -> int:
    """The master's pid: `process` is taskset, which execs gunicorn, so it is the same pid."""
    return process.pid


# --- nginx ----------------------------------------------------------------------------------


@dataclass
class Nginx:
    prefix: Path
    process: subprocess.Popen
    ports: dict[str, int] = field(default_factory=dict)


def max_conns() -> int:
    """The cap on requests in flight to gunicorn, as production sets it (deploy/nginx.conf)."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    match = re.search(r"^\s*server\s+\S+\s+max_conns=(\d+);", text, re.MULTILINE)
    if match is None:
        raise RuntimeError("No `server ... max_conns=N;` in deploy/nginx.conf")
    return int(match.group(1))


def nginx_conf(prefix: Path, *, app_port: int, proxy_port: int, static_port: int | None) -> str:
    """A whole nginx.conf: the proxy includes deploy/nginx-app.conf as production does."""
    static = ""
    if static_port is not None:
        static = f"""
    server {{
        listen 127.0.0.1:{static_port} reuseport;
        root {prefix / "html"};
        location / {{
            default_type text/html;
            types {{ text/calendar ics; }}
            try_files $uri $uri/index.html =404;
        }}
    }}"""
    return f"""daemon off;
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    keepalive_timeout 60s;
    client_body_temp_path {prefix / "tmp"};
    proxy_temp_path {prefix / "tmp"};
    fastcgi_temp_path {prefix / "tmp"};
    uwsgi_temp_path {prefix / "tmp"};
    scgi_temp_path {prefix / "tmp"};

    upstream regioagenda {{ server 127.0.0.1:{app_port} max_conns={max_conns()}; }}

    server {{
        listen 127.0.0.1:{proxy_port} reuseport;
        server_name localhost;
        include {ROOT / "deploy" / "nginx-app.conf"};
    }}{static}
}}
"""


def start_nginx(
    prefix: Path,
    *,
    app_port: int = 8101,
    proxy_port: int = 8103,
    static_port: int | None = 8102,
    core: int = SERVER_CORE,
) -> Nginx:
    """Our own nginx (one worker, pinned to `core`) with its files under `prefix`.

    `proxy_port` is the production layout (deploy/nginx-app.conf in front of gunicorn);
    `static_port` serves saved copies of pages from `prefix/html` (save_static_copies).
    """
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    (prefix / "html").mkdir(exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(
        nginx_conf(prefix, app_port=app_port, proxy_port=proxy_port, static_port=static_port)
    )
    process = subprocess.Popen(  # noqa: S603 — nginx, fixed arguments
        pinned(core, [NGINX, "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log")]),
        stdout=subprocess.DEVNULL,
        stderr=(prefix / "stderr.log").open("ab"),
    )
    ports = {"proxy": proxy_port}
    try:
        if static_port is not None:
            ports["static"] = static_port
            wait_for_http(f"http://127.0.0.1:{static_port}/", process=process)
        wait_for_http(f"http://127.0.0.1:{proxy_port}/bench/leeg/", process=process)
    except BaseException:
        stop_process(process)
        raise
    return Nginx(prefix=prefix, process=process, ports=ports)


def save_static_copies(base_url: str, paths: list[str], html_root: Path) -> int:
    """Fetch every path once and save it under `html_root` as nginx will serve it; bytes saved."""
    total = 0
    for path in paths:
        # Only http URLs on loopback reach here (the stack's own).
        request = urllib.request.Request(  # noqa: S310
            base_url + path, headers={"Accept-Language": "nl"}
        )
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 — loopback
            body = response.read()
        target = html_root / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        total += len(body)
    return total


# --- Everything at once ---------------------------------------------------------------------


@dataclass
class Running:
    postgres: Postgres
    env: dict[str, str]
    gunicorn: subprocess.Popen
    nginx: Nginx
    app_url: str
    proxy_url: str
    static_url: str | None


@contextlib.contextmanager
def running_stack(
    *,
    workdir: Path = WORKDIR,
    database: str = "bench_load",
    seed_scale: float | None = None,
    pg_port: int = 8104,
    app_port: int = 8101,
    static_port: int | None = 8102,
    proxy_port: int = 8103,
    workers: int = 4,
    fresh: bool = False,
):
    """Start PostgreSQL, gunicorn and nginx (seeding once per database and scale); stop at exit.

    The seeded database is kept between runs (a marker file under `workdir` says it is done);
    `fresh=True` drops and seeds it again.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    pg = start_postgres(workdir / "pg", port=pg_port)
    app = web = None
    try:
        marker = workdir / f"seeded-{database}-{seed_scale}.ok"
        if fresh:
            marker.unlink(missing_ok=True)
        url = create_database(pg, database, fresh=not marker.exists())
        env = app_env(url, var_dir=workdir / "var", workers=workers)
        for old in workdir.glob(f"seeded-{database}-*.ok"):
            if old != marker:
                old.unlink()
        prepare(env, seed_scale, marker=marker)
        app = start_gunicorn(env, app_port, log=workdir / "gunicorn.log")
        web = start_nginx(
            workdir / "nginx", app_port=app_port, proxy_port=proxy_port, static_port=static_port
        )
        yield Running(
            postgres=pg,
            env=env,
            gunicorn=app,
            nginx=web,
            app_url=f"http://127.0.0.1:{app_port}",
            proxy_url=f"http://127.0.0.1:{proxy_port}",
            static_url=f"http://127.0.0.1:{static_port}" if static_port else None,
        )
    finally:
        stop_process(web.process if web else None)
        stop_process(app, sig=signal.SIGQUIT)
        pg.stop()
