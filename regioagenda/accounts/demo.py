"""Demo accounts for trying out the roles: one editor per municipality and a coordinator."""

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from regioagenda.accounts.models import Membership, User
from regioagenda.regions.models import Region


@dataclass
class DemoAccount:
    username: str
    password: str | None  # None: the account existed already and keeps its password
    role: str


@transaction.atomic
def create_demo_users(region: Region, *, reset_passwords: bool = False) -> list[DemoAccount]:
    wanted: list[tuple[str, str, dict[str, Any]]] = [
        (f"coordinator-{region.slug}", Membership.Role.COORDINATOR, {"region": region}),
        *(
            (f"redacteur-{m.slug}", Membership.Role.EDITOR, {"municipality": m})
            for m in region.municipalities.all()
        ),
    ]
    accounts = []
    for username, role, scope in wanted:
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        password = None
        if created or reset_passwords:
            password = secrets.token_urlsafe(15)
            user.set_password(password)
            user.save()
        Membership.objects.get_or_create(user=user, role=role, **scope)
        scope_name = next(iter(scope.values()))
        role_name = Membership.Role(role).label
        accounts.append(DemoAccount(username, password, f"{role_name} — {scope_name}"))
    return accounts
