"""The progress report ("voortgangsrapportage"): the execution agenda over a chosen period.

Chapter by chapter, in the order of the themes, every action that existed at the end of the
period, with:
- its status at the end of the period, from its status changes (not its present status: an
  action finished after the period shows the status it had then);
- its progress at the end of the period, by the rule of `ProgressCalculator` as of that date;
- what happened in the period: status changes, progress updates, milestones planned or achieved
  (each marked overdue if it was overdue at the end of the period);
- its budget lines for the years the period touches.
Actions under an agreement go in the governance chapter, as in `ActionQuerySet.for_theme`.

A summary counts the actions per status at the end of the period, the progress updates in it,
and the milestones achieved in it and overdue at its end. The report is read in a fixed number of
queries, however many actions there are.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from regioagenda.agenda.models import Action, BudgetLine, Milestone, ProgressUpdate, StatusChange
from regioagenda.agenda.progress import Progress, ProgressCalculator
from regioagenda.regions.models import Region
from regioagenda.vision.models import Theme

MAX_YEARS = 5


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.start <= day <= self.end


def check_period(start: datetime.date, end: datetime.date) -> Period:
    """The period from `start` to `end`, both included; refused with a reason if it is not one."""
    if start > end:
        raise ValidationError(
            _("De begindatum ligt na de einddatum. Kies een begindatum op of vóór de einddatum."),
            code="reversed",
        )
    if end > _years_later(start, MAX_YEARS):
        raise ValidationError(
            _("Een rapportage gaat over hoogstens %(years)s jaar. Kies een kortere periode.")
            % {"years": MAX_YEARS},
            code="too_long",
        )
    return Period(start, end)


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class MilestoneEntry:
    milestone: Milestone
    achieved_in_period: bool
    overdue: bool  # at the end of the period


@dataclass
class ActionEntry:
    action: Action
    status: str  # an Action.Status, at the end of the period
    progress: Progress  # at the end of the period
    status_changes: list[StatusChange]
    updates: list[ProgressUpdate]
    milestones: list[MilestoneEntry]
    budget_lines: list[BudgetLine]

    @property
    def status_label(self) -> str:
        return str(Action.Status(self.status).label)

    @property
    def budget_total(self) -> Decimal:
        return sum((line.amount for line in self.budget_lines), Decimal(0))


@dataclass
class Chapter:
    slug: str
    title: str
    theme: Theme | None  # None for the agreements, when the region has no governance chapter
    actions: list[ActionEntry] = field(default_factory=list)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class Summary:
    actions: int
    per_status: list[StatusCount]  # every status, in the order of Action.Status
    updates: int
    milestones_achieved: int
    milestones_overdue: int


@dataclass
class ProgressReport:
    region: Region
    period: Period
    chapters: list[Chapter]
    summary: Summary
    made_on: datetime.date


def progress_report(region: Region, start: datetime.date, end: datetime.date) -> ProgressReport:
    """The region's progress report over the period from `start` to `end`, both included."""
    period = check_period(start, end)
    chapters = [
        Chapter(theme.slug, theme.translated_title, theme)
        for theme in Theme.objects.in_region(region).order_by("position")
    ]
    by_theme = {chapter.theme.pk: chapter for chapter in chapters if chapter.theme}
    governance = next((c for c in chapters if c.theme and c.theme.is_governance), None)
    if governance is None:
        governance = Chapter("afspraken", _("Afspraken"), None)
        chapters.append(governance)
    calculator = ProgressCalculator(region_id=region.pk, as_of=period.end)
    entries = []
    for action in _parents_first(_actions(region, period)):
        status = calculator.status_of(action.pk)
        if status is None:  # made after the period
            continue
        # The lists below are the prefetches of `_actions`, which mypy cannot see.
        entry = ActionEntry(
            action=action,
            status=status,
            progress=calculator.of(action.pk),
            status_changes=action.changes_in_period,  # type: ignore[attr-defined]
            updates=action.updates_in_period,  # type: ignore[attr-defined]
            milestones=[
                MilestoneEntry(
                    milestone=milestone,
                    achieved_in_period=milestone.achieved_on in period,
                    overdue=milestone.is_overdue(period.end),
                )
                for milestone in action.milestones_in_period  # type: ignore[attr-defined]
            ],
            budget_lines=action.budget_in_period,  # type: ignore[attr-defined]
        )
        entries.append(entry)
        chapter = by_theme[action.topic.theme_id] if action.topic else governance
        chapter.actions.append(entry)
    return ProgressReport(
        region=region,
        period=period,
        chapters=[chapter for chapter in chapters if chapter.theme or chapter.actions],
        summary=_summary(entries),
        made_on=timezone.localdate(),
    )


def _actions(region: Region, period: Period) -> list[Action]:
    span = (period.start, period.end)
    return list(
        Action.objects.in_region(region)
        .select_related("lead", "topic__theme", "agreement", "parent")
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=StatusChange.objects.filter(changed_on__range=span),
                to_attr="changes_in_period",
            ),
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.filter(reported_on__range=span).select_related(
                    "municipality"
                ),
                to_attr="updates_in_period",
            ),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(
                    Q(planned_on__range=span) | Q(achieved_on__range=span)
                ),
                to_attr="milestones_in_period",
            ),
            Prefetch(
                "budget_lines",
                queryset=BudgetLine.objects.filter(
                    year__range=(period.years.start, period.years.stop - 1)
                ).select_related("municipality"),
                to_attr="budget_in_period",
            ),
        )
    )


def _parents_first(actions: list[Action]) -> list[Action]:
    """The actions in their order, each sub-action moved to just after its parent."""
    position = {action.pk: number for number, action in enumerate(actions)}

    def place(action: Action) -> tuple[int, int]:
        if action.parent_id in position:
            return position[action.parent_id], position[action.pk] + 1
        return position[action.pk], 0

    return sorted(actions, key=place)


def _summary(entries: list[ActionEntry]) -> Summary:
    per_status = Counter(entry.status for entry in entries)
    milestones = [milestone for entry in entries for milestone in entry.milestones]
    return Summary(
        actions=len(entries),
        per_status=[
            StatusCount(status.value, str(status.label), per_status[status.value])
            for status in Action.Status
        ],
        updates=sum(len(entry.updates) for entry in entries),
        milestones_achieved=sum(1 for milestone in milestones if milestone.achieved_in_period),
        milestones_overdue=sum(1 for milestone in milestones if milestone.overdue),
    )
