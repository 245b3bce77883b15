from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "regioagenda.accounts"
    label = "accounts"
    verbose_name = _("Accounts en rollen")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.accounts.models import ApiToken, Membership, User

        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(Membership)
        auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])

        from django.contrib.auth.signals import user_logged_in

        from regioagenda.accounts.sessions import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="start-session-clock")
