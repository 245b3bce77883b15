"""Entering a municipality's assessment of the forms of cooperation, and the outcome once the
comparison closes.

An assessment is entered once per municipality, before the comparison closes, on behalf of the
council or college that fixed it; every option is scored on every criterion. Every problem is
refused with a Dutch message and nothing is stored.

The outcome reuses the prioritisation's counting (`agenda/aggregation.py`): each municipality's
overall score for an option is the criterion-weighted mean of its scores, and those overall
scores are that municipality's SCORES ballot, weighted by its population.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from regioagenda.accounts.predicates import roles_of
from regioagenda.agenda import aggregation
from regioagenda.cooperation.models import Assessment, Comparison, Criterion, Option, Score
from regioagenda.regions.models import Municipality

# (option position, criterion position) → score from 0 to 10
Scores = Mapping[tuple[int, int], Decimal]


def cell_label(option: Option, criterion: Criterion) -> str:
    """'Convenant — democratische legitimiteit': how a score is named in forms and messages."""
    title = str(criterion.translated_title)
    # Lower-case the criterion in the middle of a phrase, but leave abbreviations alone.
    if title[1:2].islower():
        title = title[:1].lower() + title[1:]
    return f"{option.translated_title} — {title}"


def municipalities_that_may_assess(user: Any, comparison: Comparison) -> list[Municipality]:
    """The user's municipalities that take part and have not entered an assessment yet."""
    editor_of = roles_of(user).editor_of
    return list(
        comparison.participants.filter(pk__in=editor_of)
        .exclude(cooperation_assessments__comparison=comparison)
        .order_by("name")
    )


def _check_scores(options: list[Option], criteria: list[Criterion], scores: Scores) -> list[str]:
    problems = []
    cells = {(o.position, c.position): (o, c) for o in options for c in criteria}
    for cell, (option, criterion) in cells.items():
        label = cell_label(option, criterion)
        if cell not in scores or scores[cell] is None:
            problems.append(_("Geef een cijfer voor “%(label)s”.") % {"label": label})
            continue
        try:
            value = Decimal(scores[cell])
        except (InvalidOperation, TypeError, ValueError):
            value = Decimal("NaN")
        if not value.is_finite():
            problems.append(_("Het cijfer voor “%(label)s” is geen getal.") % {"label": label})
        elif not aggregation.SCORE_MIN <= value <= aggregation.SCORE_MAX:
            problems.append(
                _("Het cijfer voor “%(label)s” moet tussen 0 en 10 liggen.") % {"label": label}
            )
        elif value != value.quantize(Decimal("0.1")):
            problems.append(
                _("Het cijfer voor “%(label)s” heeft ten hoogste één decimaal.") % {"label": label}
            )
    if any(cell not in cells for cell in scores):
        problems.append(
            _(
                "Er is een cijfer gegeven voor een vorm of criterium dat niet in deze "
                "vergelijking staat."
            )
        )
    return problems


@transaction.atomic
def record_assessment(
    comparison: Comparison,
    *,
    municipality: Municipality,
    by: Any,
    scores: Scores,
    decision_reference: str,
    decision_url: str = "",
) -> Assessment:
    # Lock the comparison so that two submissions for one municipality cannot both pass.
    comparison = Comparison.objects.select_for_update().get(pk=comparison.pk)
    if not rules.test_rule("cooperation.enter_assessment", by, municipality):
        raise PermissionDenied(
            _("Alleen een redacteur van %(name)s voert de beoordeling van %(name)s in.")
            % {"name": municipality.name}
        )
    if comparison.is_closed():
        raise ValidationError(_("De termijn is verstreken: de vergelijking is gesloten."))
    if not comparison.participants.filter(pk=municipality.pk).exists():
        raise ValidationError(
            _("%(name)s doet niet mee aan deze vergelijking.") % {"name": municipality.name}
        )
    if Assessment.objects.filter(comparison=comparison, municipality=municipality).exists():
        raise ValidationError(
            _(
                "%(name)s heeft deze vergelijking al beoordeeld; een beoordeling kan niet "
                "opnieuw worden ingediend."
            )
            % {"name": municipality.name}
        )
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": _("Noem het besluit van raad of college.")})
    if municipality.population is None:
        raise ValidationError(
            _("Van %(name)s is geen inwonertal bekend; het gewicht kan niet worden bepaald.")
            % {"name": municipality.name}
        )
    options = list(comparison.options.all())
    criteria = list(comparison.criteria.all())
    if not options or not criteria:
        raise ValidationError(_("Deze vergelijking heeft nog geen vormen of criteria."))
    problems = _check_scores(options, criteria, scores)
    if problems:
        raise ValidationError(problems)

    try:
        assessment = Assessment.objects.create(
            comparison=comparison,
            municipality=municipality,
            entered_by=by,
            decision_reference=decision_reference.strip(),
            decision_url=decision_url,
            weight=Decimal(municipality.population),
            weight_source=_("%(source)s, peildatum %(date)s")
            % {
                "source": municipality.population_source or _("inwonertal"),
                "date": municipality.population_date or "?",
            },
        )
    except IntegrityError as error:  # the unique constraint, should the lock not hold
        raise ValidationError(_("Deze gemeente heeft deze vergelijking al beoordeeld.")) from error
    Score.objects.bulk_create(
        Score(
            assessment=assessment,
            option=option,
            criterion=criterion,
            value=Decimal(scores[(option.position, criterion.position)]),
        )
        for option in options
        for criterion in criteria
    )
    return assessment


def overall_scores(
    options: list[Option], criteria: list[Criterion], values: Mapping[tuple[int, int], Decimal]
) -> dict[str, Fraction]:
    """One municipality's overall score per option: the criterion-weighted mean, exactly.

    `values` is keyed by (option id, criterion id).
    """
    total_weight = sum(criterion.weight for criterion in criteria)
    return {
        option.key: sum(
            (
                Fraction(values[(option.pk, criterion.pk)]) * criterion.weight
                for criterion in criteria
            ),
            Fraction(0),
        )
        / (total_weight or 1)
        for option in options
    }


@dataclass
class RankRow:
    option: Option
    declared_rank: int
    score: float | None
    ranks: list[int]  # one per rule, in the order of ComparisonResult.rules

    @property
    def subject(self) -> object:
        """What the shared rule-comparison table names in its first column."""
        return self.option


@dataclass
class OptionRow:
    option: Option
    values: list[float | None]  # one per column: municipality or criterion


@dataclass
class PositionRow:
    option: Option
    positions: list[int | None]  # one per assessment
    spread: int


@dataclass
class PairRow:
    first: str
    second: str
    agreement: float


@dataclass
class ComparisonResult:
    comparison: Comparison
    options: list[Option]
    criteria: list[Criterion]
    assessments: list[Assessment]
    rules: list[aggregation.Rule]
    outcomes: dict[aggregation.Rule, aggregation.Outcome]
    rule_labels: list[str]
    ranking: list[RankRow]  # the declared rule's order, with every rule's rank beside it
    by_municipality: list[OptionRow]  # overall score per municipality, in assessment order
    by_criterion: list[OptionRow]  # mean score over the municipalities, per criterion
    positions: list[PositionRow]
    most_divisive: list[Option]
    pairs: list[PairRow]
    explanations: dict[str, str]
    tie_break: str

    @property
    def declared(self) -> aggregation.Outcome:
        return self.outcomes[self.rules[0]]


def comparison_result(comparison: Comparison) -> ComparisonResult:
    """Only for a closed comparison: before that, the scores are secret."""
    if not comparison.is_closed():
        raise PermissionDenied
    options = list(comparison.options.all())
    criteria = list(comparison.criteria.all())
    assessments = list(
        comparison.assessments.select_related("municipality").prefetch_related("scores")
    )
    values = {
        assessment.pk: {(s.option_id, s.criterion_id): s.value for s in assessment.scores.all()}
        for assessment in assessments
    }
    overall = {
        assessment.pk: overall_scores(options, criteria, values[assessment.pk])
        for assessment in assessments
    }
    ballots = [
        aggregation.Ballot(
            voter=assessment.municipality.name,
            weight=float(assessment.weight),
            scores={key: float(score) for key, score in overall[assessment.pk].items()},
        )
        for assessment in assessments
        if options  # without options there is nothing to count
    ]
    items = [option.key for option in options]
    scores_type = aggregation.BallotType.SCORES
    outcomes = aggregation.compare_rules(scores_type, items, ballots)
    declared_rule = aggregation.Rule(comparison.rule)
    rule_order = [declared_rule] + [rule for rule in outcomes if rule != declared_rule]
    rank_of = {
        rule: {placement.item: placement.rank for placement in outcome.placements}
        for rule, outcome in outcomes.items()
    }
    by_key = {option.key: option for option in options}
    ranking = [
        RankRow(
            option=by_key[placement.item],
            declared_rank=placement.rank,
            score=placement.score,
            ranks=[rank_of[rule][placement.item] for rule in rule_order],
        )
        for placement in outcomes[declared_rule].placements
    ]
    by_municipality = [
        OptionRow(option, [float(overall[a.pk][option.key]) for a in assessments])
        for option in options
    ]
    by_criterion = [
        OptionRow(
            option,
            [
                float(
                    sum(
                        (Fraction(values[a.pk][(option.pk, c.pk)]) for a in assessments),
                        Fraction(0),
                    )
                    / len(assessments)
                )
                if assessments
                else None
                for c in criteria
            ],
        )
        for option in options
    ]
    positions: list[PositionRow] = []
    pairs: list[PairRow] = []
    most_divisive: list[Option] = []
    if ballots:
        spread = aggregation.disagreement(scores_type, items, ballots)
        positions = [
            PositionRow(
                option=option,
                positions=[
                    spread.positions[option.key].get(a.municipality.name) for a in assessments
                ],
                spread=spread.spread[option.key],
            )
            for option in options
        ]
        most_divisive = [by_key[key] for key in spread.most_divisive[:3] if spread.spread[key] > 0]
        pairs = [
            PairRow(first, second, agreement)
            for (first, second), agreement in sorted(spread.pair_agreement.items())
        ]
    labels = dict(Comparison._meta.get_field("rule").flatchoices)
    return ComparisonResult(
        comparison=comparison,
        options=options,
        criteria=criteria,
        assessments=assessments,
        rules=rule_order,
        outcomes=outcomes,
        rule_labels=[str(labels[rule.value]) for rule in rule_order],
        ranking=ranking,
        by_municipality=by_municipality,
        by_criterion=by_criterion,
        positions=positions,
        most_divisive=most_divisive,
        pairs=pairs,
        explanations={
            str(labels[rule.value]): str(aggregation.RULE_EXPLANATIONS[rule]) for rule in rule_order
        },
        tie_break=str(aggregation.TIE_BREAK_EXPLANATION),
    )
