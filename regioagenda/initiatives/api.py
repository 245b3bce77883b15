"""The API of the Initiatieven."""

from ninja import Router

router = Router(tags=["Initiatieven"])
