"""Who may do what with meetings.

Everyone reads public meetings and the public items of a public meeting. Closed meetings and
closed items are for the region's staff and council members (`may_see_closed`, the same people
as `MeetingQuerySet.visible_to`). The editors of the organising municipality and the region's
coordinator keep a meeting: its details, agenda, documents, minutes, follow-ups and attendance
list; a meeting without an organiser is the coordinator's alone. Bodies are regional lists,
kept by the coordinator.

`rules.apps.AutodiscoverRulesConfig` loads this module, like every app's rules.py.
"""

from typing import Any

import rules

from regioagenda.accounts.predicates import (
    is_administrator,
    is_coordinator,
    is_coordinator_of_its_region,
    is_editor,
    is_editor_of_its_municipality,
    is_staff_member,
    roles_of,
)


@rules.predicate
def is_insider_of_its_region(user: Any, obj: Any) -> bool:
    """An editor or council member of a municipality of the object's region."""
    if obj is None:
        return False
    from regioagenda.regions.models import Municipality

    roles = roles_of(user)
    municipalities = roles.editor_of | roles.council_member_of
    if not municipalities:
        return False
    region_id = getattr(obj, "region_id", None)
    if region_id is None:
        return False
    return Municipality.objects.filter(pk__in=municipalities, region_id=region_id).exists()


may_keep_region_lists = is_coordinator_of_its_region | is_administrator
# An object without an organiser answers municipality_id None, which no editor holds.
may_keep_meeting = may_keep_region_lists | is_editor_of_its_municipality
may_see_closed = may_keep_region_lists | is_insider_of_its_region

rules.add_perm("meetings", is_staff_member)
for model in ("meeting", "agendaitem", "agendadocument", "invitation", "registration", "followup"):
    rules.add_perm(f"meetings.view_{model}", is_staff_member)
    rules.add_perm(f"meetings.add_{model}", is_coordinator | is_editor | is_administrator)
    rules.add_perm(f"meetings.change_{model}", may_keep_meeting)
    rules.add_perm(f"meetings.delete_{model}", may_keep_meeting)
rules.add_perm("meetings.view_body", is_staff_member)
rules.add_perm("meetings.add_body", is_coordinator | is_administrator)
rules.add_perm("meetings.change_body", may_keep_region_lists)
rules.add_perm("meetings.delete_body", may_keep_region_lists)

rules.add_rule("meetings.add_meeting", is_coordinator | is_editor | is_administrator)
rules.add_rule("meetings.keep_meeting", may_keep_meeting)
rules.add_rule("meetings.see_closed", may_see_closed)
