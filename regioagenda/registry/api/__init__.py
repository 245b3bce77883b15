"""The register of joint bodies in the API: each body with its members over time, their yearly
contributions, the source of every fact, and the budgets sent to the councils for their views.

Everyone reads. With a token the region's coordinator keeps the register, and a municipality's
editor records its council's views on budgets; every write runs the model's own checks.
"""

# Importing the endpoint modules registers their operations on the router.
from regioagenda.registry.api import bodies, budget_requests, participations  # noqa: F401
from regioagenda.registry.api.routing import router

__all__ = ["router"]
