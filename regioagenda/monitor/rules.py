"""Who may do what in the monitor.

Everyone reads it. The region's coordinator keeps the indicators, the region's targets and runs
imports; an editor records figures and targets of their own municipality.
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

may_keep_monitor = is_coordinator_of_its_region | is_administrator
may_keep_municipal_figures = may_keep_monitor | is_editor_of_its_municipality

rules.add_perm("monitor", is_staff_member)
for model in ("indicator", "importrun"):
    rules.add_perm(f"monitor.view_{model}", is_staff_member)
    rules.add_perm(f"monitor.add_{model}", is_coordinator | is_administrator)
    rules.add_perm(f"monitor.change_{model}", may_keep_monitor)
    rules.add_perm(f"monitor.delete_{model}", may_keep_monitor)
for model in ("observation", "target"):
    rules.add_perm(f"monitor.view_{model}", is_staff_member)
    rules.add_perm(f"monitor.add_{model}", is_coordinator | is_editor | is_administrator)
    rules.add_perm(f"monitor.change_{model}", may_keep_municipal_figures)
    rules.add_perm(f"monitor.delete_{model}", may_keep_monitor)

rules.add_rule("monitor.run_import", is_coordinator | is_administrator)
rules.add_rule("monitor.record_observation", may_keep_municipal_figures)
