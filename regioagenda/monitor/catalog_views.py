"""The open-data page and the DCAT-AP-NL catalogue (JSON-LD) that harvesters read."""

import datetime
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from regioagenda.monitor.catalog import LICENCE, catalogue_for
from regioagenda.regions.current import current_region


def catalogue(request: HttpRequest) -> HttpResponse:
    document = catalogue_for(current_region(), absolute=request.build_absolute_uri)
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )


def index(request: HttpRequest) -> HttpResponse:
    region = current_region()
    # The page lists what the catalogue lists, so that the two cannot drift apart.
    document = catalogue_for(region, absolute=request.build_absolute_uri)
    return render(
        request,
        "monitor/open_data.html",
        {
            "datasets": [_listed(dataset) for dataset in document["dcat:dataset"]],
            "licence": LICENCE,
        },
    )


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _listed(dataset: dict[str, Any]) -> dict[str, Any]:
    """A dataset of the catalogue as the page shows it, in the language of the request."""
    return {
        "title": _in_language(dataset["dct:title"]),
        "description": _in_language(dataset["dct:description"]),
        "page": dataset["dcat:landingPage"]["@id"],
        "start": _day(dataset.get("dct:temporal", {}).get("dcat:startDate")),
        "end": _day(dataset.get("dct:temporal", {}).get("dcat:endDate")),
        "modified": _day(dataset.get("dct:modified")),
        "downloads": [
            {"title": _in_language(d["dct:title"]), "url": d["dcat:accessURL"]["@id"]}
            for d in dataset["dcat:distribution"]
        ],
    }


def _in_language(texts: list[dict[str, str]]) -> str:
    language = (get_language() or "nl").split("-")[0]
    by_language = {text["@language"]: text["@value"] for text in texts}
    return by_language.get(language) or by_language["nl"]
