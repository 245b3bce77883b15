"""What the register write endpoints share: finding what a payload refers to, naming a model's
refusals after the payload's own fields, and recording the token's user in the audit log."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from auditlog.context import set_actor
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import HttpRequest
from ninja.errors import HttpError
from pydantic.alias_generators import to_camel

from regioagenda.regions.models import Region


class References:
    """Looks up the items a payload names (slugs, codes, ids) and collects what it cannot find,
    so that one 400 names every unknown field instead of a 500 or a 404 for the first one."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def find(
        self,
        queryset: models.QuerySet[Any],
        field: str,
        wanted: Any,
        *,
        preferred: dict[str, Any] | None = None,
        where: str = "",
        **lookup: Any,
    ) -> Any:
        """The item matching `lookup`, from `preferred` ones first (the payload's region), else
        any; None, with a problem for `field`, when there is none at all. An item of another
        region is returned on purpose: the model's own check then says what is wrong with it."""
        if wanted is None or wanted == "":
            return None
        found = None
        if preferred:
            found = queryset.filter(**preferred, **lookup).first()
        if found is None:
            found = queryset.filter(**lookup).order_by("pk").first()
        if found is None:
            self.problems[field] = f"'{wanted}' bestaat niet{where}."
        return found

    def region(self, slug: str) -> Region:
        """The payload's region; an unknown one is a bad request naming the field, at once,
        because everything else is looked up in it."""
        region = self.find(Region.objects.all(), "region", slug, slug=slug)
        if region is None:
            # find() passes over an empty slug; a payload without a region is refused too.
            self.problems.setdefault("region", f"'{slug}' bestaat niet.")
            self.check()
        return cast(Region, region)

    def find_all(
        self, queryset: models.QuerySet[Any], field: str, key: str, wanted: list[str]
    ) -> list[Any]:
        found = list(queryset.filter(**{f"{key}__in": wanted}))
        missing = sorted(set(wanted) - {getattr(item, key) for item in found})
        if missing:
            names = ", ".join(f"'{name}'" for name in missing)
            self.problems[field] = f"{names} bestaat niet in deze regio."
        return found

    def check(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)


def _named(
    model: type[models.Model], error: ValidationError, fallback: str, checks: dict[str, str]
) -> dict[str, list[str]]:
    """The model's messages keyed by the payload's camelCase field names.

    A constraint's message (non-field in Django) goes to the field `checks` gives for the
    constraint's name, else to the last field it names; any other non-field message to `fallback`.
    """
    by_message: dict[str, str] = {}
    for constraint in model._meta.constraints:
        field = checks.get(constraint.name) or (getattr(constraint, "fields", None) or [""])[-1]
        if field:
            by_message[str(constraint.get_violation_error_message())] = field
    named: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        for message in messages:
            field = name
            if name == NON_FIELD_ERRORS:
                field = by_message.get(message, fallback)
            named.setdefault(to_camel(field), []).append(message)
    return named


@contextmanager
def payload_checks(
    model: type[models.Model],
    *,
    fallback: str = NON_FIELD_ERRORS,
    checks: dict[str, str] | None = None,
) -> Iterator[None]:
    """Run a write; a refusal by full_clean() comes back as 400 naming the payload's fields.

    `checks` names the field that each check constraint (by name) is about.
    """
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise ValidationError({to_camel(fallback): error.messages}) from error
        raise ValidationError(_named(model, error, fallback, checks or {})) from error


@contextmanager
def audited(request: HttpRequest) -> Iterator[None]:
    """One transaction whose changes the audit log ascribes to the token's user.

    The audit middleware runs before token authentication, so it does not know the user yet.
    """
    with set_actor(request.user, remote_addr=request.META.get("REMOTE_ADDR")), transaction.atomic():
        yield


def delete(request: HttpRequest, instance: models.Model) -> None:
    """Delete the item; refuse with 409 while other items still depend on it."""
    try:
        with audited(request):
            instance.delete()
    except (ProtectedError, RestrictedError) as error:
        dependants = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        )
        used_by = sorted({str(item._meta.verbose_name_plural) for item in dependants})
        raise HttpError(
            409, "Dit item is nog in gebruik (" + ", ".join(used_by) + "); verwijder dat eerst."
        ) from error


def require(allowed: bool) -> None:
    """Refuse with 403 unless the token's roles allow the write."""
    if not allowed:
        raise PermissionDenied
