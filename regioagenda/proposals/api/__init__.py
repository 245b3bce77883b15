"""Proposals and their regional checks in the API, and the suggestions for a check.

Everyone reads proposals that are no longer a draft and their submitted checks. With a token a
municipality's editor registers its proposals and writes their checks, the region's coordinator
those of every municipality of the region; the token also shows them the drafts they may write.
`POST /impact-suggestions` is open to everyone: it stores nothing.
"""

# Importing the endpoint modules registers their operations on the router.
from regioagenda.proposals.api import impact_checks, impact_suggestions, proposals  # noqa: F401
from regioagenda.proposals.api.routing import router

__all__ = ["router"]
