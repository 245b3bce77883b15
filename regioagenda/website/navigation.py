"""The site's main navigation. Later features (agenda, monitor, meetings…) add their entry here."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    # URL names below this item that keep it marked as the current section.
    section: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MAIN_NAVIGATION = (
    NavItem(_("Home"), "website:home"),
    NavItem(
        _("Thema's"),
        "website:themes",
        ("website:theme", "website:topic", "website:qualities"),
    ),
    NavItem(
        _("Gemeenten"),
        "website:municipalities",
        ("website:municipality", "website:municipality_edit"),
    ),
    NavItem(
        _("Uitvoeringsagenda"),
        "agenda:overview",
        (
            "agenda:stuck",
            "agenda:timeline",
            "agenda:action",
            "agenda:action_create",
            "agenda:action_edit",
            "agenda:action_status",
            "agenda:action_progress",
        ),
    ),
    NavItem(
        _("Prioritering"), "prioritisation:rounds", ("prioritisation:round", "prioritisation:vote")
    ),
    NavItem(_("Dossiers"), "dossiers:list", ("dossiers:dossier", "dossiers:record_decision")),
    NavItem(
        _("Voorstellen"),
        "proposals:overview",
        (
            "proposals:without_check",
            "proposals:create",
            "proposals:proposal",
            "proposals:edit",
            "proposals:upload",
            "proposals:check",
            "proposals:submit_check",
        ),
    ),
    NavItem(
        _("Vergaderingen"),
        "meetings:agenda",
        (
            "meetings:body",
            "meetings:theme",
            "meetings:meeting",
            "meetings:register",
            "meetings:cancel_registration",
            "meetings:attendance",
            "meetings:create",
            "meetings:edit",
            "meetings:add_item",
            "meetings:edit_item",
            "meetings:upload",
            "meetings:minutes",
            "meetings:follow_up",
        ),
    ),
    NavItem(
        _("Evenementen"),
        "events:list",
        (
            "events:month",
            "events:week",
            "events:event",
            "events:image",
            "events:submit",
            "events:submitted",
            "events:confirm",
            "events:edit_by_token",
            "events:edit",
            "events:mine",
            "events:moderation",
            "events:moderate",
        ),
    ),
    NavItem(
        _("Monitor"),
        "monitor:dashboard",
        ("monitor:indicator", "monitor:imports", "monitor:import"),
    ),
    NavItem(
        _("Verbonden partijen"),
        "registry:list",
        (
            "registry:body",
            "registry:matrix",
            "registry:network",
            "registry:budgets",
            "registry:budget_add",
            "registry:budget_edit",
            "registry:budget_view",
        ),
    ),
    NavItem(
        _("Wie beslist?"),
        "competences:question",
        (
            "competences:register",
            "initiatives:list",
            "initiatives:submit",
            "initiatives:thanks",
            "initiatives:moderation",
            "initiatives:initiative",
            "initiatives:moderate",
            "initiatives:record",
        ),
    ),
    NavItem(
        _("Samenwerking"),
        "website:cooperation",
        ("cooperation:list", "cooperation:comparison", "cooperation:assess"),
    ),
)


def current_item(view_name: str | None) -> NavItem | None:
    for item in MAIN_NAVIGATION:
        if view_name == item.url_name or view_name in item.section:
            return item
    return None
