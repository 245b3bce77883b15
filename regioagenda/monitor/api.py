"""The API of the monitor."""

from ninja import Router

router = Router(tags=["Monitor"])
