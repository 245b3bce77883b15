"""The register's router and what its endpoint modules share: paths to link, the fields that the
models' check constraints are about."""

from ninja import Router

from regioagenda.regions.models import Municipality
from regioagenda.registry.models import JointBody

router = Router(tags=["Verbonden partijen"])

API = "/api/v1"

# The field each check constraint is about, to name it in a refusal.
CHECKED_FIELDS = {
    "joint_body_ends_after_start": "ended_on",
    "participation_names_one_member": "municipality",
    "participation_ends_after_start": "ended_on",
    "contribution_not_negative": "amount_eur",
    "budget_request_due_after_sending": "views_due_on",
}


def links(**paths: str | None) -> dict[str, str | None]:
    return {name: f"{API}{path}" if path else None for name, path in paths.items()}


def body_path(body: JointBody) -> str:
    return f"/regions/{body.region.slug}/joint-bodies/{body.slug}"


def municipality_path(municipality: Municipality | None) -> str | None:
    return f"/municipalities/{municipality.code}" if municipality else None
