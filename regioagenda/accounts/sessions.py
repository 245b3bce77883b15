"""Signed-in sessions end after 30 minutes without a request and after 12 hours in all.

BIO2 and ASVS level 2 ask both limits of staff sessions; everyone with an account here holds
some role (staff, a council member or a partner), so the limits apply to every signed-in user.
The times are kept in the session itself (server side), so a client cannot extend them; an
expired session is flushed (logged out everywhere it was used) and the user is sent to the
login page with a message saying why.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

STARTED = "regioagenda_session_started"
LAST_SEEN = "regioagenda_session_last_seen"
# Writing the time on every request would save the session on every request; once a minute
# is precise enough for a 30-minute limit.
LAST_SEEN_STEP = 60


def start_session_clock(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """At login (the `user_logged_in` signal): both limits count from now."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[LAST_SEEN] = now


class SessionTimeLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(STARTED, now)
            last_seen = session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_SECONDS
            too_long = now - started > settings.SESSION_MAX_SECONDS
            if idle or too_long:
                logout(request)
                messages.info(
                    request,
                    _("U bent uitgelogd na 30 minuten zonder activiteit. Log opnieuw in.")
                    if idle
                    else _("U bent uitgelogd: een sessie duurt hoogstens 12 uur. Log opnieuw in."),
                )
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= LAST_SEEN_STEP or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)
