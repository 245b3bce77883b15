"""The regional check of a proposal: drafting a revision, saving it, submitting it.

    draft_for(proposal, by=user)             the open draft, or a new revision that starts from
                                             the last submitted one
    save_draft(check, answers, version=n, by=user)   the answers, if nobody saved in between
    submit(check, version=n, by=user)        read-only from then on; a change is a new revision

Forms, the API and imports call these; none of them writes the models itself. Every answer is
checked against the proposal's region: themes, topics, joint bodies and actions of another
region, or the proposal's own municipality as an affected one, are refused with a message naming
the field.
"""

from dataclasses import dataclass, field
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.agenda.models import Action
from regioagenda.core.concurrency import EditConflict, save_with_version_check
from regioagenda.proposals.models import (
    AffectedMunicipality,
    Consistency,
    Effect,
    ImpactCheck,
    Proposal,
)
from regioagenda.regions.models import Municipality
from regioagenda.registry.models import JointBody
from regioagenda.vision.models import Theme, Topic

SCALAR_FIELDS = (
    "consistency",
    "consistency_note",
    "regional",
    "coordination_needed",
    "coordination_note",
    "consequences",
)


@dataclass
class Affected:
    """A municipality the proposal affects: one of the region's, or a neighbour by CBS code."""

    code: str
    name: str
    effect: str = Effect.UNKNOWN
    explanation: str = ""


@dataclass
class CheckAnswers:
    themes: list[Theme] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    joint_bodies: list[JointBody] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    consistency: str = Consistency.NOT_APPLICABLE
    consistency_note: str = ""
    regional: bool | None = None
    coordination_needed: bool = False
    coordinate_with: list[Municipality] = field(default_factory=list)
    coordination_note: str = ""
    consequences: str = ""
    affected: list[Affected] = field(default_factory=list)

    @classmethod
    def of(cls, check: ImpactCheck) -> "CheckAnswers":
        """The answers a revision holds, to start the next one from or to fill a form."""
        return cls(
            themes=list(check.themes.all()),
            topics=list(check.topics.all()),
            joint_bodies=list(check.joint_bodies.all()),
            actions=list(check.actions.all()),
            coordinate_with=list(check.coordinate_with.all()),
            affected=[
                Affected(a.code, a.name, a.effect, a.explanation) for a in check.affected.all()
            ],
            **{name: getattr(check, name) for name in SCALAR_FIELDS},
        )


def _require(user: Any, proposal: Proposal) -> None:
    if not rules.test_rule("proposals.write_check", user, proposal):
        raise PermissionDenied(_("U mag de toets van dit voorstel niet wijzigen."))


def current_check(proposal: Proposal) -> ImpactCheck | None:
    """The last submitted revision, which is what the public and the offering form see."""
    return proposal.checks.filter(state=ImpactCheck.State.SUBMITTED).order_by("-revision").first()


def draft_for(proposal: Proposal, *, by: Any) -> ImpactCheck:
    """The proposal's open draft; without one, a new revision holding the last submitted
    answers, so that a correction starts from what was said before."""
    _require(by, proposal)
    existing = proposal.checks.filter(state=ImpactCheck.State.DRAFT).first()
    if existing is not None:
        return existing
    previous = current_check(proposal)
    try:
        with transaction.atomic():
            last = proposal.checks.order_by("-revision").values_list("revision", flat=True)
            draft = ImpactCheck.objects.create(
                proposal=proposal,
                revision=(last.first() or 0) + 1,
                created_by=by if getattr(by, "pk", None) else None,
                **({name: getattr(previous, name) for name in SCALAR_FIELDS} if previous else {}),
            )
            if previous is not None:
                _set_relations(draft, CheckAnswers.of(previous))
    except IntegrityError:
        # Someone else opened a draft at the same moment: that one is the draft.
        return proposal.checks.get(state=ImpactCheck.State.DRAFT)
    return draft


def _problems(proposal: Proposal, answers: CheckAnswers) -> dict[str, str]:
    region_id = proposal.region_id
    own = proposal.municipality
    problems: dict[str, str] = {}
    if any(theme.region_id != region_id for theme in answers.themes):
        problems["themes"] = _("Kies thema's van de eigen regio.")
    if any(topic.region_id != region_id for topic in answers.topics):
        problems["topics"] = _("Kies onderwerpen van de eigen regio.")
    if any(body.region_id != region_id for body in answers.joint_bodies):
        problems["joint_bodies"] = _("Kies verbonden partijen van de eigen regio.")
    if any(action.region_id != region_id for action in answers.actions):
        problems["actions"] = _("Kies acties van de uitvoeringsagenda van de eigen regio.")
    if any(m.region_id != region_id or m.pk == own.pk for m in answers.coordinate_with):
        problems["coordinate_with"] = _("Kies andere gemeenten van de regio.")
    codes = [a.code.strip().upper() for a in answers.affected]
    if own.code in codes:
        problems["affected"] = _("De eigen gemeente is geen geraakte gemeente.")
    elif len(set(codes)) != len(codes):
        problems["affected"] = _("Een gemeente staat twee keer bij de geraakte gemeenten.")
    elif any(not a.name.strip() for a in answers.affected):
        problems["affected"] = _("Geef elke geraakte gemeente een naam.")
    if answers.consistency not in Consistency.values:
        problems["consistency"] = _("Kies of het voorstel in de agenda past.")
    if any(a.effect not in Effect.values for a in answers.affected):
        problems["affected"] = _("Kies voor elke geraakte gemeente een effect.")
    return problems


def _set_relations(check: ImpactCheck, answers: CheckAnswers) -> None:
    check.themes.set(answers.themes)
    check.topics.set(answers.topics)
    check.joint_bodies.set(answers.joint_bodies)
    check.actions.set(answers.actions)
    check.coordinate_with.set(answers.coordinate_with)
    check.affected.all().delete()
    in_region = {m.code: m for m in Municipality.objects.filter(region_id=check.proposal.region_id)}
    AffectedMunicipality.objects.bulk_create(
        AffectedMunicipality(
            impact_check=check,
            municipality=in_region.get(a.code.strip().upper()),
            code=a.code.strip().upper(),
            name=a.name.strip(),
            effect=a.effect,
            explanation=a.explanation.strip(),
        )
        for a in answers.affected
    )


def save_draft(check: ImpactCheck, answers: CheckAnswers, *, version: int, by: Any) -> ImpactCheck:
    """Store the answers in the draft, unless it was submitted or saved by someone else since
    `version` (EditConflict)."""
    _require(by, check.proposal)
    if check.is_submitted:
        raise ValidationError(
            _("Deze toets is ingediend en kan niet meer wijzigen; begin een nieuwe herziening.")
        )
    problems = _problems(check.proposal, answers)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        saved = save_with_version_check(
            check,
            expected_version=version,
            changes={name: getattr(answers, name) for name in SCALAR_FIELDS},
        )
        if not isinstance(saved, ImpactCheck):  # narrows the type for mypy
            raise TypeError(saved)
        if saved.is_submitted:
            raise ValidationError(
                _("Deze toets is intussen ingediend; begin een nieuwe herziening.")
            )
        _set_relations(saved, answers)
    return saved


def submit(check: ImpactCheck, *, version: int, by: Any) -> ImpactCheck:
    """Make the draft the proposal's check. It must say whether the proposal is regional, and
    a regional one what its consequences are; coordination needs someone to coordinate with."""
    _require(by, check.proposal)
    problems: dict[str, str] = {}
    if check.regional is None:
        problems["regional"] = _("Geef aan of het voorstel regionaal of lokaal is.")
    elif check.regional and not check.consequences.strip():
        problems["consequences"] = _("Beschrijf de regionale gevolgen.")
    if check.coordination_needed and not check.coordinate_with.exists():
        problems["coordinate_with"] = _("Kies met welke gemeenten afgestemd moet worden.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        current = ImpactCheck.objects.select_for_update().get(pk=check.pk)
        if current.is_submitted or current.version != version:
            raise EditConflict(current, ["state"] if current.is_submitted else [])
        current.state = ImpactCheck.State.SUBMITTED
        current.submitted_at = timezone.now()
        current.submitted_by = by if getattr(by, "pk", None) else None
        current.version = version + 1
        current.save()
    return current
