"""Shapes shared by every app's API: bilingual text and camelCase output."""

import datetime
import re
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError


class ApiSchema(Schema):
    # Property names in lowerCamelCase, as the NL API Design Rules ask.
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Text(ApiSchema):
    nl: str = Field(description="Nederlandse tekst.")
    en: str | None = Field(description="Engelse tekst; leeg als er (nog) geen vertaling is.")


def text(instance: Any, field: str) -> Text:
    return Text(nl=getattr(instance, field), en=getattr(instance, f"{field}_en") or None)


# Ids are positive 32-bit integers in every database; a larger one is a bad request, not a crash.
ItemId = Annotated[int, Field(ge=1, le=2**31 - 1)]


def _iso_date(value: Any) -> Any:
    # Pydantic would also read a number as a Unix timestamp ("0" is 1 January 1970); the API
    # promises ISO 8601 dates only.
    if isinstance(value, datetime.date) or (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        return value
    raise PydanticCustomError("date_format", "moet een datum zijn, zoals 2026-01-31")


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
