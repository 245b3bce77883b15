"""Who may do what with the register of joint bodies.

Everyone reads the register. The region's coordinator keeps it: the bodies and everything under
them (sources, participations, contributions, governing bodies, representatives, documents).
"""

import rules

from regioagenda.accounts.predicates import (
    is_administrator,
    is_coordinator,
    is_coordinator_of_its_region,
    is_editor,
    is_editor_of_its_municipality,
    is_staff_member,
)

may_keep_register = is_coordinator_of_its_region | is_administrator

rules.add_perm("registry", is_staff_member)

for model in (
    "jointbody",
    "source",
    "participation",
    "contribution",
    "governingbody",
    "representative",
    "bodydocument",
    "budgetrequest",
):
    rules.add_perm(f"registry.view_{model}", is_staff_member)
    rules.add_perm(f"registry.add_{model}", is_coordinator | is_administrator)
    rules.add_perm(f"registry.change_{model}", may_keep_register)
    rules.add_perm(f"registry.delete_{model}", may_keep_register)

rules.add_rule("registry.view_joint_body", rules.always_allow)
rules.add_rule("registry.change_joint_body", may_keep_register)


# A council's view on a budget is recorded by that municipality's editors or the coordinator.
may_record_budget_view = may_keep_register | is_editor_of_its_municipality

rules.add_perm("registry.view_budgetview", is_staff_member)
rules.add_perm("registry.add_budgetview", is_coordinator | is_editor | is_administrator)
rules.add_perm("registry.change_budgetview", may_record_budget_view)
rules.add_perm("registry.delete_budgetview", may_record_budget_view)
rules.add_rule("registry.record_budget_view", may_record_budget_view)
