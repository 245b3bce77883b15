"""The security audit log: who did what to which object, with what result, from where, when."""

from typing import Any


def record(
    action: str,
    *,
    request: Any = None,
    actor: Any = None,
    obj: Any = None,
    result: str = "success",
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit record. Placeholder until the audit log lands; the signature is fixed."""
