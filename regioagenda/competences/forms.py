"""The question form ("Wie beslist over …?") and the grouped choices it shares with the
initiatives form."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from regioagenda.competences.lookup import REGION
from regioagenda.competences.models import Place, PolicyDomain
from regioagenda.core.forms import NLDesignFormMixin
from regioagenda.regions.models import Municipality, Region

Choices = list[tuple[str, Any]]


def domain_choices(domains: list[PolicyDomain]) -> Choices:
    """Domains grouped under their top-level domain (an optgroup each); deeper ones named with
    their path, "Verkeer > Parkeren" shown with a single angle quotation mark."""
    by_parent: dict[int | None, list[PolicyDomain]] = {}
    for domain in domains:
        by_parent.setdefault(domain.parent_id, []).append(domain)

    def descendants(domain: PolicyDomain, path: str) -> Choices:
        found: Choices = []
        for child in by_parent.get(domain.pk, []):
            label = f"{path} › {child.translated_name}" if path else child.translated_name
            found.append((child.slug, label))
            found.extend(descendants(child, label))
        return found

    groups: Choices = []
    for top in by_parent.get(None, []):
        children = descendants(top, "")
        if children:
            general = _g("%(name)s (algemeen)") % {"name": top.translated_name}
            groups.append((top.translated_name, [(top.slug, general), *children]))
        else:
            groups.append((top.slug, top.translated_name))
    return groups


def place_choices(region: Region, *, with_region: bool = True) -> Choices:
    """The region, then per municipality (an optgroup each) the whole municipality, its
    districts and villages, and each district's neighbourhoods."""
    places = list(Place.objects.filter(municipality__region=region).select_related("municipality"))
    groups: Choices = []
    if with_region:
        groups.append(
            (
                _g("Regio"),
                [(REGION, _g("De hele regio (%(name)s)") % {"name": region.translated_name})],
            )
        )
    for municipality in Municipality.objects.in_region(region):
        own = [p for p in places if p.municipality_id == municipality.pk]
        districts = sorted((p for p in own if p.kind == Place.Kind.DISTRICT), key=lambda p: p.name)
        options: Choices = [(municipality.slug, _g("Heel %(name)s") % {"name": municipality.name})]
        placed: set[int] = set()
        for district in districts:
            options.append((f"{municipality.slug}/{district.code}", district.name))
            for neighbourhood in sorted(
                (p for p in own if p.parent_id == district.pk), key=lambda p: p.name
            ):
                placed.add(neighbourhood.pk)
                options.append(
                    (
                        f"{municipality.slug}/{neighbourhood.code}",
                        _g("%(district)s › %(neighbourhood)s")
                        % {"district": district.name, "neighbourhood": neighbourhood.name},
                    )
                )
        for loose in sorted(
            (p for p in own if p.kind == Place.Kind.NEIGHBOURHOOD and p.pk not in placed),
            key=lambda p: p.name,
        ):
            options.append((f"{municipality.slug}/{loose.code}", loose.name))
        groups.append((municipality.name, options))
    return groups


class QuestionForm(NLDesignFormMixin, forms.Form):
    """Read from the query string, so that an answer has an address to bookmark and share."""

    domein = forms.ChoiceField(
        label=_("Onderwerp"),
        required=False,
        help_text=_("Kies een onderwerp uit de lijst, of typ hieronder zelf een onderwerp."),
    )
    tekst = forms.CharField(
        label=_("Of typ een onderwerp"),
        required=False,
        max_length=200,
        help_text=_("Bijvoorbeeld: parkeren, speeltuin, afval."),
    )
    plaats = forms.ChoiceField(label=_("Waar gaat het over?"), required=False)

    def __init__(self, *args: Any, region: Region, domains: list[PolicyDomain], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["domein"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", _g("Kies een onderwerp")),
            *domain_choices(domains),
        ]
        self.fields["plaats"].choices = place_choices(region)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("domein") and not data.get("tekst", "").strip():
            self.add_error("domein", _g("Kies een onderwerp of typ er een."))
        return data
