"""Who may do what with the register of joint bodies.

Everyone reads the register. The region's coordinator keeps it: the bodies and everything under
them (sources, participations, contributions, governing bodies, representatives, documents).
"""

import rules

from regioagenda.accounts.predicates import (
    is_administrator,
    is_coordinator,
    is_coordinator_of_its_region,
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
):
    rules.add_perm(f"registry.view_{model}", is_staff_member)
    rules.add_perm(f"registry.add_{model}", is_coordinator | is_administrator)
    rules.add_perm(f"registry.change_{model}", may_keep_register)
    rules.add_perm(f"registry.delete_{model}", may_keep_register)

rules.add_rule("registry.view_joint_body", rules.always_allow)
rules.add_rule("registry.change_joint_body", may_keep_register)
