"""Test support for logging in: staff in tests pass the second factor like real staff do.

`client.force_login(user)` skips the login form, and with it the second factor. The autouse
fixture below makes it do what a real login does for a user who needs a second factor: the user
gets a confirmed TOTP device (if they had none) and the session is marked verified with it, the
way `django_otp.login` does. Tests that prove the second factor is enforced opt out with
`@pytest.mark.second_factor_enforced`; force_login then leaves the session unverified, as the
password step alone would.

Browser tests log in through the form; `core.browser_testing.log_in` answers the code step with
`current_code(device)`.
"""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from regioagenda.accounts.second_factor import give_second_factor, needs_second_factor

__all__ = ["current_code", "give_second_factor", "with_second_factor"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "second_factor_enforced: client.force_login leaves staff sessions unverified",
    )


def current_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current one, or the next if the current one was used
    already (a device takes each time step once; its tolerance allows one step ahead)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def with_second_factor(user: Any) -> Any:
    """The user, with a confirmed TOTP device (API tokens are issued only to and by such users)."""
    give_second_factor(user)
    return user


@pytest.fixture(autouse=True)
def force_login_passes_second_factor(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    if request.node.get_closest_marker("second_factor_enforced"):
        yield
        return
    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        if needs_second_factor(user):
            device = give_second_factor(user)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
    yield
