import re
from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils.translation import gettext_lazy as _

from regioagenda.core.forms import NLDesignFormMixin


class LoginForm(NLDesignFormMixin, AuthenticationForm):
    """Django's login form with the autocomplete hints browsers and password managers need."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class VerificationCodeForm(NLDesignFormMixin, forms.Form):
    """The six digits an authenticator app shows; whether they are right is the view's question."""

    code = forms.CharField(
        label=_("Verificatiecode"),
        help_text=_("De 6 cijfers die uw authenticator-app nu toont."),
        error_messages={"required": _("Vul de verificatiecode in.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "maxlength": "7",
                "size": "7",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        # Apps show the digits in two groups; the space people copy with them is not the code's.
        code = "".join(self.cleaned_data["code"].split())
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("Een verificatiecode bestaat uit 6 cijfers."))
        return code


class ResetRequestForm(NLDesignFormMixin, PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})


class NewPasswordForm(NLDesignFormMixin, SetPasswordForm):  # type: ignore[type-arg]
    pass
