"""Who may do what with events.

Anyone may submit an event (with an account, or confirming their e-mail address) and read the
published ones. An event is moderated by the region's coordinator and by the editors of the
event's municipality; an event outside the region is the coordinator's. Only the coordinator
marks an event as "regio-evenement" and keeps the categories, audiences, clash rules and
neighbouring municipalities. An organiser with an account edits their own events.
"""

from typing import Any

import rules

from regioagenda.accounts.predicates import (
    is_administrator,
    is_coordinator,
    is_coordinator_of_its_region,
    is_editor,
    is_editor_of_its_municipality,
    roles_of,
)


@rules.predicate
def is_its_organiser(user: Any, event: Any) -> bool:
    return bool(
        event is not None
        and getattr(user, "is_authenticated", False)
        and event.organiser_id is not None
        and event.organiser_id == user.pk
    )


@rules.predicate
def moderates_in_region(user: Any, region: Any) -> bool:
    """Whether the user moderates any event of `region`: its coordinator or an editor of one of
    its municipalities."""
    if region is None:
        return False
    roles = roles_of(user)
    if region.pk in roles.coordinator_of:
        return True
    return bool(roles.editor_of) and region.municipalities.filter(pk__in=roles.editor_of).exists()


@rules.predicate
def keeps_its_region(user: Any, obj: Any) -> bool:
    """The coordinator of the item's region (any coordinator for the list as a whole)."""
    roles = roles_of(user)
    if obj is None:
        return bool(roles.coordinator_of)
    region_id = getattr(obj, "region_id", None)
    if region_id is None and hasattr(obj, "municipality"):  # a Neighbour
        region_id = obj.municipality.region_id
    return region_id in roles.coordinator_of


may_moderate = is_coordinator_of_its_region | is_editor_of_its_municipality | is_administrator

rules.add_rule("events.moderate", may_moderate)
rules.add_rule("events.see_queue", moderates_in_region | is_administrator)
rules.add_rule("events.mark_regional", is_coordinator_of_its_region | is_administrator)
rules.add_rule("events.edit", is_its_organiser | may_moderate)

# The admin: the coordinator keeps the region's lists; events are read and moderated there.
rules.add_perm("events", is_coordinator | is_editor | is_administrator)
for model in ("category", "audience", "clashrules", "neighbour"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"events.{action}_{model}", keeps_its_region | is_administrator)
rules.add_perm("events.view_event", is_coordinator | is_editor | is_administrator)
rules.add_perm("events.add_event", is_administrator)
rules.add_perm("events.change_event", may_moderate)
rules.add_perm("events.delete_event", is_administrator)
