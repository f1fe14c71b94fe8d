"""`MS-RequestId` as the engine's one-time token (docs/api.md): one mechanism for every door.

A retry with the same key reaches the engine with the same token, so it gets the first change
back (the attempt protocol's replay) and a key reused for another change is refused.
"""

import uuid


def one_time_token(request) -> uuid.UUID:
    """The engine's token for this request: its `MS-RequestId`, per partner (two partners'
    scripts may pick the same key); a fresh one without it (no replay protection)."""
    key = request.headers.get("MS-RequestId", "").strip()
    if not key:
        return uuid.uuid4()
    return uuid.uuid5(request.partner.tenant_id, key)
