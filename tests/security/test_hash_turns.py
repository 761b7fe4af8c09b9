"""When a worker makes new requests wait for password hashing, and for how long.

A turn here is a second or more, so a machine busy with other work cannot make a check run
late enough to see a different state."""

from __future__ import annotations

import asyncio

from aurum.security.hash_turns import TURN_HASHES, HashingTurns

HASH_SECONDS = 0.3
TURN_SECONDS = TURN_HASHES * HASH_SECONDS


async def test_requests_never_wait_while_no_hash_waits() -> None:
    turns = HashingTurns()
    turns.hash_costs(0.0)  # a turn would be due at once if a hash waited
    await asyncio.wait_for(turns.wait_for_hashing(), TURN_SECONDS / 2)


async def test_requests_do_not_wait_while_hashes_are_answered_in_time() -> None:
    turns = HashingTurns()
    turns.hash_costs(HASH_SECONDS)
    turns.asked()
    turns.asked()
    turns.answered()  # progress: one hash answered, one still waits
    await asyncio.wait_for(turns.wait_for_hashing(), TURN_SECONDS / 2)


async def test_a_starving_hash_gets_a_turn_that_ends_when_no_hash_waits() -> None:
    turns = HashingTurns()
    turns.hash_costs(HASH_SECONDS)
    turns.asked()
    await asyncio.sleep(TURN_SECONDS * 1.1)  # no answer for longer than a turn
    request = asyncio.create_task(turns.wait_for_hashing())
    await asyncio.sleep(0)
    assert not request.done(), "a new request waits during hashing's turn"
    turns.answered()
    await asyncio.wait_for(request, TURN_SECONDS / 2)


async def test_a_turn_ends_after_its_time_and_the_requests_get_theirs() -> None:
    loop = asyncio.get_running_loop()
    turns = HashingTurns()
    turns.hash_costs(HASH_SECONDS / 3)  # a shorter turn, still far above the loop's jitter
    turns.asked()
    await asyncio.sleep(TURN_SECONDS / 3 * 1.1)
    began = loop.time()
    await asyncio.wait_for(turns.wait_for_hashing(), TURN_SECONDS * 2)
    assert loop.time() - began >= TURN_SECONDS / 3 * 0.9
    # The hash still waits, but the requests have their turn now.
    await asyncio.wait_for(turns.wait_for_hashing(), TURN_SECONDS / 6)
