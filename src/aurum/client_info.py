"""Where a request comes from: what the audit log and the sign-in throttle record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request


@dataclass(frozen=True, slots=True)
class ClientInfo:
    user_agent: str | None
    ip_address: str | None


def client_info(request: Request) -> ClientInfo:
    return ClientInfo(
        user_agent=request.headers.get("user-agent"),
        ip_address=request.client.host if request.client else None,
    )


async def get_client_info(request: Request) -> ClientInfo:
    return client_info(request)


ClientInfoDep = Annotated[ClientInfo, Depends(get_client_info)]
