"""Rounds of joint prioritisation: the list, a round (with its outcome once closed), voting."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from regioagenda.agenda.aggregation import RULE_EXPLANATIONS, Rule
from regioagenda.prioritisation.forms import BallotForm
from regioagenda.prioritisation.models import Ballot, Round
from regioagenda.prioritisation.results import adopt_ordering, round_result
from regioagenda.prioritisation.voting import cast_ballot, municipalities_that_may_vote
from regioagenda.regions.current import current_region


def round_list(request: HttpRequest) -> HttpResponse:
    rounds = Round.objects.in_region(current_region()).prefetch_related("participants")
    return render(request, "prioritisation/round_list.html", {"rounds": rounds})


def round_detail(request: HttpRequest, slug: str) -> HttpResponse:
    round = get_object_or_404(
        Round.objects.in_region(current_region()).prefetch_related(
            "participants", "candidates__topic", "candidates__action"
        ),
        slug=slug,
    )
    voted = {
        ballot.municipality_id: ballot
        for ballot in Ballot.objects.filter(round=round).select_related("municipality")
    }
    participation = [
        {"municipality": municipality, "ballot": voted.get(municipality.pk)}
        for municipality in round.participants.order_by("name")
    ]
    result = round_result(round) if round.is_closed() else None
    return render(
        request,
        "prioritisation/round_detail.html",
        {
            "round": round,
            "participation": participation,
            "result": result,
            "rule_explanation": RULE_EXPLANATIONS[Rule(round.rule)],
            "can_vote": round.is_open() and bool(municipalities_that_may_vote(request.user, round)),
            "can_adopt": result is not None
            and not round.adopted_at
            and rules.test_rule("prioritisation.adopt_round", request.user, round),
            "now": timezone.now(),
        },
    )


@login_required
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    round = get_object_or_404(Round.objects.in_region(current_region()), slug=slug)
    municipalities = municipalities_that_may_vote(request.user, round)
    if not municipalities:
        raise PermissionDenied
    candidates = list(round.candidates.select_related("topic", "action"))
    form = BallotForm(
        request.POST or None, round=round, candidates=candidates, municipalities=municipalities
    )
    if request.method == "POST" and form.is_valid():
        try:
            cast_ballot(
                round,
                municipality=form.cleaned_data["municipality"],
                by=request.user,
                choices=form.choices(),
                decision_reference=form.cleaned_data["decision_reference"],
                decision_url=form.cleaned_data["decision_url"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Het stembiljet is ontvangen. Het blijft geheim tot de ronde sluit."),
            )
            return redirect(round.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request, "prioritisation/vote.html", {"round": round, "form": form}, status=status
    )


@login_required
@require_POST
def adopt(request: HttpRequest, slug: str) -> HttpResponse:
    round = get_object_or_404(Round.objects.in_region(current_region()), slug=slug)
    try:
        adopted = adopt_ordering(round, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("De volgorde is vastgesteld voor %(count)s acties van de uitvoeringsagenda.")
            % {"count": len(adopted)},
        )
    return redirect(round.get_absolute_url())
