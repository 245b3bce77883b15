"""The events of the region in the API: everyone reads the published ones; with a token,
partners, editors and the coordinator submit events and change their own (the staff who may
moderate an event change it too)."""

# Importing the endpoint modules registers their operations on the router.
from regioagenda.events.api import events  # noqa: F401
from regioagenda.events.api.routing import router

__all__ = ["router"]
