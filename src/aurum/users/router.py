"""Accounts: sign-up, own profile, password, and the user directory."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from aurum.callers.dependencies import AdminUser, CurrentPrincipal, CurrentUser
from aurum.rate_limits.dependencies import rate_limit
from aurum.request_body import form_or_json, form_or_json_doc
from aurum.users.dependencies import UserServiceDep
from aurum.users.schemas import (
    AccountDeletion,
    AdminUserCreate,
    AdminUserUpdate,
    PasswordChange,
    RegistrationAccepted,
    UserCreate,
    UserPublic,
    UserRead,
    UserUpdate,
)

router = APIRouter(prefix="/users", tags=["users"])


def _visible(viewer: CurrentUser, users: list[object]) -> list[UserRead | UserPublic]:
    schema: type[UserRead | UserPublic] = UserRead if viewer.is_admin else UserPublic
    return [schema.model_validate(user) for user in users]


REGISTER_LIMITS = rate_limit(
    "register", per_ip="10/minute;100/hour", per_account="5/hour", account_field="email"
)


# `POST /users/` is the seed's first sign-up path; `POST /users` (no slash) is for admins.
@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    dependencies=[REGISTER_LIMITS],
    summary="Register (alias of /users/register)",
)
@router.post("/register", status_code=status.HTTP_201_CREATED, dependencies=[REGISTER_LIMITS])
async def register(data: UserCreate, users: UserServiceDep) -> RegistrationAccepted:
    """Create an account; a verification link is emailed (the same answer for a taken email)."""
    await users.register(data)
    return RegistrationAccepted(username=data.username, email=data.email, full_name=data.full_name)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_user(data: AdminUserCreate, admin: AdminUser, users: UserServiceDep) -> UserRead:
    """Create an account with a role (admins)."""
    return UserRead.model_validate(await users.create(data, actor=admin))


@router.get("/me")
async def read_me(principal: CurrentPrincipal) -> UserRead:
    """Your own full profile."""
    return UserRead.model_validate(principal.user)  # as read with the token's session check


@router.put("/me/update")
@router.patch("/me")
async def update_me(data: UserUpdate, user: CurrentUser, users: UserServiceDep) -> UserRead:
    """Change your own profile; only the fields sent are changed."""
    return UserRead.model_validate(await users.update(user, data))


@router.post(
    "/me/change-password",
    status_code=status.HTTP_204_NO_CONTENT,
    openapi_extra=form_or_json_doc(PasswordChange),
)
async def change_password(
    data: Annotated[PasswordChange, Depends(form_or_json(PasswordChange))],
    principal: CurrentPrincipal,
    users: UserServiceDep,
) -> Response:
    """Change your password; your other sessions end."""
    await users.change_password(
        principal.user,
        data.old_password,
        data.new_password,
        current_session=principal.session_id,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/")
@router.get("", include_in_schema=False)
async def list_users(
    viewer: CurrentUser,
    users: UserServiceDep,
    response: Response,
    skip: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> list[UserRead | UserPublic]:
    """List users, oldest first. Follow `X-Next-Cursor` (`?cursor=`) rather than `skip`."""
    page, next_cursor = await users.list_page(skip=skip, limit=limit, cursor=cursor)
    if next_cursor:
        response.headers["X-Next-Cursor"] = next_cursor
        response.headers["Link"] = f'<?cursor={next_cursor}&limit={limit}>; rel="next"'
    return _visible(viewer, list(page))


@router.get("/{username}")
async def read_user(
    username: str, viewer: CurrentUser, users: UserServiceDep
) -> UserRead | UserPublic:
    """One user: the full profile for admins and yourself, the public one otherwise."""
    user = await users.get(username)
    if viewer.is_admin or user.id == viewer.id:
        return UserRead.model_validate(user)
    return UserPublic.model_validate(user)


@router.patch("/{username}")
async def admin_update_user(
    username: str, data: AdminUserUpdate, admin: AdminUser, users: UserServiceDep
) -> UserRead:
    """Change any account, including role and disabled (admins)."""
    user = await users.get(username)
    return UserRead.model_validate(await users.update(user, data, actor=admin))


@router.delete(
    "/{username}",
    status_code=status.HTTP_204_NO_CONTENT,
    openapi_extra=form_or_json_doc(AccountDeletion, required=False),
)
async def delete_user(
    username: str,
    data: Annotated[AccountDeletion, Depends(form_or_json(AccountDeletion))],
    viewer: CurrentUser,
    users: UserServiceDep,
) -> Response:
    """Delete an account: admins delete others; you delete yourself with your password."""
    await users.delete(viewer, username, data.password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
