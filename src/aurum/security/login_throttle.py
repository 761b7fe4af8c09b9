"""Sign-in failure counting: exponential delays per account and address, and a ceiling.

Two kinds of counters, both moving windows in the rate-limit storage:

- per (account, client address): `LOGIN_FREE_FAILURES` failures are free, then the wait
  doubles with every further failure (1 s, 2 s, 4 s ... up to `LOGIN_DELAY_MAX_SECONDS`).
  It is a ladder of limits: tier i allows `free + i` failures per `base * 2**i` seconds,
  so a caller that retries as soon as allowed waits twice as long each time. A correct
  password clears the pair. Because delays are keyed on the pair, an attacker's address
  slows down only the attacker: the real user signing in from elsewhere is not delayed.
- per account, across all addresses: at most `LOGIN_ACCOUNT_FAILURES_PER_HOUR` attempts
  in any hour. The slot is taken before the password is checked, atomically, so even
  concurrent attempts cannot overshoot it (a successful sign-in keeps its slot too; only
  an account signing in that often would notice). This is the hard bound against guessing
  from many addresses, and the only counter an attacker can spend against the real user;
  the window moves, so slots free up as soon as the attack stops.

Accounts that do not exist are counted exactly like those that do (keyed by the name that
was typed), so the answers never tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerSecond

from aurum.config import Settings
from aurum.security.rate_limit_errors import TooManyFailedAttempts
from aurum.security.rate_limiter import RateLimiter, account_key, client_key

PAIR = "login.pair"
ACCOUNT = "login.account"


def delay_ladder(free: int, base: int, maximum: int) -> list[RateLimitItem]:
    """Tier i: `free + i` failures per `base * 2**i` seconds; the last tier's window is
    `maximum`."""
    tiers: list[RateLimitItem] = []
    window = base
    while window < maximum:
        tiers.append(RateLimitItemPerSecond(free + len(tiers), window, namespace=PAIR))
        window *= 2
    tiers.append(RateLimitItemPerSecond(free + len(tiers), maximum, namespace=PAIR))
    return tiers


@dataclass(frozen=True, slots=True)
class Lockout:
    scope: str  # "account_ip": this address must wait; "account": every address must
    retry_after: int


@dataclass(frozen=True, slots=True)
class Attempt:
    account: str
    address: str
    earlier_failures: bool


class LoginThrottle:
    def __init__(self, limiter: RateLimiter, settings: Settings) -> None:
        self.limiter = limiter
        self.free = settings.login_free_failures
        self.ladder = delay_ladder(
            self.free,
            settings.login_delay_base_seconds,
            max(settings.login_delay_max_seconds, settings.login_delay_base_seconds),
        )
        self.ceiling: RateLimitItem = RateLimitItemPerHour(
            settings.login_account_failures_per_hour, namespace=ACCOUNT
        )

    @staticmethod
    def account(user_id: str | None, login: str) -> str:
        """The counter of an account: its id when it exists, else the name typed."""
        return f"user:{user_id}" if user_id else f"name:{account_key(login)}"

    async def begin(self, account: str, address: str | None) -> Attempt:
        """Refuse while throttled; otherwise take this attempt's slot of the ceiling."""
        attempt = Attempt(account, client_key(address), earlier_failures=False)
        # Every tier holds the same timestamps, so fewer than `free` in the longest window
        # means no tier is full: one read on the common path instead of one per tier.
        recent = await self.limiter.used(self.ladder[-1], account, attempt.address)
        if recent >= self.free:
            wait = await self.limiter.wait_time(self.ladder, account, attempt.address)
            if wait > 0:
                everywhere = await self.limiter.wait_time([self.ceiling], account)
                raise TooManyFailedAttempts(max(wait, everywhere))
        wait = await self.limiter.acquire([self.ceiling], account)
        if wait > 0:
            raise TooManyFailedAttempts(wait)
        return Attempt(account, attempt.address, earlier_failures=recent > 0)

    async def succeeded(self, attempt: Attempt) -> None:
        if attempt.earlier_failures:
            await self.limiter.clear(self.ladder, attempt.account, attempt.address)

    async def failed(self, attempt: Attempt) -> Lockout | None:
        """Count the failure; say whether the next attempt must wait, and where."""
        await self.limiter.record(self.ladder, attempt.account, attempt.address)
        everywhere = await self.limiter.wait_time([self.ceiling], attempt.account)
        if everywhere > 0:
            return Lockout("account", round(everywhere))
        recent = await self.limiter.used(self.ladder[-1], attempt.account, attempt.address)
        if recent < self.free:
            return None
        here = await self.limiter.wait_time(self.ladder, attempt.account, attempt.address)
        return Lockout("account_ip", round(here)) if here > 0 else None
