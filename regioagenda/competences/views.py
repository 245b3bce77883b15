"""The question page ("Wie beslist over …?") and the register of competences behind it."""

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from regioagenda.competences.forms import QuestionForm
from regioagenda.competences.lookup import Where, find_domains, who_decides
from regioagenda.competences.models import Competence, PolicyDomain
from regioagenda.regions.current import current_region


def question(request: HttpRequest) -> HttpResponse:
    region = current_region()
    domains = list(
        PolicyDomain.objects.filter(region=region)
        .select_related("parent")
        .prefetch_related("topics")
    )
    form = QuestionForm(request.GET or None, region=region, domains=domains)
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        where = Where.from_key(region, data["plaats"]) or Where(region)
        domain = next((d for d in domains if d.slug == data["domein"]), None)
        if domain is None:
            matches = find_domains(region, data["tekst"])
            if len(matches) == 1:
                domain = matches[0]
            else:
                context["matches"] = matches
                context["where"] = where
        if domain is not None:
            answer = who_decides(domain, where)
            context["answer"] = answer
            # Until proposals and decisions are on Regio-agenda, "what this body decided on this
            # domain" points at the execution agenda's actions on the domain's topics.
            # Hook: when regioagenda/proposals exists, add its list filtered to
            # (answer.competences' bodies, domain) here.
            context["topics"] = list((answer.from_domain or domain).topics.all()) or list(
                domain.topics.all()
            )
    return render(request, "competences/question.html", context)


def register(request: HttpRequest) -> HttpResponse:
    region = current_region()
    domains = list(
        PolicyDomain.objects.filter(region=region)
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "competences",
                queryset=Competence.objects.select_related("joint_body", "municipality"),
            )
        )
    )
    return render(request, "competences/register.html", {"domains": domains})
