"""Shapes shared by every app's API: bilingual text and camelCase output."""

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel


class ApiSchema(Schema):
    # Property names in lowerCamelCase, as the NL API Design Rules ask.
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Text(ApiSchema):
    nl: str = Field(description="Nederlandse tekst.")
    en: str | None = Field(description="Engelse tekst; leeg als er (nog) geen vertaling is.")


def text(instance: Any, field: str) -> Text:
    return Text(nl=getattr(instance, field), en=getattr(instance, f"{field}_en") or None)
