"""Render a page template as a tagged, accessible PDF (PDF/UA-1) with WeasyPrint.

WeasyPrint reads the stylesheets, fonts and images the template links to through a fetcher
that serves our own static files (found the way `collectstatic` finds them) and `data:` URIs
(self-contained, such as a chart's SVG drawn on the server) and refuses every other address: a
PDF never makes the server fetch from the network.
"""

import mimetypes
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class StaticFilesFetcher(URLFetcher):
    """Answers only for URLs under STATIC_URL, from the static files on disk, and `data:` URIs."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            # Decoded by urllib's DataHandler: the content is in the URI, nothing is fetched.
            return super().fetch(url, headers)
        path = unquote(urlsplit(url).path)
        static_url = urlsplit(settings.STATIC_URL).path
        if not path.startswith(static_url):
            raise ValueError(f"Not one of our static files: {url}")
        found = finders.find(path.removeprefix(static_url))
        if not found or isinstance(found, list):
            raise ValueError(f"No such static file: {url}")
        with open(found, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def render_pdf(request: HttpRequest, template: str, context: dict[str, Any]) -> bytes:
    """The template rendered as PDF/UA-1: tagged, with the page's language and title."""
    html = render_to_string(template, context, request=request)
    document = HTML(
        string=html,
        # Links in the PDF point at the site; static files still come from disk (see above).
        base_url=request.build_absolute_uri("/"),
        url_fetcher=StaticFilesFetcher(),
    )
    return document.write_pdf(pdf_variant="pdf/ua-1")
