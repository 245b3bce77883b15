"""The second factor: who needs one, their TOTP device, and the middleware that holds them to it.

Staff, administrators and everyone holding a role other than partner sign in with a password and
then a code from an authenticator app (TOTP, RFC 6238, through django-otp). Until the code is
given, the session is signed in but not verified: every page sends such a user to the code step
(or, without a device yet, to the setup step), and the API treats them as a visitor. Partners and
visitors are not asked.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from regioagenda.accounts.predicates import roles_of
from regioagenda.audit.records import record

DEVICE_NAME = "Authenticator-app"

# The pages a signed-in but unverified user may still reach: the steps themselves and the way out.
OPEN_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:second_factor_verify",
        "accounts:second_factor_setup",
    }
)
API_PREFIX = "/api/"


def needs_second_factor(user: Any) -> bool:
    """Everyone with back-office access or a role beyond partner; not partners, not visitors."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    # The roles the views read anyway (one query per request, cached on the user).
    roles = roles_of(user)
    return bool(
        roles.administrator or roles.editor_of or roles.council_member_of or roles.coordinator_of
    )


def confirmed_device(user: Any) -> TOTPDevice | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def has_second_factor(user: Any) -> bool:
    return confirmed_device(user) is not None


def is_verified(request: HttpRequest) -> bool:
    """Whether this session has passed the second factor (django-otp keeps the device in it)."""
    verified = getattr(request.user, "is_verified", None)
    return bool(verified()) if callable(verified) else False


def device_to_set_up(user: Any) -> TOTPDevice:
    """The unconfirmed device whose secret the setup page shows; the same one on every visit, so
    that a reload does not invalidate a code the user already scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def give_second_factor(user: Any) -> TOTPDevice:
    """A confirmed device for the user, created if they have none (demo accounts, tests)."""
    device = confirmed_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    return device


def qr_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// URI as an SVG QR code in a data: URI (the CSP allows data: images
    and nothing inline else), for the authenticator app to scan."""
    uri: str = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
    return uri


def secret_in_groups(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, as people type it into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def lockout_credentials(user: Any) -> dict[str, str]:
    return {getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"): user.get_username()}


def code_attempts_allowed(request: HttpRequest) -> bool:
    """False once axes has locked this username or address (passwords and codes together)."""
    return bool(AxesProxyHandler.is_allowed(request, lockout_credentials(request.user)))


def check_code(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Verify a code against the device. A wrong code counts as a failed login for axes, so that
    guessing codes is limited like guessing passwords, and is recorded in the audit log."""
    with transaction.atomic():
        verified = django_otp.verify_token(request.user, device.persistent_id, code)
    if verified is not None:
        return True
    AxesProxyHandler.user_login_failed(
        sender=check_code, credentials=lockout_credentials(request.user), request=request
    )
    record("second_factor.failed", request=request, actor=request.user, result="failure")
    return False


def mark_verified(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified and give it a new id: the session gains rights here, so an id
    seen before this step (on the code page) must not carry them."""
    django_otp.login(request, device)
    request.session.cycle_key()
    record("second_factor.verified", request=request, actor=request.user)


def step_url(request: HttpRequest) -> str:
    name = "second_factor_verify" if has_second_factor(request.user) else "second_factor_setup"
    return f"{reverse(f'accounts:{name}')}?next={quote(request.get_full_path())}"


class SecondFactorRequiredMiddleware:
    """Send signed-in users who need a second factor and have not given it to the code step.

    Comes after django-otp's OTPMiddleware (which tells whether the session is verified) and the
    session time limits (an expired session is logged out, not sent here).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._is_open(request)
            and not is_verified(request)
            and needs_second_factor(user)
        ):
            if request.path_info.startswith(API_PREFIX):
                # The API answers a half signed-in session as it answers a visitor; tokens
                # authenticate on their own (accounts/tokens.py).
                request.user = AnonymousUser()
            else:
                return HttpResponseRedirect(step_url(request))
        return self.get_response(request)

    @staticmethod
    def _is_open(request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith(settings.STATIC_URL) or path.startswith(settings.MEDIA_URL):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return True  # a 404 page reveals nothing
        return match.view_name in OPEN_VIEWS
