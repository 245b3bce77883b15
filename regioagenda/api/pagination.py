"""Paged lists: `limit` and `offset`, with `count` and `items` in the answer."""

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# Databases store offsets as 64-bit integers at most; a larger one is a bad request, not a crash.
MAX_OFFSET = 2**31 - 1


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=settings.NINJA_PAGINATION_MAX_LIMIT,
            description="Hoeveel items per pagina.",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Hoeveel items over te slaan.")
