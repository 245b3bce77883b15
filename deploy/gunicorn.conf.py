"""gunicorn for Regio-agenda in production, behind nginx (deploy/nginx.conf).

    uv run gunicorn -c deploy/gunicorn.conf.py regioagenda.wsgi

Sync workers: nginx buffers requests and responses, so a slow client never holds a worker,
and nginx caps the requests in flight (`max_conns` in deploy/nginx.conf), so the queue
in front of the workers stays short and overload is answered with 503 instead of timeouts.
The environment can override the address and the number of workers (the load test does).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Pages spend most of their time in Python, so more workers than cores only add memory and
# queueing; two per core keeps a core busy while the other waits on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))))
worker_class = "sync"
# Import Django once in the master and fork: workers start in a fraction of a second (a
# worker that imports everything itself on a busy core can outlive `timeout` and be killed)
# and share the imported code's memory.
preload_app = True
# A request still running after this is killed and its worker replaced; nginx gives up at
# the same time (proxy_read_timeout), so the visitor gets a 504 rather than waiting forever.
timeout = 30
graceful_timeout = 30
# Only nginx connects; it caps in-flight requests well below this.
backlog = 128
# No max_requests: recycling workers would hide a memory leak from the soak test and change
# the worker pids that the load tests compare to see that no worker was lost.
accesslog = None
errorlog = "-"
loglevel = "warning"


def when_ready(server):
    """Import every view once in the master, before the workers are forked.

    Django imports the URLconf, and with it every view module and WeasyPrint, at the first
    request: seconds of work that each worker would otherwise repeat while a visitor waits.
    The page cache's digest of the release (reading the code and templates) likewise.
    """
    from django.urls import get_resolver

    from regioagenda.core import page_cache

    get_resolver().url_patterns  # noqa: B018 — reading it imports the URLconf
    page_cache.release()
