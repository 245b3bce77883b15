"""Atom feeds of proposals whose current check names a theme, an affected municipality or a
joint body, newest submitted check first; each entry carries the regional paragraph.

Feeds are read by feed readers without a login, so they hold public proposals only.
"""

import datetime
import re
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from regioagenda.proposals.models import AffectedMunicipality, Proposal, ProposalStatus
from regioagenda.proposals.overview import (
    affecting,
    attach_current,
    current_checks,
    naming_body,
    naming_theme,
    with_current_check,
)
from regioagenda.proposals.paragraph import regional_paragraph
from regioagenda.regions.current import current_region
from regioagenda.regions.models import Municipality
from regioagenda.registry.models import JointBody
from regioagenda.vision.models import Theme

ITEMS = 30
CBS_CODE = re.compile(r"^GM\d{4}$")


class ProposalFeed(Feed):
    feed_type = Atom1Feed
    filter_name = ""

    def selection(self, obj: Any) -> Q:
        raise NotImplementedError

    def filter_value(self, obj: Any) -> str:
        return str(obj.slug)

    def link(self, obj: Any) -> str:
        query = urlencode({self.filter_name: self.filter_value(obj)})
        return f"{reverse('proposals:overview')}?{query}"

    def items(self, obj: Any) -> list[Proposal]:
        submitted = current_checks().filter(proposal=OuterRef("pk")).values("submitted_at")[:1]
        proposals = (
            Proposal.objects.in_region(current_region())
            .exclude(status=ProposalStatus.DRAFT)
            .filter(self.selection(obj))
            .annotate(submitted_at=Subquery(submitted))
            .order_by("-submitted_at", "-pk")
        )
        return attach_current(with_current_check(proposals)[:ITEMS])

    def item_title(self, item: Proposal) -> str:
        return f"{item.number} — {item.title}"

    def item_description(self, item: Proposal) -> str:
        return regional_paragraph(item.current_check)  # type: ignore[attr-defined]

    def item_author_name(self, item: Proposal) -> str:
        return item.municipality.name

    def item_pubdate(self, item: Proposal) -> datetime.datetime:
        return item.current_check.submitted_at  # type: ignore[attr-defined,no-any-return]

    def item_updateddate(self, item: Proposal) -> datetime.datetime:
        return item.current_check.submitted_at  # type: ignore[attr-defined,no-any-return]


class ThemeFeed(ProposalFeed):
    filter_name = "thema"

    def get_object(self, request: HttpRequest, slug: str) -> Theme:  # type: ignore[override]
        theme = Theme.objects.in_region(current_region()).filter(slug=slug).first()
        if theme is None:
            raise Http404
        return theme

    def title(self, obj: Theme) -> str:
        return _("Voorstellen bij het thema %(theme)s") % {"theme": obj.translated_title}

    def subtitle(self, obj: Theme) -> str:
        return _("Raads- en collegevoorstellen waarvan de regionale toets dit thema noemt.")

    def selection(self, obj: Theme) -> Q:
        return naming_theme(obj)


class MunicipalityFeed(ProposalFeed):
    """Per affected municipality by CBS code, a neighbour outside the region included."""

    filter_name = "geraakt"

    def get_object(self, request: HttpRequest, code: str) -> dict[str, str]:  # type: ignore[override]
        code = code.upper()
        if not CBS_CODE.match(code):
            raise Http404
        name = (
            Municipality.objects.filter(code=code).values_list("name", flat=True).first()
            or AffectedMunicipality.objects.filter(code=code).values_list("name", flat=True).first()
        )
        if name is None:
            raise Http404
        return {"code": code, "name": name}

    def filter_value(self, obj: dict[str, str]) -> str:
        return obj["code"]

    def title(self, obj: dict[str, str]) -> str:
        return _("Voorstellen die %(name)s raken") % {"name": obj["name"]}

    def subtitle(self, obj: dict[str, str]) -> str:
        return _("Raads- en collegevoorstellen waarvan de regionale toets deze gemeente noemt.")

    def selection(self, obj: dict[str, str]) -> Q:
        return affecting(obj["code"])


class JointBodyFeed(ProposalFeed):
    filter_name = "verbonden_partij"

    def get_object(self, request: HttpRequest, slug: str) -> JointBody:  # type: ignore[override]
        body = JointBody.objects.in_region(current_region()).filter(slug=slug).first()
        if body is None:
            raise Http404
        return body

    def title(self, obj: JointBody) -> str:
        return _("Voorstellen over %(body)s") % {"body": obj.name}

    def subtitle(self, obj: JointBody) -> str:
        return _(
            "Raads- en collegevoorstellen waarvan de regionale toets deze verbonden partij noemt."
        )

    def selection(self, obj: JointBody) -> Q:
        return naming_body(obj)
