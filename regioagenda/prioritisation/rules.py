"""Who may do what in joint prioritisation: the coordinator runs rounds and adopts outcomes;
a municipality's editor casts its ballot."""

import rules

from regioagenda.accounts.predicates import (
    is_administrator,
    is_coordinator,
    is_coordinator_of_its_region,
    is_staff_member,
)

rules.add_perm("prioritisation", is_staff_member)
rules.add_perm("prioritisation.view_round", is_staff_member)
rules.add_perm("prioritisation.add_round", is_coordinator | is_administrator)
rules.add_perm("prioritisation.change_round", is_coordinator_of_its_region | is_administrator)
rules.add_perm("prioritisation.delete_round", is_administrator)
rules.add_rule("prioritisation.adopt_round", is_coordinator_of_its_region | is_administrator)
