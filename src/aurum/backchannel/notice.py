"""One app to tell that one session ended."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LogoutNotice:
    """A logout token to post to `client_id`, about `session_id` of `subject`."""

    client_id: str
    subject: uuid.UUID
    session_id: uuid.UUID
