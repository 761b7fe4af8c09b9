"""Scope checks: which callers an endpoint accepts, by role for users and scope for services.

An endpoint that service clients may call declares what it needs::

    XpWriter = Annotated[Caller, Depends(RequireScopes("xp:write", admins=True))]

    @router.post("/users/{username}/xp")
    async def award(username: str, caller: XpWriter, ...) -> ...:
        ...  # caller is a Principal (an admin) or a ServicePrincipal with xp:write

Scopes are declared in `SCOPES` below. Users are authorized by their role,
never by scopes: a user's token may carry a scope (what a first-party client asked for),
but it grants the user nothing extra.
"""

from __future__ import annotations

from aurum.callers.dependencies import CurrentCaller
from aurum.callers.principals import Caller, ServicePrincipal
from aurum.errors import AppError, Forbidden

# What each scope allows. An endpoint requires one with `RequireScopes`;
# a new scope is declared here first, so registrations and discovery know it.
SCOPES: dict[str, str] = {
    "sessions:read": "List any user's sign-in sessions.",
    "sessions:write": "End any user's sign-in sessions.",
    "xp:write": "Award experience points to users.",
}


class InsufficientScope(AppError):
    """RFC 6750 §3.1: the token is valid but lacks a scope this endpoint needs."""

    status_code = 403
    code = "insufficient_scope"
    message = "The access token does not carry the scope this needs."
    message_es = "El token de acceso no tiene el alcance que esto requiere."
    headers = {"WWW-Authenticate": 'Bearer error="insufficient_scope"'}  # noqa: RUF012


class RequireScopes:
    """A service client whose token carries every scope; with `admins=True`, admins too."""

    def __init__(self, *scopes: str, admins: bool = False) -> None:
        unknown = set(scopes) - SCOPES.keys()
        if not scopes or unknown:
            msg = (
                f"name scopes declared in aurum.callers.scopes.SCOPES (unknown: {sorted(unknown)})"
            )
            raise ValueError(msg)
        self.scopes = frozenset(scopes)
        self.admins = admins

    async def __call__(self, caller: CurrentCaller) -> Caller:
        if isinstance(caller, ServicePrincipal):
            if not self.scopes <= caller.scopes:
                raise InsufficientScope
            return caller
        if self.admins and caller.user.is_admin:
            return caller
        raise Forbidden
