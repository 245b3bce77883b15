"""Audit records for what Django announces by signal: logins, logouts, role changes, deletions."""

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save, pre_save

from regioagenda.audit.records import record

# Whose rows' deletions are recorded: the project's own apps, except the log itself. Sessions,
# axes and django-auditlog's history are not under `regioagenda.`.
_OWN_APPS = "regioagenda."
_NOT_RECORDED = {"audit.auditrecord"}
# Role changes get their own records (membership.*), so their deletions are not repeated.
_RECORDED_ELSEWHERE = {"accounts.membership"}
# What a new account starts with; a change from these is recorded.
_PRIVILEGES = {"is_staff": False, "is_superuser": False, "is_active": True}


def logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("login", request=request, actor=user)


def logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("logout", request=request, actor=user)


def login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # The username is personal data (and often a mistyped password): it is never stored. An
    # existing account is named by its pseudonym as the object; an unknown name leaves only
    # the attempt, with its origin.
    user_model = get_user_model()
    username = credentials.get(user_model.USERNAME_FIELD)
    target = (
        user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        if isinstance(username, str)
        else None
    )
    record("login.failed", request=request, obj=target, result="failure")


def membership_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    record(
        "membership.added" if created else "membership.changed",
        obj=instance,
        detail=_membership_detail(instance),
    )


def membership_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    record("membership.removed", obj=instance, detail=_membership_detail(instance))


def _membership_detail(membership: Any) -> dict[str, Any]:
    return {
        "user": str(membership.user.audit_id),
        "role": membership.role,
        "municipality": membership.municipality_id,
        "region": membership.region_id,
        "organisation": membership.organisation_id,
    }


def privileges_changing(
    sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any
) -> None:
    if update_fields is not None and not set(update_fields) & set(_PRIVILEGES):
        return  # such as the last login; no query needed
    before = _PRIVILEGES
    if instance.pk is not None:
        stored = sender._default_manager.filter(pk=instance.pk).values(*_PRIVILEGES).first()
        before = stored or _PRIVILEGES
    changed = {
        name: [before[name], getattr(instance, name)]
        for name in _PRIVILEGES
        if before[name] != getattr(instance, name)
    }
    if changed:
        # Recorded before the save: a failing save rolls the record back with it.
        record("user.privileges_changed", obj=instance, detail=changed)


def deleted(sender: type[Model], instance: Model, origin: Any = None, **kwargs: Any) -> None:
    # Only what was asked to be deleted; rows that go with it by cascade follow from the
    # models' rules (and stay in django-auditlog's per-model history).
    if origin is instance:
        record("delete", obj=instance)
    elif (
        isinstance(origin, QuerySet)
        and origin.model is sender
        and not getattr(origin, "_audit_recorded", False)
    ):
        # A query deletes many rows at once (tests clear hundreds); one record names the first
        # and says the query took more with it.
        origin._audit_recorded = True  # type: ignore[attr-defined]
        record("delete", obj=instance, detail={"query": True})


def connect() -> None:
    user_logged_in.connect(logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(logged_out, dispatch_uid="audit-logout")
    user_login_failed.connect(login_failed, dispatch_uid="audit-login-failed")
    membership = apps.get_model("accounts", "Membership")
    post_save.connect(membership_saved, sender=membership, dispatch_uid="audit-membership-saved")
    post_delete.connect(
        membership_deleted, sender=membership, dispatch_uid="audit-membership-deleted"
    )
    pre_save.connect(privileges_changing, sender=get_user_model(), dispatch_uid="audit-privileges")
    # Connected model by model, not for every sender: a receiver for all models would keep
    # Django from deleting other apps' rows (sessions, tasks) in bulk.
    for model in apps.get_models():
        label = model._meta.label_lower
        if (
            model._meta.app_config.name.startswith(_OWN_APPS)
            and label not in _NOT_RECORDED | _RECORDED_ELSEWHERE
        ):
            post_delete.connect(deleted, sender=model, dispatch_uid=f"audit-delete-{label}")
