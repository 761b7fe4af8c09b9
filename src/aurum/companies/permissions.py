"""What each company role may do: the one place that says it, as data."""

from __future__ import annotations

from enum import StrEnum

from aurum.models.company import CompanyRole


class Permission(StrEnum):
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"  # invite, change roles below owner, remove
    MANAGE_OWNERS = "manage_owners"  # make, demote or remove owners
    EDIT_COMPANY = "edit_company"
    DELETE_COMPANY = "delete_company"
    CREATE_SIMULATION = "create_simulation"
    EDIT_SIMULATION = "edit_simulation"
    PUBLISH_SIMULATION = "publish_simulation"
    ARCHIVE_SIMULATION = "archive_simulation"
    VIEW_CANDIDATES = "view_candidates"
    CONTACT_CANDIDATES = "contact_candidates"
    EXPORT_DATA = "export_data"
    VIEW_BILLING = "view_billing"


P = Permission

_VIEWER = frozenset({P.VIEW_MEMBERS, P.VIEW_CANDIDATES})
_EDITOR = _VIEWER | {P.CREATE_SIMULATION, P.EDIT_SIMULATION}
_ADMIN = _EDITOR | {
    P.MANAGE_MEMBERS,
    P.EDIT_COMPANY,
    P.PUBLISH_SIMULATION,
    P.ARCHIVE_SIMULATION,
    P.CONTACT_CANDIDATES,
    P.EXPORT_DATA,
    P.VIEW_BILLING,
}
_OWNER = frozenset(Permission)

ROLE_PERMISSIONS: dict[CompanyRole, frozenset[Permission]] = {
    CompanyRole.OWNER: _OWNER,
    CompanyRole.ADMIN: _ADMIN,
    CompanyRole.EDITOR: _EDITOR,
    CompanyRole.VIEWER: _VIEWER,
}


def allows(role: CompanyRole | None, permission: Permission) -> bool:
    return role is not None and permission in ROLE_PERMISSIONS[role]
