"""The proposals' router and what its endpoint modules share: who is asking, which proposals
they may see, and the paths to link."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from regioagenda.accounts.predicates import roles_of
from regioagenda.accounts.tokens import authenticate_token
from regioagenda.proposals.models import Proposal, ProposalStatus
from regioagenda.regions.models import Region

router = Router(tags=["Voorstellen"])

API = "/api/v1"


def link(path: str) -> str:
    return f"{API}{path}"


def proposal_path(proposal: Proposal) -> str:
    return f"/regions/{proposal.municipality.region.slug}/proposals/{proposal.pk}"


def viewer(request: HttpRequest) -> Any:
    """The token's user when the request carries one, else an anonymous visitor.

    Reading needs no token, so the read operations do not declare one; a token only shows its
    user the drafts they may write. A token that is given but not valid is refused rather than
    silently read as anonymous, so that a client notices an expired key.
    """
    header = request.headers.get("Authorization", "")
    if not header.strip():
        return AnonymousUser()
    scheme, _space, key = header.strip().partition(" ")
    user = authenticate_token(key.strip()) if scheme.lower() == "bearer" and key.strip() else None
    if user is None:
        raise HttpError(401, _("De API-sleutel is ongeldig, verlopen of ingetrokken."))
    request.user = user
    return user


def visible_to(user: Any, proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Every proposal but a draft; a draft only for the staff of its region who may write it:
    the editors of its municipality, the region's coordinator and administrators (the rule
    `proposals.change_proposal`, asked of the whole list at once)."""
    roles = roles_of(user)
    if roles.administrator:
        return proposals
    return proposals.filter(
        ~Q(status=ProposalStatus.DRAFT)
        | Q(municipality_id__in=roles.editor_of)
        | Q(municipality__region_id__in=roles.coordinator_of)
    )


def region_or_404(slug: str) -> Region:
    return get_object_or_404(Region, slug=slug)


def limited_text(limit: int) -> Any:
    """Dutch refusals for a text that is not one or is too long; surrounding space dropped."""

    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise PydanticCustomError("string_type", _("moet een tekst zijn"))
        if len(value) > limit:
            raise PydanticCustomError(
                "string_too_long", _("is te lang (hoogstens {limit} tekens)"), {"limit": limit}
            )
        return value.strip()

    return BeforeValidator(check)
