"""The region this site shows (see `RegionQuerySet.current`), for views."""

from django.http import Http404
from django.utils.translation import gettext as _

from regioagenda.regions.models import Region


def current_region() -> Region:
    region = Region.objects.current()
    if region is None:
        raise Http404(_("Er is nog geen regio geladen."))
    return region
