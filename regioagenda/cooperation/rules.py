"""Who may do what with the decision aid: the region's coordinator sets up comparisons; a
municipality's editor enters its assessment."""

import rules

from regioagenda.accounts.predicates import (
    is_administrator,
    is_coordinator,
    is_coordinator_of_its_region,
    is_editor_of_its_municipality,
    is_staff_member,
)

rules.add_perm("cooperation", is_staff_member)
rules.add_perm("cooperation.view_comparison", is_staff_member)
rules.add_perm("cooperation.add_comparison", is_coordinator | is_administrator)
rules.add_perm("cooperation.change_comparison", is_coordinator_of_its_region | is_administrator)
rules.add_perm("cooperation.delete_comparison", is_administrator)
# Checked against the municipality on whose behalf the assessment is entered.
rules.add_rule("cooperation.enter_assessment", is_editor_of_its_municipality)
