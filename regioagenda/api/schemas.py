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


# At least one character that is not a space, by every reading of "space" involved (JSON
# Schema's ECMAScript \s, the Rust \s pydantic checks patterns with, and Python's str.strip,
# which also takes \x1c-\x1f): a name of spaces only is none.
SOMETHING = r"[^\s\x1c-\x1f\x85\ufeff]"

# A web address as Django's URLValidator accepts it, narrowed to http(s) and plain ASCII host
# names, so that what the schema allows the model accepts: a host of labels with a top-level
# domain of letters, then optionally a path, query or fragment without spaces.
WEB_ADDRESS = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,20}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,20}[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,10}"
    r"(?:[/?#][!-~]*)?$"
)
