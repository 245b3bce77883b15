"""The monitor in the API: indicators, their figures with sources and revisions, the region's
computed series and the targets with their status.

Everyone reads. With a token a municipality's editor records figures of their own municipality
(and its districts and neighbourhoods), the region's coordinator any figure of the region.
"""

# Importing the endpoint modules registers their operations on the router.
from regioagenda.monitor.api import indicators, observations, targets  # noqa: F401
from regioagenda.monitor.api.routing import router

__all__ = ["router"]
