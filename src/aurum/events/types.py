"""The event types other services can subscribe to. Values are stable: receivers match on them."""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    USER_DELETED = "user.deleted"
    USER_DISABLED = "user.disabled"
    USER_ENABLED = "user.enabled"
    COMPANY_CREATED = "company.created"
    COMPANY_DELETED = "company.deleted"
    COMPANY_MEMBER_ADDED = "company.member.added"
    COMPANY_MEMBER_REMOVED = "company.member.removed"
    COMPANY_MEMBER_ROLE_CHANGED = "company.member.role_changed"
    XP_AWARDED = "xp.awarded"
    SESSION_REVOKED = "session.revoked"
