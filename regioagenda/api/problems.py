"""Errors as problem details (RFC 9457), in Dutch, the way the NL API Design Rules ask."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from regioagenda.core.concurrency import EditConflict

PROBLEM_CONTENT_TYPE = "application/problem+json"


class InvalidParam(Schema):
    name: str = Field(description="De parameter of het veld dat niet klopt.")
    reason: str = Field(description="Wat er niet aan klopt.")


class Problem(Schema):
    type: str = Field("about:blank", description="URI die het soort probleem aanduidt.")
    title: str = Field(description="Korte, vaste omschrijving van het soort probleem.")
    status: int = Field(description="De HTTP-statuscode.")
    detail: str = Field(description="Uitleg over dit geval.")
    instance: str = Field(description="Het pad van het verzoek.")
    invalidParams: list[InvalidParam] | None = Field(
        None, description="Bij status 400: welke parameters niet kloppen."
    )


TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet ingelogd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Formaat niet beschikbaar",
    409: "Conflict met een andere wijziging",
    429: "Te veel verzoeken",
    500: "Interne fout",
}


def problem_response(
    request: HttpRequest,
    status: int,
    detail: str,
    invalid_params: list[dict[str, str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Fout"),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if invalid_params:
        body["invalidParams"] = invalid_params
    return HttpResponse(
        Problem(**body).model_dump_json(exclude_none=True),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "ontbreekt"
    if kind in {"int_parsing", "int_type"}:
        return "moet een geheel getal zijn"
    if kind in {"greater_than_equal", "greater_than"}:
        return (
            f"moet minstens {error.get('ctx', {}).get('ge', error.get('ctx', {}).get('gt'))} zijn"
        )
    if kind in {"less_than_equal", "less_than"}:
        return (
            f"mag hoogstens {error.get('ctx', {}).get('le', error.get('ctx', {}).get('lt'))} zijn"
        )
    if kind.startswith("date"):
        return "moet een datum zijn, zoals 2026-01-31"
    if kind == "string_pattern_mismatch":
        return "heeft niet de juiste vorm"
    if kind == "enum":
        return f"moet een van deze waarden zijn: {error.get('ctx', {}).get('expected', '')}"
    return str(error.get("msg", "is ongeldig"))


def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    invalid = [
        {
            # Drop ninja's "query"/"body" and our body parameter's own name ("data").
            "name": ".".join(str(part) for part in error.get("loc", [])[1:] if part != "data")
            or "verzoek",
            "reason": _reason(error),
        }
        for error in exc.errors
    ]
    names = ", ".join(item["name"] for item in invalid)
    return problem_response(request, 400, f"Een of meer parameters kloppen niet: {names}.", invalid)


def rejected(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A write function refused the input: its Dutch messages, per field where it named one."""
    if hasattr(exc, "error_dict"):
        invalid = [
            {"name": name, "reason": " ".join(messages)}
            for name, messages in exc.message_dict.items()
        ]
        detail = " ".join(f"{item['name']}: {item['reason']}" for item in invalid)
        return problem_response(request, 400, detail, invalid)
    return problem_response(request, 400, " ".join(exc.messages))


def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(request, 403, "Deze sleutel mag dit niet doen.")


def conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
    fields = ", ".join(exc.changed_fields) or "onbekend"
    return problem_response(
        request,
        409,
        f"Iemand anders heeft dit item intussen gewijzigd (versie {exc.current.version}); "
        f"verschillen in: {fields}. Haal de nieuwste versie op en probeer het opnieuw.",
    )


def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(request, 404, "Er is geen item op dit adres.")


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(request, exc.status_code, str(exc))
