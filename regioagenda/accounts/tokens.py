"""API tokens: issued by an administrator, named, scoped, expiring, revocable, stored hashed."""

import datetime
import hashlib
import hmac
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regioagenda.accounts.models import ApiToken, Membership, User
from regioagenda.accounts.predicates import Roles, roles_of
from regioagenda.accounts.second_factor import has_second_factor

PREFIX_LENGTH = 8
NO_SECOND_FACTOR = gettext_lazy(
    "Deze gebruiker heeft nog geen tweede stap (authenticator-app) ingesteld; een API-sleutel "
    "kan pas daarna worden uitgegeven."
)
MAX_LIFETIME = datetime.timedelta(days=366)


def _hash(key: str) -> str:
    # The keys are 256 random bits, so a plain SHA-256 is enough; no salt or slow hash needed.
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_token(
    user: User,
    *,
    name: str,
    memberships: list[Membership],
    expires_at: datetime.datetime,
    by: Any,
) -> tuple[ApiToken, str]:
    """Create a token; returns it with the key, which is never shown again.

    A token works without the second factor, so only users who have one may hold a token, and
    only an administrator who has given theirs may issue one.
    """
    if not roles_of(by).administrator or not _has_passed_second_factor(by):
        raise PermissionDenied
    if not has_second_factor(user):
        raise ValidationError({"user": NO_SECOND_FACTOR})
    if not memberships:
        raise ValidationError(
            {"memberships": _("Kies minstens één rol waarvoor de sleutel geldt.")}
        )
    if any(membership.user_id != user.pk for membership in memberships):
        raise ValidationError(
            {"memberships": _("Een sleutel geldt alleen voor rollen van de gebruiker zelf.")}
        )
    now = timezone.now()
    if not now < expires_at <= now + MAX_LIFETIME:
        raise ValidationError(
            {"expires_at": _("Een sleutel verloopt binnen een jaar, en niet in het verleden.")}
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_prefix=key[:PREFIX_LENGTH],
        key_hash=_hash(key),
        expires_at=expires_at,
        created_by=by,
    )
    token.memberships.set(memberships)
    return token, key


def _has_passed_second_factor(by: Any) -> bool:
    # In a request (the admin) the issuer's session must be verified; the OTP middleware gives
    # request.user `is_verified`. Outside one (a shell, a test) having a device is the most to ask.
    verified = getattr(by, "is_verified", None)
    if callable(verified):
        return bool(verified())
    return has_second_factor(by)


def revoke_token(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def authenticate_token(key: str) -> User | None:
    """The token's user, with only the token's roles; None for an unknown, expired or revoked
    key."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_prefix=key[:PREFIX_LENGTH], revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
        return None
    user = token.user
    if not user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    scoped = list(
        token.memberships.values_list("role", "municipality_id", "region_id", "organisation_id")
    )

    def ids(role: str, position: int) -> frozenset[int]:
        return frozenset(int(row[position]) for row in scoped if row[0] == role)

    # Narrow the user's roles to the token's scope for the rest of this request.
    user._regioagenda_roles = Roles(  # type: ignore[attr-defined]
        administrator=any(row[0] == Membership.Role.ADMINISTRATOR for row in scoped),
        editor_of=ids(Membership.Role.EDITOR, 1),
        council_member_of=ids(Membership.Role.COUNCIL_MEMBER, 1),
        coordinator_of=ids(Membership.Role.COORDINATOR, 2),
        partner_of=ids(Membership.Role.PARTNER, 3),
    )
    return user
