"""Open data: the region's actions with their budgets, as CSV, XLSX and ODS.

One row per budget line, with the action's columns repeated on each; an action without budget
lines gets one row with the budget columns empty. The columns are named in Dutch, as the site
speaks, and hold machine formats: municipalities by CBS code, a decimal point, numbers as numbers
in the spreadsheets, UTF-8 in the CSV. Progress is the present progress (`ProgressCalculator`).
"""

from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db.models import Prefetch

from regioagenda.agenda.models import Action, ActionQuerySet, BudgetLine
from regioagenda.agenda.progress import ProgressCalculator
from regioagenda.core import exports as tabular
from regioagenda.regions.models import Municipality, Region
from regioagenda.vision.models import Theme

COLUMNS = [
    "id",
    "titel",
    "onderwerp",
    "afspraak",
    "thema",
    "trekker",
    "trekker_naam",
    "deelnemers",
    "status",
    "voortgang_procent",
    "jaar",
    "financier_gemeente",
    "financier_overig",
    "bedrag_euro",
    "url",
]

Cell = str | int | float | Decimal | None
Row = list[Cell]


def action_rows(
    actions: ActionQuerySet, *, region: Region, absolute_url: Callable[[str], str]
) -> list[Row]:
    """The rows under `COLUMNS` for these actions of the region, in a fixed number of queries."""
    governance = Theme.objects.in_region(region).filter(is_governance=True).first()
    calculator = ProgressCalculator(region_id=region.pk)
    actions = actions.select_related("lead", "topic__theme", "agreement").prefetch_related(
        Prefetch("participants", queryset=Municipality.objects.order_by("code")),
        Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("municipality")),
    )
    rows: list[Row] = []
    for action in actions:
        rows.extend(_rows_of(action, governance, calculator, absolute_url))
    return rows


def _rows_of(
    action: Action,
    governance: Theme | None,
    calculator: ProgressCalculator,
    absolute_url: Callable[[str], str],
) -> Iterable[Row]:
    # Actions under an agreement belong to the governance chapter (see ActionQuerySet.for_theme).
    theme = action.topic.theme if action.topic else governance
    lines: list[BudgetLine | None] = [*action.budget_lines.all()] or [None]
    for line in lines:
        yield [
            action.pk,
            action.title,
            action.topic.slug if action.topic else None,
            action.agreement.slug if action.agreement else None,
            theme.slug if theme else None,
            action.lead.code,
            action.lead.name,
            ";".join(municipality.code for municipality in action.participants.all()) or None,
            action.status,
            calculator.of(action.pk).percent,
            line.year if line else None,
            line.municipality.code if line and line.municipality else None,
            (line.funder or None) if line else None,
            line.amount if line else None,
            absolute_url(action.get_absolute_url()),
        ]


def write_csv(rows: Iterable[Row]) -> bytes:
    return tabular.write_csv(COLUMNS, rows)


def write_xlsx(rows: Iterable[Row]) -> bytes:
    return tabular.write_xlsx(COLUMNS, rows, sheet="acties", number_formats={"bedrag_euro": "0.00"})


def write_ods(rows: Iterable[Row]) -> bytes:
    return tabular.write_ods(COLUMNS, rows, sheet="acties")


FORMATS: dict[str, tuple[str, Callable[[Iterable[Row]], bytes]]] = {
    "csv": (tabular.CSV, write_csv),
    "xlsx": (tabular.XLSX, write_xlsx),
    "ods": (tabular.ODS, write_ods),
}
