"""Every API operation keeps to its schema for every role, with data that fits the schema and
data that does not, and with methods the schema does not list; and no write reaches data outside
the role's own municipality, region or organisation.

Bounded for CI: `REGIOAGENDA_FUZZ_EXAMPLES` cases per operation and role in the fuzzing phase; the
coverage phase (the schema's boundary values and unlisted methods) runs for the visitor and one
editor, or for every role with `REGIOAGENDA_FUZZ_ALL_PHASES=1`.
`scripts/fuzz_api.py` runs the same tests with many more cases.
"""

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import positive_data_acceptance

from conftest import make_user
from regioagenda.accounts.models import Membership, User
from regioagenda.accounts.tokens import issue_token
from regioagenda.agenda.tests.factories import make_action
from regioagenda.events.models import Event
from regioagenda.events.tests.factories import make_event
from regioagenda.prioritisation.tests.factories import make_round
from regioagenda.proposals.models import Proposal, ProposalStatus
from regioagenda.proposals.tests.factories import make_proposal
from regioagenda.regions.models import Municipality, Organisation, Region
from regioagenda.wsgi import application

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="Fuzzing is about the API, not the database; it runs once, on SQLite.",
    ),
]

EXAMPLES = int(os.environ.get("REGIOAGENDA_FUZZ_EXAMPLES", "5"))

# The apps whose rows the API writes; a write outside the role's scope shows up as a change here.
WRITTEN_APPS = (
    "regions",
    "vision",
    "agenda",
    "prioritisation",
    "dossiers",
    "registry",
    "cooperation",
    "competences",
    "initiatives",
    "monitor",
    "proposals",
    "meetings",
    "events",
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# Every request with a NUL character is refused before it reaches an operation (400, see
# core/middleware.py and its test); generating them would only test that refusal again.
schema.config.generation.update(allow_x00=False)
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])


def _asked_by_role(ctx: Any) -> bool:
    """Operations whose answer depends on who asks: those that declare the token, and the
    proposal reads, which show drafts to the staff who may write them."""
    return bool(ctx.operation.definition.raw.get("security")) or "/proposals" in ctx.operation.path


role_operations = schema.include(_asked_by_role)
# The coverage phase (boundary values, unlisted methods) costs most and depends little on the
# token: it runs for the visitor and one editor. Every role gets the examples and generated
# positive and negative data; `scripts/fuzz_api.py --all-phases` gives every role everything.
light_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
light_schema.config.generation.update(allow_x00=False)
light_schema.config.phases.update(
    phases=["examples", "coverage", "fuzzing"]
    if os.environ.get("REGIOAGENDA_FUZZ_ALL_PHASES")
    else ["examples", "fuzzing"]
)
light_role_operations = light_schema.include(_asked_by_role)


@dataclass(frozen=True)
class Scope:
    """What a role may change: rows of these municipalities and regions, events of this
    organiser; `everything` for an administrator."""

    municipalities: frozenset[int] = frozenset()
    regions: frozenset[int] = frozenset()
    organiser: int | None = None
    everything: bool = False


ROLES = (
    "partner",
    "editor_leiden",
    "editor_oegstgeest",
    "council_member",
    "coordinator",
    "administrator",
)
FULLY_FUZZED_ROLE = "editor_leiden"


def _token(user: User, admin: User) -> str:
    # Tokens are for users with a confirmed second factor.
    TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    _, key = issue_token(
        user,
        name="fuzz",
        memberships=list(user.memberships.all()),
        expires_at=timezone.now() + datetime.timedelta(days=1),
        by=admin,
    )
    return key


@pytest.fixture
def world(leidse_regio: Region, kustregio: Region) -> None:
    """Rows for generated ids and slugs to meet: own and others' proposals, events, an action
    and an open round, in both regions."""
    leiden = Municipality.objects.get(code="GM0546")
    oegstgeest = Municipality.objects.get(code="GM0579")
    make_proposal(leiden, "RV fuzz 1")
    make_proposal(oegstgeest, "RV fuzz 2", status=ProposalStatus.DRAFT)
    make_action(leiden)
    make_action(oegstgeest)
    make_round(leidse_regio)
    make_event(leidse_regio, "Van een ander")
    make_event(leidse_regio, "Nog te beoordelen", moderation=Event.Moderation.PENDING)
    make_event(kustregio, "Aan de kust")


@pytest.fixture
def credentials(world: None, leidse_regio: Region) -> Callable[[str], tuple[dict[str, str], Scope]]:
    """The Authorization header and scope of a role, made on first use."""
    leiden = Municipality.objects.get(code="GM0546")
    oegstgeest = Municipality.objects.get(code="GM0579")
    admin = make_user("beheerder-fuzz", Membership.Role.ADMINISTRATOR)
    made: dict[str, tuple[dict[str, str], Scope]] = {}

    def make(role: str) -> tuple[User, Scope]:
        region = frozenset({leidse_regio.pk})
        if role == "partner":
            organisation = Organisation.objects.filter(region=leidse_regio).order_by("pk").first()
            user = make_user("partner-fuzz", Membership.Role.PARTNER, organisation=organisation)
            user.email = "partner-fuzz@example.org"
            user.save()
            make_event(leidse_regio, "Van de partner", organiser=user)
            return user, Scope(regions=region, organiser=user.pk)
        if role == "editor_leiden":
            user = make_user("redacteur-leiden", Membership.Role.EDITOR, municipality=leiden)
            return user, Scope(municipalities=frozenset({leiden.pk}), regions=region)
        if role == "editor_oegstgeest":
            user = make_user(
                "redacteur-oegstgeest", Membership.Role.EDITOR, municipality=oegstgeest
            )
            return user, Scope(municipalities=frozenset({oegstgeest.pk}), regions=region)
        if role == "council_member":
            user = make_user("raadslid-leiden", Membership.Role.COUNCIL_MEMBER, municipality=leiden)
            return user, Scope(municipalities=frozenset({leiden.pk}), regions=region)
        if role == "coordinator":
            user = make_user("coordinator", Membership.Role.COORDINATOR, region=leidse_regio)
            municipalities = frozenset(leidse_regio.municipalities.values_list("pk", flat=True))
            return user, Scope(municipalities=municipalities, regions=region)
        return admin, Scope(everything=True)

    def get(role: str) -> tuple[dict[str, str], Scope]:
        if role not in made:
            user, scope = make(role)
            made[role] = ({"Authorization": f"Bearer {_token(user, admin)}"}, scope)
        return made[role]

    return get


def _rows(models: set[type[Model]]) -> dict[type[Model], dict[Any, tuple[Any, ...]]]:
    return {
        model: {row[0]: row for row in model._base_manager.order_by("pk").values_list()}
        for model in models
    }


def call_and_changes(call: Callable[[], Any]) -> list[tuple[type[Model], Model]]:
    """Make the call; every version (before and after) of the rows it added, changed or deleted.

    Comparing every table after every case would take most of the run, so only the kinds of
    rows that the audit log saw written are compared: their rows after the call, and then,
    with the call rolled back (each case starts from the same data), before it.
    """
    last_entry = LogEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    savepoint = transaction.savepoint_create()
    call()
    written = {
        ContentType.objects.get_for_id(kind).model_class()
        for kind in LogEntry.objects.filter(pk__gt=last_entry).values_list(
            "content_type", flat=True
        )
    }
    models = {model for model in written if model and model._meta.app_label in WRITTEN_APPS}
    after = _rows(models)
    transaction.savepoint_rollback(savepoint)
    before = _rows(models)
    versions = []
    for model in models:
        names = [field.attname for field in model._meta.concrete_fields]
        old, new = before[model], after[model]
        for pk in old.keys() | new.keys():
            if old.get(pk) != new.get(pk):
                versions += [
                    (model, model(**dict(zip(names, row, strict=True))))
                    for row in (old.get(pk), new.get(pk))
                    if row is not None
                ]
    return versions


def _owner(instance: Model) -> tuple[int | None, int | None]:
    """The municipality and region a row belongs to; a row without its own answers through
    its parent."""
    municipality = getattr(instance, "municipality_id", None)
    region = getattr(instance, "region_id", None)
    if municipality is None and region is None:
        parent_field = next(
            (field for field in instance._meta.concrete_fields if field.many_to_one), None
        )
        if parent_field is not None and getattr(instance, parent_field.attname) is not None:
            return _owner(getattr(instance, parent_field.name))
    return municipality, region


def outside(scope: Scope, model: type[Model], instance: Model) -> bool:
    if scope.everything:
        return False
    municipality, region = _owner(instance)
    if region is None and municipality is not None:
        region = Municipality.objects.get(pk=municipality).region_id
    if region not in scope.regions:
        return True
    if scope.organiser is not None:
        return not (model is Event and instance.organiser_id == scope.organiser)  # type: ignore[attr-defined]
    return municipality is not None and municipality not in scope.municipalities


# Without a token, only an initiative may be sent in.
VISITOR_MAY_CHANGE = {"initiatives.Initiative", "initiatives.Initiative_competences"}


# The detail of a refusal at parsing, against the schema's limits (api/problems.py); other 400s
# come from the domain's rules.
REFUSED_AT_PARSING = "Een of meer parameters kloppen niet"


def schema_valid_data_is_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis' positive_data_acceptance, except for a 400 that a rule of the domain gave.

    Every limit on a single value (length, form, range, not only spaces, a web address) is in
    the schema, and data within them passes parsing. What JSON Schema cannot say, whether a
    code or slug names an existing item or whether two fields fit together, is refused with a
    400 naming the field; generated data meets those rules only by chance.
    """
    if response.status_code == 400:
        try:
            body = response.json()
        except ValueError:
            body = {}
        detail = str(body.get("detail", ""))
        if detail and not detail.startswith(REFUSED_AT_PARSING):
            return None
        # An observed value keeps at most 15 significant digits (monitor/api/observations.py);
        # JSON Schema has no way to say so of a number. Known and stated in its description.
        reasons = [item.get("reason", "") for item in body.get("invalidParams", [])]
        if reasons and all("te veel cijfers" in reason for reason in reasons):
            return None
    return positive_data_acceptance(ctx, response, case)


def validate(case: Any, **kwargs: Any) -> None:
    case.call_and_validate(
        excluded_checks=[positive_data_acceptance],
        additional_checks=[schema_valid_data_is_accepted],
        **kwargs,
    )


def _settings(examples: int) -> Callable[[Any], Any]:
    return hypothesis_settings(
        max_examples=examples,
        deadline=None,
        # Shrinking a failure costs minutes with requests this size; the report says enough.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@schema.parametrize()
@_settings(EXAMPLES)
def test_every_operation_keeps_to_its_schema_for_a_visitor(case, connection_kept_open, world):
    changed = call_and_changes(lambda: validate(case))

    assert [
        f"{model._meta.label} {row.pk}"
        for model, row in changed
        if model._meta.label not in VISITOR_MAY_CHANGE
    ] == []


def _keeps_to_schema_and_scope(case: Any, credentials: Any, role: str) -> None:
    headers, scope = credentials(role)

    changed = call_and_changes(lambda: validate(case, headers=headers))

    assert [
        f"{model._meta.label} {row.pk}" for model, row in changed if outside(scope, model, row)
    ] == []


@role_operations.parametrize()
@_settings(EXAMPLES)
def test_every_operation_keeps_to_its_schema_and_scope_for_an_editor(
    case, connection_kept_open, credentials
):
    _keeps_to_schema_and_scope(case, credentials, FULLY_FUZZED_ROLE)


@pytest.mark.parametrize("role", [role for role in ROLES if role != FULLY_FUZZED_ROLE])
@light_role_operations.parametrize()
@_settings(EXAMPLES)
def test_every_operation_keeps_to_its_schema_and_scope_for_a_role(
    case, connection_kept_open, credentials, role
):
    _keeps_to_schema_and_scope(case, credentials, role)


def test_the_scope_check_sees_a_write_in_another_municipality(leiden, oegstgeest):
    scope = Scope(municipalities=frozenset({leiden.pk}), regions=frozenset({leiden.region_id}))
    own = make_proposal(leiden, "RV eigen")

    changed = call_and_changes(lambda: make_proposal(oegstgeest, "RV elders"))

    assert [(model, row.number) for model, row in changed] == [(Proposal, "RV elders")]
    assert outside(scope, Proposal, changed[0][1])
    assert not outside(scope, Proposal, own)
    # The call is rolled back, so that every case starts from the same data.
    assert not Proposal.objects.filter(number="RV elders").exists()
