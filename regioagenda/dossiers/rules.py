"""Who may do what with regional dossiers.

The region's coordinator opens and keeps dossiers. Each municipality's editors record that
municipality's decision (with its amendments and motions) in any dossier of their region; the
coordinator may record for every municipality of the region. Nobody else writes.
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
)


@rules.predicate
def is_about_a_municipality_of_its_region(user: Any, obj: Any) -> bool:
    """The decision (or its amendment or motion) concerns a municipality of the dossier's region."""
    if obj is None:
        return False
    decision = getattr(obj, "decision", obj)
    return bool(decision.municipality.region_id == decision.dossier.region_id)


may_keep_dossier = is_coordinator_of_its_region | is_administrator
may_record_decision = (
    is_editor_of_its_municipality & is_about_a_municipality_of_its_region
) | may_keep_dossier

rules.add_perm("dossiers", is_staff_member)

rules.add_perm("dossiers.view_dossier", is_staff_member)
rules.add_perm("dossiers.add_dossier", is_coordinator | is_administrator)
rules.add_perm("dossiers.change_dossier", may_keep_dossier)
rules.add_perm("dossiers.delete_dossier", may_keep_dossier)

# Decisions are recorded on the site, through record_decision; the back office shows them and
# lets the coordinator remove one recorded by mistake.
rules.add_perm("dossiers.view_councildecision", is_staff_member)
rules.add_perm("dossiers.add_councildecision", is_editor | is_coordinator | is_administrator)
rules.add_perm("dossiers.change_councildecision", may_record_decision)
rules.add_perm("dossiers.delete_councildecision", may_keep_dossier)

rules.add_perm("dossiers.view_decisiondocument", is_staff_member)
rules.add_perm("dossiers.add_decisiondocument", may_record_decision)
rules.add_perm("dossiers.change_decisiondocument", may_record_decision)
rules.add_perm("dossiers.delete_decisiondocument", may_record_decision)

rules.add_rule("dossiers.change_dossier", may_keep_dossier)
rules.add_rule("dossiers.record_decision", may_record_decision)
