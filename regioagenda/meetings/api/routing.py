"""The meetings' router and the paths its endpoint modules link."""

from ninja import Router

router = Router(tags=["Vergaderingen"])
