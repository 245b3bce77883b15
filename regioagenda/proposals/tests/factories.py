import datetime
from typing import Any

from regioagenda.proposals.models import GoverningBody, Proposal, ProposalStatus
from regioagenda.regions.models import Municipality


def make_proposal(
    municipality: Municipality, number: str = "RV 26.0001", **values: Any
) -> Proposal:
    fields: dict[str, Any] = {
        "body": GoverningBody.COUNCIL,
        "title": "Voorstel voor de proef",
        "date": datetime.date(2026, 10, 1),
        "status": ProposalStatus.IN_PROCEDURE,
        **values,
    }
    return Proposal.objects.create(municipality=municipality, number=number, **fields)
