"""Read endpoints for the vision: themes with their topics, qualities, principles, agreements.

Everything hangs below its region, because slugs are unique within a region only.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router
from ninja.pagination import paginate

from regioagenda.api.pagination import Pagination
from regioagenda.api.schemas import ApiSchema, Text, text
from regioagenda.regions.models import Region
from regioagenda.vision.models import Agreement, Principle, Quality, Theme, Topic

router = Router(tags=["Toekomstvisie"])


class ItemOut(ApiSchema):
    slug: str = Field(description="Vaste korte naam, uniek binnen de regio.")
    position: int = Field(description="Volgorde in het brondocument.")
    title: Text
    summary: Text
    source_section: str = Field(description="Paragraaf van het brondocument waar dit uit komt.")

    @staticmethod
    def resolve_title(item: Any) -> Text:
        return text(item, "title")

    @staticmethod
    def resolve_summary(item: Any) -> Text:
        return text(item, "summary")

    @staticmethod
    def resolve_source_section(item: Any) -> str:
        return item.source_section


class TopicOut(ItemOut):
    theme: str = Field(description="Korte naam van het thema.")

    @staticmethod
    def resolve_theme(topic: Topic) -> str:
        return topic.theme.slug


class ThemeOut(ItemOut):
    ambition: Text
    is_governance: bool = Field(
        description="Het hoofdstuk over bestuurlijke samenwerking in plaats van een inhoudelijk "
        "thema."
    )
    topics: list[ItemOut]

    @staticmethod
    def resolve_ambition(theme: Theme) -> Text:
        return text(theme, "ambition")

    @staticmethod
    def resolve_topics(theme: Theme) -> list[Topic]:
        return list(theme.topics.all())


class TopicFilter(ApiSchema):
    theme: str | None = Field(None, description="Alleen onderwerpen van dit thema (korte naam).")


def _region(slug: str) -> Region:
    return get_object_or_404(Region, slug=slug)


@router.get(
    "/regions/{region}/themes",
    response=list[ThemeOut],
    by_alias=True,
    operation_id="listThemes",
    summary="Thema's van een regio",
)
@paginate(Pagination)
def list_themes(request: HttpRequest, region: str) -> QuerySet[Theme]:
    return Theme.objects.in_region(_region(region)).prefetch_related("topics")


@router.get(
    "/regions/{region}/themes/{slug}",
    response=ThemeOut,
    by_alias=True,
    operation_id="getTheme",
    summary="Eén thema met zijn onderwerpen",
)
def get_theme(request: HttpRequest, region: str, slug: str) -> Theme:
    return get_object_or_404(
        Theme.objects.in_region(_region(region)).prefetch_related("topics"), slug=slug
    )


@router.get(
    "/regions/{region}/topics",
    response=list[TopicOut],
    by_alias=True,
    operation_id="listTopics",
    summary="Onderwerpen van de strategische agenda",
)
@paginate(Pagination)
def list_topics(request: HttpRequest, region: str, filters: Query[TopicFilter]) -> QuerySet[Topic]:
    topics = Topic.objects.in_region(_region(region)).select_related("theme")
    if filters.theme:
        topics = topics.filter(theme__slug=filters.theme)
    return topics


@router.get(
    "/regions/{region}/topics/{slug}",
    response=TopicOut,
    by_alias=True,
    operation_id="getTopic",
    summary="Eén onderwerp",
)
def get_topic(request: HttpRequest, region: str, slug: str) -> Topic:
    return get_object_or_404(
        Topic.objects.in_region(_region(region)).select_related("theme"), slug=slug
    )


def _item_endpoints(
    model: Any, plural: str, noun: str, nouns: str, label: str, label_plural: str
) -> None:
    """The same two read endpoints for each plain kind of vision item."""

    @router.get(
        f"/regions/{{region}}/{plural}",
        response=list[ItemOut],
        by_alias=True,
        operation_id=f"list{nouns}",
        summary=label_plural,
    )
    @paginate(Pagination)
    def list_items(request: HttpRequest, region: str) -> QuerySet[Any]:
        return model.objects.in_region(_region(region))

    @router.get(
        f"/regions/{{region}}/{plural}/{{slug}}",
        response=ItemOut,
        by_alias=True,
        operation_id=f"get{noun}",
        summary=label,
    )
    def get_item(request: HttpRequest, region: str, slug: str) -> Any:
        return get_object_or_404(model.objects.in_region(_region(region)), slug=slug)


_item_endpoints(
    Quality, "qualities", "Quality", "Qualities", "Eén kwaliteit", "Kwaliteiten van de regio"
)
_item_endpoints(
    Principle, "principles", "Principle", "Principles", "Eén uitgangspunt", "Uitgangspunten"
)
_item_endpoints(Agreement, "agreements", "Agreement", "Agreements", "Eén afspraak", "Afspraken")
