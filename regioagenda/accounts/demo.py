"""Demo accounts for trying out the roles: one editor per municipality and a coordinator."""

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.second_factor import DEVICE_NAME
from regioagenda.regions.models import Region


@dataclass
class DemoAccount:
    username: str
    password: str | None  # None: the account existed already and keeps its password
    role: str
    # The otpauth:// URI of the account's authenticator (scan it, or open it on a phone); like
    # the password it is shown only when it is new.
    setup_uri: str | None = None


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
        password = setup_uri = None
        if created or reset_passwords:
            password = secrets.token_urlsafe(15)
            user.set_password(password)
            user.save()
            # Staff sign in with a second factor: a new secret with every new password, so that
            # no earlier printout still works.
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
            setup_uri = device.config_url
        Membership.objects.get_or_create(user=user, role=role, **scope)
        scope_name = next(iter(scope.values()))
        role_name = Membership.Role(role).label
        accounts.append(DemoAccount(username, password, f"{role_name} — {scope_name}", setup_uri))
    return accounts
