"""The network of the region: which municipality takes part in which active joint body.

`network_of` reads the facts once; the page shows them twice, as a table and as a bipartite
Vega-Lite picture (`network_spec`): municipalities on the left, bodies on the right grouped and
coloured by legal form, a line for every participation. Positions are computed here, in
pixels, so the chart needs no layout algorithm in the browser.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from regioagenda.regions.models import Municipality, Region
from regioagenda.registry.models import JointBody, LegalForm, Participation

# One colour per legal form, each with a contrast of at least 3:1 against the white page
# (WCAG 1.4.11, graphical objects); a test checks the ratios. The form is also written out in
# the labels' legend and in the table, so colour is never the only carrier of the fact.
COLOURS: dict[str, str] = {
    LegalForm.PUBLIC_BODY: "#01689b",
    LegalForm.JOINT_ORGAN: "#8b4a00",
    LegalForm.OPERATIONAL: "#00745a",
    LegalForm.PLAIN: "#a90061",
    LegalForm.COVENANT: "#6b3fa0",
    LegalForm.PROGRAMME: "#b34700",
    LegalForm.NETWORK: "#3d5a00",
    "": "#5c5c5c",
}
LINE_COLOUR = "#767676"
MUNICIPALITY_COLOUR = "#000000"

ROW = 26  # pixels between two bodies
GROUP_GAP = 14  # extra pixels between two legal forms
TOP = 12
MUNICIPALITY_X = 150
BODY_X = 340
WIDTH = 760


@dataclass
class NetworkBody:
    body: JointBody
    municipalities: list[Municipality] = field(default_factory=list)

    @property
    def legal_form_label(self) -> str:
        return self.body.get_legal_form_display() if self.body.legal_form else _("vorm onbekend")


@dataclass
class Network:
    on: datetime.date
    municipalities: list[Municipality]
    bodies: list[NetworkBody]  # grouped by legal form, then by name

    @property
    def links(self) -> list[tuple[Municipality, JointBody]]:
        return [(m, item.body) for item in self.bodies for m in item.municipalities]


def _form_rank(legal_form: str) -> int:
    forms = [*LegalForm.values, ""]
    return forms.index(legal_form) if legal_form in forms else len(forms)


def network_of(region: Region, on: datetime.date | None = None) -> Network:
    """The region's active bodies and, for each, the municipalities of the region taking part."""
    on = on or datetime.date.today()
    current = Participation.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=on),
        Q(ended_on__isnull=True) | Q(ended_on__gt=on),
        municipality__isnull=False,
    ).select_related("municipality")
    bodies = (
        JointBody.objects.in_region(region)
        .active(on)
        .prefetch_related(Prefetch("participations", queryset=current, to_attr="current"))
    )
    municipalities = list(Municipality.objects.in_region(region))
    order = {m.pk: index for index, m in enumerate(municipalities)}
    items = []
    for body in sorted(bodies, key=lambda b: (_form_rank(b.legal_form), b.name.casefold())):
        # The prefetch's to_attr holds participations with a municipality only.
        current_members: list[Participation] = body.current  # type: ignore[attr-defined]
        members = {
            p.municipality.pk: p.municipality
            for p in current_members
            if p.municipality and p.municipality.pk in order  # the region's own only
        }
        items.append(NetworkBody(body, sorted(members.values(), key=lambda m: order[m.pk])))
    return Network(on, municipalities, items)


def _body_rows(network: Network) -> tuple[list[dict[str, Any]], int]:
    rows = []
    y = TOP
    previous: str | None = None
    for item in network.bodies:
        if previous is not None and item.body.legal_form != previous:
            y += GROUP_GAP
        previous = item.body.legal_form
        rows.append(
            {
                "partij": item.body.name,
                "slug": item.body.slug,
                "vorm": item.legal_form_label,
                "x": BODY_X,
                "y": y,
                "deelnemers": len(item.municipalities),
            }
        )
        y += ROW
    return rows, max(y - ROW + TOP, TOP * 2)


def network_spec(network: Network) -> dict[str, Any]:
    """A Vega-Lite specification of the network, with every position in pixels."""
    bodies, height = _body_rows(network)
    count = len(network.municipalities)
    step = (height - 2 * TOP) / (count - 1) if count > 1 else 0
    municipalities = [
        {"gemeente": m.name, "x": MUNICIPALITY_X, "y": round(TOP + index * step, 1)}
        for index, m in enumerate(network.municipalities)
    ]
    if count == 1:
        municipalities[0]["y"] = height / 2
    position = {m.pk: row for m, row in zip(network.municipalities, municipalities, strict=True)}
    body_position = {row["slug"]: row for row in bodies}
    links = [
        {
            "gemeente": municipality.name,
            "partij": body.name,
            "x": position[municipality.pk]["x"],
            "y": position[municipality.pk]["y"],
            "x2": body_position[body.slug]["x"],
            "y2": body_position[body.slug]["y"],
        }
        for municipality, body in network.links
    ]
    used = [
        form
        for form in [*LegalForm.values, ""]
        if any(b.body.legal_form == form for b in network.bodies)
    ]
    labels = [str(LegalForm(form).label) if form else _("vorm onbekend") for form in used]
    pixels = {"type": "quantitative", "scale": None}
    return {
        "description": network_description(network),
        "width": WIDTH,
        "height": height,
        "autosize": {"type": "pad"},
        "datasets": {"deelnames": links, "gemeenten": municipalities, "partijen": bodies},
        "config": {
            "font": "Noto Sans, sans-serif",
            "view": {"stroke": None},
            "legend": {"labelFontSize": 13, "titleFontSize": 13, "labelLimit": 320},
        },
        "layer": [
            {
                "data": {"name": "deelnames"},
                "mark": {"type": "rule", "color": LINE_COLOUR, "strokeWidth": 1.2},
                "encoding": {
                    "x": {"field": "x", **pixels},
                    "y": {"field": "y", **pixels},
                    "x2": {"field": "x2"},
                    "y2": {"field": "y2"},
                },
            },
            {
                "data": {"name": "gemeenten"},
                "mark": {"type": "circle", "size": 110, "color": MUNICIPALITY_COLOUR, "opacity": 1},
                "encoding": {"x": {"field": "x", **pixels}, "y": {"field": "y", **pixels}},
            },
            {
                "data": {"name": "gemeenten"},
                "mark": {
                    "type": "text",
                    "align": "right",
                    "baseline": "middle",
                    "dx": -10,
                    "fontSize": 14,
                    "fontWeight": "bold",
                    "color": MUNICIPALITY_COLOUR,
                },
                "encoding": {
                    "x": {"field": "x", **pixels},
                    "y": {"field": "y", **pixels},
                    "text": {"field": "gemeente", "type": "nominal"},
                },
            },
            {
                "data": {"name": "partijen"},
                "mark": {"type": "square", "size": 110, "opacity": 1},
                "encoding": {
                    "x": {"field": "x", **pixels},
                    "y": {"field": "y", **pixels},
                    "color": {
                        "field": "vorm",
                        "type": "nominal",
                        "scale": {"domain": labels, "range": [COLOURS[f] for f in used]},
                        "legend": {
                            "title": _("Vorm"),
                            "orient": "bottom",
                            "direction": "vertical",
                            "columns": 2,
                        },
                    },
                },
            },
            {
                "data": {"name": "partijen"},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "middle",
                    "dx": 10,
                    "fontSize": 13,
                    "color": "#000000",
                    "limit": WIDTH - BODY_X - 20,
                },
                "encoding": {
                    "x": {"field": "x", **pixels},
                    "y": {"field": "y", **pixels},
                    "text": {"field": "partij", "type": "nominal"},
                },
            },
        ],
    }


def network_description(network: Network) -> str:
    """The chart's text alternative: what it shows, in one or two sentences."""
    everyone = [
        item.body.name
        for item in network.bodies
        if network.municipalities and len(item.municipalities) == len(network.municipalities)
    ]
    text = _(
        "Netwerkbeeld: %(municipalities)s gemeenten links, %(bodies)s actieve verbonden partijen "
        "rechts, gegroepeerd en gekleurd naar vorm, met een lijn voor elk van de %(links)s "
        "deelnames."
    ) % {
        "municipalities": len(network.municipalities),
        "bodies": len(network.bodies),
        "links": len(network.links),
    }
    if everyone:
        text += " " + _("Alle gemeenten nemen deel aan: %(bodies)s.") % {
            "bodies": ", ".join(everyone)
        }
    return text + " " + _("De tabel onder het beeld geeft dezelfde gegevens.")
