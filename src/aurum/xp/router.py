"""Experience points: awards through the ledger, history, and the leaderboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from aurum.callers.dependencies import CurrentUser
from aurum.pagination import MAX_CURSOR_LENGTH, Page
from aurum.xp.dependencies import XpAwarderDep, XpServiceDep
from aurum.xp.schemas import LeaderboardEntry, XpAwardCreate, XpAwardRead, XpAwardResult

router = APIRouter(tags=["xp"])

Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)]


@router.post("/users/{username}/xp", status_code=status.HTTP_201_CREATED)
async def award_xp(
    username: str, data: XpAwardCreate, awarder: XpAwarderDep, xp: XpServiceDep
) -> XpAwardResult:
    """Award XP (admins, or services with xp:write): a ledger line; totals follow at once."""
    award, user = await xp.award(username, data, awarder)
    return XpAwardResult(
        **XpAwardRead.model_validate(award).model_dump(),
        username=user.username,
        xp_total=user.xp_total,
        level=user.level,
    )


@router.get("/users/{username}/xp")
async def xp_history(
    username: str,
    viewer: CurrentUser,
    xp: XpServiceDep,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[XpAwardRead]:
    """A user's XP ledger, newest first (the user themself and admins)."""
    page, next_cursor = await xp.history(viewer, username, limit=limit, cursor=cursor)
    return Page(items=[XpAwardRead.model_validate(a) for a in page], next_cursor=next_cursor)


@router.get("/leaderboard")
async def leaderboard(
    _: CurrentUser, xp: XpServiceDep, limit: Limit = 10, cursor: Cursor = None
) -> Page[LeaderboardEntry]:
    """Most XP first; equal totals share a rank and are listed by username."""
    page, next_cursor = await xp.leaderboard(limit=limit, cursor=cursor)
    items = [
        LeaderboardEntry(
            rank=rank,
            username=user.username,
            full_name=user.full_name,
            xp_total=user.xp_total,
            level=user.level,
        )
        for user, rank in page
    ]
    return Page(items=items, next_cursor=next_cursor)
