"""Who may do what on the execution agenda.

The lead municipality's editors and the region's coordinator edit an action; editors of a
participating municipality add progress updates on their own part.
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
def is_editor_of_a_participant(user: Any, action: Any) -> bool:
    if action is None:
        return False
    editor_of = roles_of(user).editor_of
    return bool(editor_of) and action.participants.filter(pk__in=editor_of).exists()


may_edit_action = is_editor_of_its_municipality | is_coordinator_of_its_region | is_administrator

rules.add_perm("agenda", is_staff_member)
rules.add_perm("agenda.view_action", is_staff_member)
rules.add_perm("agenda.add_action", is_editor | is_coordinator | is_administrator)
rules.add_perm("agenda.change_action", may_edit_action)
rules.add_perm("agenda.delete_action", is_coordinator_of_its_region | is_administrator)
rules.add_perm("agenda.add_progress", may_edit_action | is_editor_of_a_participant)
rules.add_rule("agenda.add_progress", may_edit_action | is_editor_of_a_participant)
rules.add_rule("agenda.change_action", may_edit_action)
