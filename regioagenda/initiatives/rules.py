"""Who may do what with initiatives.

Anyone may submit one and read the published ones. The region's coordinator moderates them,
forwards them and records what happened; nobody else sees an unpublished initiative or a
submitter's e-mail address.
"""

import rules

from regioagenda.accounts.predicates import (
    is_administrator,
    is_coordinator,
    is_coordinator_of_its_region,
    is_staff_member,
)

may_moderate = is_coordinator_of_its_region | is_administrator

rules.add_perm("initiatives", is_coordinator | is_administrator)
for model in ("initiative", "initiativeevent"):
    rules.add_perm(f"initiatives.view_{model}", is_coordinator | is_administrator)
    rules.add_perm(f"initiatives.change_{model}", may_moderate)
    rules.add_perm(f"initiatives.delete_{model}", is_administrator)
rules.add_perm("initiatives.add_initiativeevent", is_coordinator | is_administrator)

rules.add_rule("initiatives.moderate_initiative", may_moderate)
rules.add_rule("initiatives.see_submitter", may_moderate & is_staff_member)
