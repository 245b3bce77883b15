"""The meetings of the region's councils, colleges and gatherings in the API, as open data:
everyone reads the public meetings with their public agenda items, documents (as links),
decisions and follow-ups, and the bodies that meet. Meetings are not written through the API."""

# Importing the endpoint modules registers their operations on the router.
from regioagenda.meetings.api import meetings  # noqa: F401
from regioagenda.meetings.api.routing import router

__all__ = ["router"]
