from django.contrib.auth.forms import AuthenticationForm

from regioagenda.core.forms import NLDesignFormMixin


class LoginForm(NLDesignFormMixin, AuthenticationForm):
    """Django's login form with the autocomplete hints browsers and password managers need."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
