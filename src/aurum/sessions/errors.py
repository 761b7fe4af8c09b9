from __future__ import annotations

from aurum.errors import NotFound


class SessionNotFound(NotFound):
    code = "session_not_found"
    message = "No active session with that id."
    message_es = "No existe una sesión activa con ese id."
