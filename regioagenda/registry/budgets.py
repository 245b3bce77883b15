"""The yearly budget cycle of the joint bodies: which councils still owe a view on which budget,
by when, and the one write path for budget requests and for a council's view.

Under the Wet gemeenschappelijke regelingen (art. 35, since 1 July 2022) the councils of the
participating municipalities have twelve weeks, from the day the executive board sends them the
draft budget, to give their view ("zienswijze"). The councils that owe a view on a budget are
those of the municipalities of the region that took part in the body during the budget year.
"""

import datetime
from dataclasses import dataclass
from typing import Any, cast

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from regioagenda.core.concurrency import EditConflict, save_with_version_check
from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.models import BudgetRequest, BudgetView, JointBody, Participation

WGR_VIEW_PERIOD = datetime.timedelta(weeks=12)
WGR_ARTICLE_35 = "https://wetten.overheid.nl/jci1.3:c:BWBR0003740&artikel=35"
SOON = datetime.timedelta(days=14)
# A deadline passed this recently, on a budget not yet adopted, still awaits late councils.
STILL_AWAITED = datetime.timedelta(days=90)
# Closed requests stay on the overview this long.
RECENTLY_CLOSED = datetime.timedelta(days=365)

REQUEST_FIELDS = ["body", "kind", "year", "title", "sent_on", "views_due_on", "adopted_on", "url"]


def proposed_due_date(sent_on: datetime.date) -> datetime.date:
    """The last day of the Wgr's twelve weeks for the councils' views."""
    return sent_on + WGR_VIEW_PERIOD


def _day(date: datetime.date) -> str:
    return date_format(date, "j F Y")


@dataclass
class CouncilStatus:
    municipality: Municipality
    view: BudgetView | None

    @property
    def decided(self) -> bool:
        return self.view is not None


@dataclass
class RequestStatus:
    """A budget request with, for every council that took part in its year, what it decided."""

    request: BudgetRequest
    councils: list[CouncilStatus]
    today: datetime.date

    @property
    def owing(self) -> list[Municipality]:
        return [c.municipality for c in self.councils if not c.decided]

    @property
    def decided(self) -> list[CouncilStatus]:
        return [c for c in self.councils if c.decided]

    @property
    def days_left(self) -> int:
        return (self.request.views_due_on - self.today).days

    @property
    def is_overdue(self) -> bool:
        return (
            self.request.adopted_on is None
            and self.request.views_due_on < self.today
            and bool(self.owing)
        )

    @property
    def is_due_soon(self) -> bool:
        return self.request.adopted_on is None and 0 <= self.days_left <= SOON.days

    def council(self, municipality: Municipality) -> CouncilStatus | None:
        return next((c for c in self.councils if c.municipality.pk == municipality.pk), None)


def participants_in(body: JointBody, year: int) -> list[Municipality]:
    """The municipalities of the region that took part in the body in that year (from the
    body's prefetched or stored participations), alphabetically."""
    members = {
        p.municipality_id: p.municipality
        for p in body.participations.all()
        if p.municipality_id is not None and p.municipality is not None and p.covers_year(year)
    }
    return sorted(members.values(), key=lambda m: m.name)


def status_of(
    request: BudgetRequest, today: datetime.date, body: JointBody | None = None
) -> RequestStatus:
    views = {v.municipality_id: v for v in request.views.all()}
    participants = participants_in(body or request.body, request.year)
    councils = [CouncilStatus(m, views.pop(m.pk, None)) for m in participants]
    # A view recorded for a council that (by the register) did not take part is still shown.
    councils += [CouncilStatus(v.municipality, v) for v in views.values()]
    return RequestStatus(request, councils, today)


def budget_requests(region: Region) -> Any:
    """The region's budget requests with what the statuses need, in one fixed number of queries."""
    return (
        BudgetRequest.objects.filter(body__region=region)
        .select_related("body")
        .prefetch_related(
            Prefetch(
                "body__participations",
                queryset=Participation.objects.filter(municipality__isnull=False).select_related(
                    "municipality"
                ),
            ),
            Prefetch("views", queryset=BudgetView.objects.select_related("municipality")),
        )
    )


@dataclass
class BudgetOverview:
    awaiting: list[RequestStatus]  # ordered by deadline
    closed: list[RequestStatus]  # most recent deadline first


def budget_overview(
    region: Region, today: datetime.date, municipality: Municipality | None = None
) -> BudgetOverview:
    """Which budgets await a view from which councils, and by when; and the recently closed ones.

    With a municipality: only the budgets its council still has to decide on, and the closed
    ones its council took part in.
    """
    requests = (
        budget_requests(region)
        .filter(views_due_on__gte=today - RECENTLY_CLOSED)
        .order_by("views_due_on", "body__name", "pk")
    )
    awaiting, closed = [], []
    for request in requests:
        status = status_of(request, today)
        # A budget the general board adopted awaits nothing; one whose deadline passed lately
        # still awaits the councils that have not decided (shown as overdue).
        awaited = request.adopted_on is None and (
            request.views_due_on >= today
            or (request.views_due_on >= today - STILL_AWAITED and bool(status.owing))
        )
        if awaited:
            if municipality is None or municipality in status.owing:
                awaiting.append(status)
        elif municipality is None or status.council(municipality) is not None:
            closed.append(status)
    closed.reverse()
    return BudgetOverview(awaiting, closed)


# Writing -------------------------------------------------------------------------------------


def may_keep_budgets(user: Any, body: JointBody) -> bool:
    return bool(user.has_perm("registry.change_budgetrequest", BudgetRequest(body=body)))


def municipalities_recorded_by(user: Any, region: Region) -> list[Municipality]:
    """The councils of the region whose views this user may record."""
    return [
        m
        for m in Municipality.objects.in_region(region)
        if rules.test_rule(
            "registry.record_budget_view", user, BudgetView(municipality=m, request=_in(region))
        )
    ]


def _in(region: Region) -> BudgetRequest:
    # Only the region matters to the coordinator's predicate; a body in it stands for any.
    return BudgetRequest(body=JointBody(region=region))


def request_problems(values: dict[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    sent_on, due, adopted = (
        values.get("sent_on"),
        values.get("views_due_on"),
        values.get("adopted_on"),
    )
    if sent_on and due and due <= sent_on:
        problems["views_due_on"] = _(
            "De uiterste datum voor zienswijzen (%(due)s) ligt niet na de verzenddatum (%(sent)s)."
        ) % {"due": _day(due), "sent": _day(sent_on)}
    if sent_on and adopted and adopted < sent_on:
        problems["adopted_on"] = _(
            "De datum van vaststelling (%(adopted)s) ligt vóór de verzenddatum (%(sent)s)."
        ) % {"adopted": _day(adopted), "sent": _day(sent_on)}
    return problems


@transaction.atomic
def add_budget_request(*, by: Any, values: dict[str, Any]) -> BudgetRequest:
    body: JointBody = values["body"]
    if not may_keep_budgets(by, body):
        raise PermissionDenied
    values = {
        **values,
        "views_due_on": values.get("views_due_on") or proposed_due_date(values["sent_on"]),
    }
    if problems := request_problems(values):
        raise ValidationError(problems)
    budget_request = BudgetRequest(**{name: values.get(name) for name in REQUEST_FIELDS})
    budget_request.full_clean()
    budget_request.save()
    return budget_request


@transaction.atomic
def change_budget_request(
    budget_request: BudgetRequest, *, by: Any, expected_version: int, values: dict[str, Any]
) -> BudgetRequest:
    """Save the coordinator's changes unless someone else saved in between (EditConflict)."""
    if not may_keep_budgets(by, budget_request.body) or not may_keep_budgets(by, values["body"]):
        raise PermissionDenied
    values = {
        **values,
        "views_due_on": values.get("views_due_on") or proposed_due_date(values["sent_on"]),
    }
    if problems := request_problems(values):
        raise ValidationError(problems)
    return cast(
        BudgetRequest,
        save_with_version_check(
            budget_request,
            expected_version=expected_version,
            changes={name: values.get(name) for name in REQUEST_FIELDS},
        ),
    )


def view_problems(
    budget_request: BudgetRequest, municipality: Municipality, decided_on: datetime.date | None
) -> dict[str, str]:
    """What is wrong with recording this council's decision on this budget, per field."""
    problems: dict[str, str] = {}
    if municipality not in participants_in(budget_request.body, budget_request.year):
        problems["municipality"] = _(
            "%(municipality)s nam in %(year)s niet deel aan %(body)s; alleen de raden van "
            "deelnemende gemeenten geven een zienswijze op deze begroting."
        ) % {
            "municipality": municipality.name,
            "year": budget_request.year,
            "body": budget_request.body.name,
        }
    if decided_on is not None and decided_on < budget_request.sent_on:
        problems["decided_on"] = _(
            "De raad kan niet op %(decided)s hebben besloten: de begroting is pas op %(sent)s "
            "verzonden."
        ) % {"decided": _day(decided_on), "sent": _day(budget_request.sent_on)}
    return problems


@transaction.atomic
def record_budget_view(
    budget_request: BudgetRequest,
    municipality: Municipality,
    *,
    by: Any,
    values: dict[str, Any],
    expected_version: int | None = None,
) -> BudgetView:
    """Record (or correct) what a council decided on a budget request.

    `expected_version` is the version of the stored view the editor corrects, None for a new
    one. If someone recorded the view in between, or changed it since that version,
    EditConflict is raised and nothing is saved.
    """
    existing = (
        BudgetView.objects.select_for_update()
        .filter(request=budget_request, municipality=municipality)
        .first()
    )
    view = existing or BudgetView(request=budget_request, municipality=municipality)
    if not rules.test_rule("registry.record_budget_view", by, view):
        raise PermissionDenied
    if problems := view_problems(budget_request, municipality, values.get("decided_on")):
        raise ValidationError(problems)
    changes = {
        "outcome": values["outcome"],
        "decided_on": values["decided_on"],
        "summary": values.get("summary") or "",
        "url": values.get("url") or "",
    }
    if existing is None:
        view = BudgetView(request=budget_request, municipality=municipality, **changes)
        view.full_clean()
        view.save()
        return view
    if expected_version is None:
        # Someone recorded this council's view after the editor opened the empty form.
        changed = [name for name, value in changes.items() if getattr(existing, name) != value]
        raise EditConflict(existing, changed)
    return cast(
        BudgetView,
        save_with_version_check(existing, expected_version=expected_version, changes=changes),
    )


def requests_for_body(body: JointBody, today: datetime.date) -> list[RequestStatus]:
    """The body's budget requests, newest first, each with its councils' decisions. Uses the
    body's prefetched participations and `budget_requests`."""
    return [status_of(r, today, body) for r in body.budget_requests.all()]
