"""Starting a key chain within a request's transaction: a client chose an ID-token
algorithm that no live key signs yet. Never commits."""

from __future__ import annotations

from aurum.keys.repository import SigningKeyRepository
from aurum.security.keys import KeyMaker


class KeyChains:
    def __init__(self, keys: SigningKeyRepository, maker: KeyMaker) -> None:
        self.keys = keys
        self.maker = maker

    async def start(self, algorithm: str) -> None:
        """The chain's first key, unless it has a live one: published with the
        transaction, it signs from the first token that needs it (instances load it then)."""
        if not await self.keys.has_live(algorithm):
            await self.keys.add(self.maker.new_key(algorithm))
