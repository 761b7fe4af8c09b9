"""External tokens to local users: provisioning on first use, explicit linking. Never commits.

The rule for email addresses: an external identity is never merged into an existing local
account on its own. If its (verified) address already belongs to a local account, the
token is refused with `sso_email_conflict` until the owner of that account, signed in,
links the identity (`link`). Usernames are only handles: a taken one gets a suffix.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import uuid

from sqlalchemy.exc import IntegrityError

from aurum.callers.principals import LinkedPrincipal
from aurum.config import Settings
from aurum.db.base import utcnow
from aurum.errors import AppError, Conflict, InvalidToken
from aurum.external_identities.errors import (
    ExternalIdentityNotFound,
    InvalidExternalToken,
    SsoAccountNotLinked,
    SsoEmailConflict,
    SsoIdentityTaken,
    SsoNotConfigured,
    SsoUnavailable,
)
from aurum.external_identities.repository import ExternalIdentityRepository
from aurum.models.external_identity import ExternalIdentity
from aurum.models.user import Role, User
from aurum.security.access_tokens import AccessClaims
from aurum.security.opaque_tokens import new_token
from aurum.security.passwords import PasswordHasher
from aurum.sso.authenticator import SsoAuthenticator, Validation
from aurum.sso.claims import ExternalToken, TokenRejected
from aurum.sso.introspection import ProviderUnavailable
from aurum.users.repository import UserRepository
from aurum.users.schemas import RESERVED_USERNAMES

PLACEHOLDER_EMAIL_DOMAIN = "sso.invalid"  # RFC 2606: never delivers
USERNAME_MAX = 32
USERNAME_TRIES = 5


def _handle(raw: str | None) -> str | None:
    """A username from a claim: ASCII letters, digits, `_.-`, 3 to 32 characters."""
    if not raw:
        return None
    ascii_text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_text).strip("_.-")
    cleaned = cleaned[:USERNAME_MAX].rstrip("_.-")
    if len(cleaned) < 3 or cleaned.lower() in RESERVED_USERNAMES:
        return None
    return cleaned


def _trusted_email(token: ExternalToken) -> str | None:
    """The provider's address, unless it says it has not verified it."""
    email = (token.email or "").strip().lower()
    if token.email_verified is False or "@" not in email or len(email) > 254:
        return None
    return email


def _placeholder_email(token: ExternalToken) -> str:
    digest = hashlib.sha256(f"{token.issuer}\n{token.subject}".encode()).hexdigest()
    return f"{digest[:32]}@{PLACEHOLDER_EMAIL_DOMAIN}"


def _access_claims(user: User, token: ExternalToken) -> AccessClaims:
    # The principal acts as the user, like a sign-in of their own: no Aurum session, no
    # Aurum scope. What the provider said is kept in `raw`.
    return AccessClaims(
        subject=str(user.id),
        session_id=None,
        scope=frozenset(),
        jti=token.jti or "",
        expires_at=token.expires_at or 0,
        issued_at=token.issued_at or 0,
        client_id=None,
        raw={
            "iss": token.issuer,
            "sub": token.subject,
            "aud": list(token.audience),
            "scope": token.scope,
            "client_id": token.client_id,
        },
    )


class ExternalIdentityService:
    def __init__(
        self,
        identities: ExternalIdentityRepository,
        users: UserRepository,
        passwords: PasswordHasher,
        settings: Settings,
        sso: SsoAuthenticator | None,
    ) -> None:
        self.identities = identities
        self.users = users
        self.passwords = passwords
        self.settings = settings
        self.sso = sso

    async def authenticate(self, token: str) -> LinkedPrincipal:
        """The local user behind an external bearer token (created on first use)."""
        validation = await self._validate(token, rejected=InvalidToken)
        user = await self._user_for(validation)
        if user.disabled:
            raise InvalidToken
        return LinkedPrincipal(user=user, claims=_access_claims(user, validation.token))

    async def link(self, user: User, token: str) -> ExternalIdentity:
        """Attach the identity of an external token to the signed-in user."""
        external = (await self._validate(token, rejected=InvalidExternalToken)).token
        existing = await self.identities.get(external.issuer, external.subject)
        if existing is not None:
            if existing.user_id != user.id:
                raise SsoIdentityTaken
            return existing
        identity = ExternalIdentity(
            user_id=user.id,
            issuer=external.issuer,
            subject=external.subject,
            email=external.email,
        )
        try:
            async with self.identities.session.begin_nested():
                return await self.identities.add(identity)
        except IntegrityError as exc:
            raise SsoIdentityTaken from exc

    async def list_for(self, user: User) -> list[ExternalIdentity]:
        return await self.identities.list_for_user(user.id)

    async def unlink(self, user: User, identity_id: uuid.UUID) -> None:
        identity = await self.identities.get_for_user(identity_id, user.id)
        if identity is None:
            raise ExternalIdentityNotFound
        await self.identities.delete(identity)

    async def _validate(self, token: str, *, rejected: type[AppError]) -> Validation:
        if self.sso is None:
            raise SsoNotConfigured
        try:
            return await self.sso.validate(token)
        except TokenRejected as exc:
            raise rejected from exc
        except ProviderUnavailable as exc:
            raise SsoUnavailable from exc

    async def _user_for(self, validation: Validation) -> User:
        external = validation.token
        found = await self.identities.get_with_user(external.issuer, external.subject)
        if found is not None:
            identity, user = found
            if validation.fresh:  # once per introspection, not on every request
                await self.identities.touch(identity.id, utcnow())
            return user
        if not self.settings.sso_create_users:
            raise SsoAccountNotLinked
        return await self._provision(external)

    async def _provision(self, external: ExternalToken) -> User:
        email = _trusted_email(external)
        if email is not None and await self.users.email_exists(email):
            raise SsoEmailConflict
        user = User(
            username=await self._free_username(external, email),
            email=email or _placeholder_email(external),
            full_name=(external.name or "").strip()[:200] or None,
            # Nobody knows this password: the account signs in through the provider.
            password_hash=await self.passwords.hash(new_token()),
            role=Role.USER,
            disabled=False,
        )
        identity = ExternalIdentity(
            issuer=external.issuer, subject=external.subject, email=external.email
        )
        try:
            async with self.users.session.begin_nested():
                await self.users.add(user)
                identity.user_id = user.id
                await self.identities.add(identity)
        except IntegrityError as exc:
            # A concurrent request provisioned this identity first, or took the address.
            found = await self.identities.get_with_user(external.issuer, external.subject)
            if found is not None:
                return found[1]
            if email is not None and await self.users.email_exists(email):
                raise SsoEmailConflict from exc
            raise Conflict from exc
        return user

    async def _free_username(self, external: ExternalToken, email: str | None) -> str:
        base = (
            _handle(external.username)
            or _handle(email.split("@")[0] if email else None)
            or _handle(external.name)
            or _handle(external.client_id if external.subject == external.client_id else None)
            or "user"
        )
        candidates = [base]
        candidates += [
            f"{base[: USERNAME_MAX - 7]}-{secrets.token_hex(3)}" for _ in range(USERNAME_TRIES)
        ]
        for candidate in candidates:
            if not await self.users.username_exists(candidate):
                return candidate
        return f"user-{secrets.token_hex(8)}"
