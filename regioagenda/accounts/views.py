from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from regioagenda.accounts import second_factor
from regioagenda.accounts.forms import (
    LoginForm,
    NewPasswordForm,
    ResetRequestForm,
    VerificationCodeForm,
)
from regioagenda.audit.records import record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("accounts:profile")


def _locked_out(request: HttpRequest) -> HttpResponse:
    # Axes' middleware turns the flag into its lockout page; the half signed-in session ends.
    logout(request)
    request.axes_locked_out = True  # type: ignore[attr-defined]
    return HttpResponse(status=429)


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the user's authenticator app."""
    if second_factor.is_verified(request) or not second_factor.needs_second_factor(request.user):
        return HttpResponseRedirect(_next_url(request))
    device = second_factor.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('accounts:second_factor_setup')}?{request.GET.urlencode()}")
    form = VerificationCodeForm(request.POST or None)
    if request.method == "POST":
        if not second_factor.code_attempts_allowed(request):
            return _locked_out(request)
        if form.is_valid():
            if second_factor.check_code(request, device, form.cleaned_data["code"]):
                second_factor.mark_verified(request, device)
                return HttpResponseRedirect(_next_url(request))
            if getattr(request, "axes_locked_out", False):
                return _locked_out(request)
            form.add_error("code", _wrong_code_message(device))
    return render(
        request, "accounts/second_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up the second factor: scan the secret into an app and confirm it with a first code."""
    if second_factor.has_second_factor(request.user):
        # A device is replaced by an administrator only, never from a session that has not
        # shown it (which is what a stolen password would give).
        return redirect(f"{reverse('accounts:second_factor_verify')}?{request.GET.urlencode()}")
    if not second_factor.needs_second_factor(request.user):
        return HttpResponseRedirect(_next_url(request))
    device = second_factor.device_to_set_up(request.user)
    form = VerificationCodeForm(request.POST or None)
    if request.method == "POST":
        if not second_factor.code_attempts_allowed(request):
            return _locked_out(request)
        if form.is_valid():
            if second_factor.check_code(request, device, form.cleaned_data["code"]):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                # Secrets shown on other visits to the setup page (other tabs) are now unused.
                TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
                record("second_factor.added", request=request, actor=request.user, obj=device)
                second_factor.mark_verified(request, device)
                messages.success(request, _("Uw tweede stap is ingesteld."))
                return HttpResponseRedirect(_next_url(request))
            if getattr(request, "axes_locked_out", False):
                return _locked_out(request)
            form.add_error("code", _wrong_code_message(device))
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_code": second_factor.qr_data_uri(device),
            "secret": second_factor.secret_in_groups(device),
        },
    )


def _wrong_code_message(device: object) -> str:
    allowed, details = device.verify_is_allowed()  # type: ignore[attr-defined]
    if not allowed and details and "failure_count" in details:
        return _(
            "De verificatiecode klopt niet, en er zijn te veel verkeerde codes achter elkaar "
            "ingevoerd. Wacht even en probeer het dan opnieuw met de code die uw app dan toont."
        )
    return _(
        "De verificatiecode klopt niet. Vul de code in die uw authenticator-app nu toont; "
        "elke code is 30 seconden geldig en maar één keer te gebruiken."
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related(  # type: ignore[union-attr]
        "municipality", "region", "organisation"
    )
    device = second_factor.confirmed_device(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "second_factor_device": device,
            "needs_second_factor": second_factor.needs_second_factor(request.user),
        },
    )


# Forgotten passwords: Django's own views, in Dutch. A new password does not sign anyone in
# (post_reset_login stays False), so the second factor is asked at the next login as always.
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    post_reset_login = False
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
