"""LOGIN_THROTTLE: at most N login attempts per client IP and per username, on every path.

Counted in the cache RATELIMIT_CACHE names, so the limit holds across processes and hosts
that share it. Over the limit the answer is 429 with ``Retry-After``, whether the password
was right or not; when the cache cannot be reached, logins are refused with 503 (fail
closed: an attacker who can take the cache down must not get unlimited guesses).

Two ways of counting, one per kind of login path:

* **login views** (form and JSON login, token issue) *reserve* an attempt before checking
  the password and give it back when the login succeeds::

      attempt = await login_throttle.reserve(request, username)   # 429 when over
      user = await authenticate_user(username, password)
      if user is not None:
          await attempt.succeeded()

  Reservation is atomic, so a burst of parallel guesses gets exactly N through.
* **credentials on every request** (Basic, Digest) are checked before and counted only
  when they fail (``check`` then ``failed``), so a client sending valid credentials on many
  parallel requests is never refused; a burst of parallel wrong guesses may pass the check
  together before their failures are counted.
"""

from __future__ import annotations

import logging

from starlette.requests import HTTPConnection

from framework.cache.base import CacheUnavailableError
from framework.cache.throttles import Throttle, Verdict
from framework.web.clientip import client_ip
from framework.web.exceptions import HTTPException

__all__ = ["LOGIN_UNAVAILABLE", "LoginAttempt", "LoginThrottle", "login_throttle"]

logger = logging.getLogger("framework.auth")
LOGIN_UNAVAILABLE = "Logging in is unavailable right now; try again shortly."
_SCOPE = "login"


def _refusal(verdict: Verdict) -> HTTPException:
    return HTTPException(
        429,
        f"Too many login attempts: the limit is {verdict.limit}. "
        f"Try again in {verdict.retry_after} seconds.",
        headers={"Retry-After": str(verdict.retry_after)},
    )


def _unavailable(exc: CacheUnavailableError) -> HTTPException:
    logger.error("Login refused: the login throttle cannot count (%s).", exc)
    return HTTPException(503, LOGIN_UNAVAILABLE, headers={"Retry-After": "5"})


class LoginAttempt:
    """A reserved attempt; :meth:`succeeded` gives it back."""

    def __init__(self, throttle: Throttle | None, identities: list[str]) -> None:
        self.throttle = throttle
        self.identities = identities

    async def succeeded(self) -> None:
        """Give the reserved attempt back: a successful login does not count."""
        if self.throttle is None:
            return
        for identity in self.identities:
            try:
                await self.throttle.refund(identity)
            except CacheUnavailableError as exc:
                logger.warning("Login throttle could not give an attempt back: %s", exc)


class LoginThrottle:
    """Count login attempts with the LOGIN_THROTTLE rate (see the module docstring)."""

    def __init__(self) -> None:
        self._throttles: dict[str, Throttle] = {}

    def throttle(self) -> Throttle | None:
        """Return the throttle for the current LOGIN_THROTTLE, or None when it is off."""
        from framework.conf import settings

        rate = str(settings.LOGIN_THROTTLE or "")
        if not rate:
            return None
        throttle = self._throttles.get(rate)
        if throttle is None:
            throttle = Throttle(rate, scope=_SCOPE, setting="LOGIN_THROTTLE")
            self._throttles = {rate: throttle}
        return throttle

    @staticmethod
    def identities(request: HTTPConnection, username: str) -> list[str]:
        """Return what is counted for a login of *username*: the client IP and the name."""
        return [f"ip:{client_ip(request)}", f"user:{username.strip().casefold()}"]

    async def reserve(self, request: HTTPConnection, username: str) -> LoginAttempt:
        """Count an attempt now (429 over the limit, 503 without the cache)."""
        throttle = self.throttle()
        if throttle is None:
            return LoginAttempt(None, [])
        identities = self.identities(request, username)
        try:
            verdicts = [await throttle.hit(identity) for identity in identities]
        except CacheUnavailableError as exc:
            raise _unavailable(exc) from None
        refused = [verdict for verdict in verdicts if not verdict.allowed]
        if refused:
            raise _refusal(max(refused, key=lambda verdict: verdict.retry_after))
        return LoginAttempt(throttle, identities)

    async def check(self, request: HTTPConnection, username: str) -> None:
        """Refuse (429/503) when *username* or the client is already over the limit."""
        throttle = self.throttle()
        if throttle is None:
            return
        try:
            for identity in self.identities(request, username):
                verdict = await throttle.test(identity)
                if not verdict.allowed:
                    raise _refusal(verdict)
        except CacheUnavailableError as exc:
            raise _unavailable(exc) from None

    async def failed(self, request: HTTPConnection, username: str) -> None:
        """Count a failed attempt of *username* from this client."""
        throttle = self.throttle()
        if throttle is None:
            return
        try:
            for identity in self.identities(request, username):
                await throttle.hit(identity)
        except CacheUnavailableError as exc:
            raise _unavailable(exc) from None


#: The project's login throttle (LOGIN_THROTTLE, RATELIMIT_CACHE).
login_throttle = LoginThrottle()
