"""The versioned API: /api/v1/, described by OpenAPI 3.1 at /api/v1/openapi.json."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from regioagenda.agenda.api import router as agenda_router
from regioagenda.api.problems import (
    PROBLEM_CONTENT_TYPE,
    Problem,
    conflict,
    forbidden,
    http_error,
    not_found,
    rejected,
    validation_error,
)
from regioagenda.competences.api import router as competences_router
from regioagenda.cooperation.api import router as cooperation_router
from regioagenda.core.concurrency import EditConflict
from regioagenda.dossiers.api import router as dossiers_router
from regioagenda.events.api import router as events_router
from regioagenda.initiatives.api import router as initiatives_router
from regioagenda.meetings.api import router as meetings_router
from regioagenda.monitor.api import router as monitor_router
from regioagenda.prioritisation.api import router as prioritisation_router
from regioagenda.proposals.api import router as proposals_router
from regioagenda.regions.api import router as regions_router
from regioagenda.registry.api import router as registry_router
from regioagenda.vision.api import router as vision_router

VERSION_HEADER = {
    "API-Version": {
        "description": "De volledige versie van de API (semantisch versienummer).",
        "schema": {"type": "string", "example": settings.API_VERSION},
    }
}


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": VERSION_HEADER,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


class RegioAgendaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        # Paths are written relative to the server URL, which carries the major version.
        schema = super().get_openapi_schema(path_prefix="", path_params=kwargs.get("path_params"))
        schema["servers"] = [{"url": f"{settings.SITE_URL.rstrip('/')}/api/v1"}]
        schema["info"]["contact"] = {
            "name": "Regio-agenda",
            "email": settings.CONTACT_EMAIL,
            "url": f"{settings.SITE_URL.rstrip('/')}/contact/",
        }
        schema["info"]["license"] = {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = Problem.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        for name, definition in components["Problem"].pop("$defs", {}).items():
            components[name] = definition
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                responses.pop(422, None)
                responses.pop("422", None)
                for status, response in responses.items():
                    if str(status).startswith(("2", "3")):
                        response.setdefault("headers", {}).update(VERSION_HEADER)
                responses["400"] = _problem_response("Ongeldige parameters.")
                if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                    responses["404"] = _problem_response("Niet gevonden.")
                if operation.get("security"):
                    responses["401"] = _problem_response("Geen of een ongeldige API-sleutel.")
                    responses["403"] = _problem_response("Deze sleutel mag dit niet.")
                    responses["409"] = _problem_response(
                        "Iemand anders heeft het item intussen gewijzigd."
                    )
        return schema


api = RegioAgendaAPI(
    title="Regio-agenda API",
    version=settings.API_VERSION,
    description=(
        "Open gegevens van Regio-agenda: de regio, haar gemeenten en de toekomstvisie "
        "(thema's, onderwerpen, uitgangspunten en afspraken). Teksten staan in het "
        "Nederlands met een Engelse vertaling."
    ),
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="openapi.json",
)
# ninja's annotation asks handlers to accept the exception class too; ours get instances only.
api.add_exception_handler(ValidationError, validation_error)  # type: ignore[arg-type]
api.add_exception_handler(Http404, not_found)  # type: ignore[arg-type]
api.add_exception_handler(HttpError, http_error)  # type: ignore[arg-type]
api.add_exception_handler(DjangoValidationError, rejected)  # type: ignore[arg-type]
api.add_exception_handler(PermissionDenied, forbidden)  # type: ignore[arg-type]
api.add_exception_handler(EditConflict, conflict)  # type: ignore[arg-type]
api.add_router("", regions_router)
api.add_router("", vision_router)
api.add_router("", agenda_router)
api.add_router("", prioritisation_router)
api.add_router("", dossiers_router)
api.add_router("", registry_router)
api.add_router("", cooperation_router)
api.add_router("", competences_router)
api.add_router("", initiatives_router)
api.add_router("", monitor_router)
api.add_router("", proposals_router)
api.add_router("", meetings_router)
api.add_router("", events_router)
