"""The product's URLs plus `/bench/leeg/`, a page with no work: the framework's floor.

The product's list is reused as it is, not include()d: i18n_patterns only work in the root
URLconf, and the error handlers must be named there too.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from regioagenda.urls import handler400, handler403, handler404, handler500
from regioagenda.urls import urlpatterns as product_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def empty(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/leeg/", empty), *product_urlpatterns]
