"""The decision aid for future forms of cooperation: the list, a comparison (with its outcome
once closed), and entering a municipality's assessment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from regioagenda.agenda.aggregation import RULE_EXPLANATIONS, Rule
from regioagenda.cooperation.assessment import (
    comparison_result,
    municipalities_that_may_assess,
    record_assessment,
)
from regioagenda.cooperation.forms import AssessmentForm
from regioagenda.cooperation.models import Assessment, Comparison
from regioagenda.regions.current import current_region


def comparison_list(request: HttpRequest) -> HttpResponse:
    comparisons = Comparison.objects.in_region(current_region()).select_related("agreement")
    return render(request, "cooperation/comparison_list.html", {"comparisons": comparisons})


def comparison_detail(request: HttpRequest, slug: str) -> HttpResponse:
    comparison = get_object_or_404(
        Comparison.objects.in_region(current_region())
        .select_related("agreement")
        .prefetch_related("options", "criteria"),
        slug=slug,
    )
    entered = {
        assessment.municipality_id: assessment
        for assessment in Assessment.objects.filter(comparison=comparison)
    }
    participation = [
        {"municipality": municipality, "assessment": entered.get(municipality.pk)}
        for municipality in comparison.participants.order_by("name")
    ]
    closed = comparison.is_closed()
    return render(
        request,
        "cooperation/comparison_detail.html",
        {
            "comparison": comparison,
            "participation": participation,
            "result": comparison_result(comparison) if closed else None,
            "rule_explanation": RULE_EXPLANATIONS[Rule(comparison.rule)],
            "can_assess": not closed
            and bool(municipalities_that_may_assess(request.user, comparison)),
        },
    )


@login_required
def assess(request: HttpRequest, slug: str) -> HttpResponse:
    comparison = get_object_or_404(Comparison.objects.in_region(current_region()), slug=slug)
    municipalities = municipalities_that_may_assess(request.user, comparison)
    if comparison.is_closed() or not municipalities:
        raise PermissionDenied
    form = AssessmentForm(
        request.POST or None,
        options=list(comparison.options.all()),
        criteria=list(comparison.criteria.all()),
        municipalities=municipalities,
    )
    if request.method == "POST" and form.is_valid():
        try:
            record_assessment(
                comparison,
                municipality=form.cleaned_data["municipality"],
                by=request.user,
                scores=form.scores(),
                decision_reference=form.cleaned_data["decision_reference"],
                decision_url=form.cleaned_data["decision_url"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _(
                    "De beoordeling is ontvangen. De cijfers blijven geheim tot de "
                    "vergelijking sluit."
                ),
            )
            return redirect(comparison.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "cooperation/assess.html",
        {"comparison": comparison, "form": form},
        status=status,
    )
