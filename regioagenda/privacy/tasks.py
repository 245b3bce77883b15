"""Retention as a background task (django.tasks), for a scheduler that enqueues it nightly."""

from django.tasks import task

from regioagenda.privacy.retention import apply_retention


@task()
def apply_retention_task() -> dict[str, int]:
    return apply_retention()
