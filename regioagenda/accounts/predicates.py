"""Who holds which role for what: the predicates every app's rules.py builds its permissions from.

An object answers for itself through `municipality_id` and `region_id` (a municipality and a
region answer with their own id), so one predicate serves every kind of regional object.
"""

from dataclasses import dataclass
from typing import Any

import rules
from django.db.models import Q

from regioagenda.accounts.models import Membership


@dataclass(frozen=True)
class Roles:
    administrator: bool
    editor_of: frozenset[int]
    council_member_of: frozenset[int]
    coordinator_of: frozenset[int]
    partner_of: frozenset[int]


def regions_kept_by(user: Any, *, through_municipalities: bool = False) -> Any:
    """The regions whose lists the user keeps: every region for an administrator, those they
    coordinate, and with `through_municipalities` also the regions of the municipalities they
    edit (for lists in which an editor adds their own municipality's rows)."""
    from regioagenda.regions.models import Region

    roles = roles_of(user)
    if roles.administrator:
        return Region.objects.all()
    kept = Q(pk__in=roles.coordinator_of)
    if through_municipalities:
        kept |= Q(municipalities__in=roles.editor_of)
    return Region.objects.filter(kept).distinct()


def roles_of(user: Any) -> Roles:
    """The user's roles, read once per user object (one query per request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        nobody: frozenset[int] = frozenset()
        return Roles(False, nobody, nobody, nobody, nobody)
    cached = getattr(user, "_regioagenda_roles", None)
    if cached is not None:
        return cached
    memberships = list(
        Membership.objects.filter(user=user).values_list(
            "role", "municipality_id", "region_id", "organisation_id"
        )
    )

    def ids(role: str, position: int) -> frozenset[int]:
        return frozenset(int(row[position]) for row in memberships if row[0] == role)

    roles = Roles(
        administrator=user.is_superuser
        or any(row[0] == Membership.Role.ADMINISTRATOR for row in memberships),
        editor_of=ids(Membership.Role.EDITOR, 1),
        council_member_of=ids(Membership.Role.COUNCIL_MEMBER, 1),
        coordinator_of=ids(Membership.Role.COORDINATOR, 2),
        partner_of=ids(Membership.Role.PARTNER, 3),
    )
    user._regioagenda_roles = roles
    return roles


@rules.predicate
def is_administrator(user: Any) -> bool:
    return roles_of(user).administrator


@rules.predicate
def is_editor_of_its_municipality(user: Any, obj: Any) -> bool:
    if obj is None:
        return False
    return getattr(obj, "municipality_id", None) in roles_of(user).editor_of


@rules.predicate
def is_coordinator_of_its_region(user: Any, obj: Any) -> bool:
    if obj is None:
        return False
    return getattr(obj, "region_id", None) in roles_of(user).coordinator_of


@rules.predicate
def is_editor(user: Any) -> bool:
    return bool(roles_of(user).editor_of)


@rules.predicate
def is_coordinator(user: Any) -> bool:
    return bool(roles_of(user).coordinator_of)


@rules.predicate
def is_staff_member(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)
