"""Who may do what with regions, municipalities and organisations."""

import rules

from regioagenda.accounts.predicates import (
    is_administrator,
    is_coordinator_of_its_region,
    is_editor_of_its_municipality,
    is_staff_member,
)

rules.add_perm("regions", is_staff_member)

rules.add_perm("regions.view_region", is_staff_member)
rules.add_perm("regions.change_region", is_coordinator_of_its_region | is_administrator)
rules.add_perm("regions.add_region", is_administrator)
rules.add_perm("regions.delete_region", is_administrator)

rules.add_perm("regions.view_municipality", is_staff_member)
rules.add_perm(
    "regions.change_municipality",
    is_editor_of_its_municipality | is_coordinator_of_its_region | is_administrator,
)
# Municipalities come from the region's data set; only an administrator adds or removes one.
rules.add_perm("regions.add_municipality", is_administrator)
rules.add_perm("regions.delete_municipality", is_administrator)

rules.add_perm("regions.view_organisation", is_staff_member)
rules.add_perm("regions.change_organisation", is_coordinator_of_its_region | is_administrator)
rules.add_perm("regions.add_organisation", is_coordinator_of_its_region | is_administrator)
rules.add_perm("regions.delete_organisation", is_coordinator_of_its_region | is_administrator)
