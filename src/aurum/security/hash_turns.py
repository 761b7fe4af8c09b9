"""Password hashing and requests take the cores in turns when both want all of them.

The hashing process runs at the lowest priority (`SCHED_IDLE`): it only gets CPU that no
worker wants, so a sign-in flood never delays a request. Alone, that lets a client that
keeps the workers busy (one token reading without pause is enough) stop every sign-in.
So each worker watches its hashes: when some are waiting and none has finished for
`TURN_HASHES` hash times, hashing's turn begins. During a turn the worker starts no new
request; it lasts as long again, or until no hash waits. Then the requests get at least
as long before the next turn.

Under a read flood the two take the cores about half and half; when the cores are not
full, hashes finish in time, no turn is ever taken and requests never wait. Requests
already running finish during a turn; only new ones wait.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

TURN_HASHES = 4  # a turn, and the wait before one, in hash times
FIRST_HASH_SECONDS = 0.025  # until the hashing process has said what a hash costs


class HashingTurns:
    """Progress of one worker's hashes, and the turns it gives them."""

    def __init__(self) -> None:
        self._waiting = 0  # hashes asked for and not answered
        self._progress_at = 0.0  # the last answer, or when hashes began to wait
        self._turn_seconds = TURN_HASHES * FIRST_HASH_SECONDS
        self._turn: asyncio.Event | None = None  # set when hashing's turn ends
        self._turn_end: asyncio.TimerHandle | None = None

    def hash_costs(self, seconds: float) -> None:
        """What one hash costs in CPU time, measured by the hashing process."""
        self._turn_seconds = TURN_HASHES * seconds

    def asked(self) -> None:
        if not self._waiting:
            self._progress_at = asyncio.get_running_loop().time()
        self._waiting += 1

    def answered(self) -> None:
        self._waiting -= 1
        self._progress_at = asyncio.get_running_loop().time()
        if not self._waiting:
            self._end_turn()

    async def wait_for_hashing(self) -> None:
        """Return at once unless hashing's turn is on (or due): then when it ends."""
        if not self._waiting:
            return
        if self._turn is None:
            loop = asyncio.get_running_loop()
            if loop.time() - self._progress_at < self._turn_seconds:
                return
            self._turn = asyncio.Event()
            self._turn_end = loop.call_later(self._turn_seconds, self._end_turn)
        await self._turn.wait()

    def _end_turn(self) -> None:
        if self._turn_end is not None:
            self._turn_end.cancel()
            self._turn_end = None
        if self._turn is not None:
            self._turn.set()
            self._turn = None
            self._progress_at = asyncio.get_running_loop().time()  # the requests' turn


class WaitForHashing:
    """ASGI middleware: a new request waits while hashing has its turn."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            state = getattr(scope["app"].state, "aurum", None)
            if state is not None:
                await state.passwords.turns.wait_for_hashing()
        await self.app(scope, receive, send)
