"""The events' router and what its endpoint modules share: who is asking, which events they may
see and keep, and the paths to link."""

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Router

from regioagenda.accounts.predicates import roles_of
from regioagenda.events.models import Event
from regioagenda.proposals.api.routing import link, viewer
from regioagenda.regions.models import Region

router = Router(tags=["Evenementen"])

__all__ = ["link", "router", "viewer"]


def event_path(event: Event) -> str:
    return f"/regions/{event.region.slug}/events/{event.pk}"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def visible_events(user: Any, events: QuerySet[Event]) -> QuerySet[Event]:
    """Published events for everyone; with a token also one's own events in any state, and the
    events one may moderate (the region's coordinator, the editors of the event's municipality)."""
    roles = roles_of(user)
    if roles.administrator:
        return events
    seen = Q(moderation=Event.Moderation.PUBLISHED)
    if getattr(user, "is_authenticated", False):
        seen |= Q(organiser_id=user.pk)
    if roles.coordinator_of:
        seen |= Q(region_id__in=roles.coordinator_of)
    if roles.editor_of:
        seen |= Q(municipality_id__in=roles.editor_of)
    return events.filter(seen)


def may_moderate(user: Any, event: Event) -> bool:
    """The region's coordinator, the editors of the event's municipality (an event outside the
    region is the coordinator's), and administrators."""
    roles = roles_of(user)
    return (
        roles.administrator
        or event.region_id in roles.coordinator_of
        or (event.municipality_id is not None and event.municipality_id in roles.editor_of)
    )


def may_keep(user: Any, event: Event) -> bool:
    """Its organiser (the token's user) and those who may moderate it."""
    is_organiser = (
        getattr(user, "is_authenticated", False)
        and event.organiser_id is not None
        and event.organiser_id == user.pk
    )
    return bool(is_organiser) or may_moderate(user, event)


def may_submit(user: Any, region: Region) -> bool:
    """Partners of an organisation of the region, editors of one of its municipalities, its
    coordinator and administrators submit events through the API."""
    roles = roles_of(user)
    if roles.administrator or region.pk in roles.coordinator_of:
        return True
    if roles.editor_of and region.municipalities.filter(pk__in=roles.editor_of).exists():
        return True
    return bool(roles.partner_of and region.organisations.filter(pk__in=roles.partner_of).exists())


def remember_viewer(request: HttpRequest, user: Any) -> Any:
    """Keep who asks on the request, for the fields only an event's keepers see."""
    request._events_viewer = user  # type: ignore[attr-defined]
    return user


def viewer_of(request: HttpRequest) -> Any:
    return getattr(request, "_events_viewer", None)
