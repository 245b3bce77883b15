"""Settings for the load test: the production settings, plus one trivial page.

Everything comes from regioagenda.settings and the same environment variables as production
(stack.py sets REGIOAGENDA_PRODUCTION=1, DJANGO_BEHIND_PROXY=1, a secret key, PostgreSQL and
Redis). Loopback has no TLS, so stack.py also sets DJANGO_SECURE_SSL_REDIRECT=0, the switch
settings.py already reads; HSTS and secure cookies stay on, as they cost nothing here.
The only change in this module: the URLs gain `/bench/leeg/` (bench/load/urls.py), a view
that does no work, to measure the framework's floor under the same middleware.
"""

from regioagenda.settings import *  # noqa: F403 — the production settings, unchanged

ROOT_URLCONF = "bench.load.urls"
