"""The region this site shows (see `RegionQuerySet.current`), for views.

A request asks for it several times (the view, the templates' context processor, a filter
form); it is looked up once per request. Outside a request (commands, tests calling code
directly) every call asks the database, so a region loaded or removed since is never missed.
"""

from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished, request_started
from django.http import Http404
from django.utils.translation import gettext as _

from regioagenda.regions.models import Region

# None outside a request; within one, a dict holding the region once it was looked up.
_looked_up: ContextVar[dict[str, Region | None] | None] = ContextVar(
    "current_region_looked_up", default=None
)


def _start(**kwargs: Any) -> None:
    _looked_up.set({})


def _finish(**kwargs: Any) -> None:
    _looked_up.set(None)


request_started.connect(_start, dispatch_uid="regions.current.start")
request_finished.connect(_finish, dispatch_uid="regions.current.finish")


def shown_region() -> Region | None:
    """The region this site shows, or None before one is loaded."""
    memo = _looked_up.get()
    if memo is None:
        return Region.objects.current()
    if "region" not in memo:
        memo["region"] = Region.objects.current()
    return memo["region"]


def current_region() -> Region:
    region = shown_region()
    if region is None:
        raise Http404(_("Er is nog geen regio geladen."))
    return region
