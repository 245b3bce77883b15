"""The API of the Bevoegdheden."""

from ninja import Router

router = Router(tags=["Bevoegdheden"])
