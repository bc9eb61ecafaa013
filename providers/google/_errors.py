"""Errors the Google adapter raises; the service maps them onto the directory's sync state."""

from __future__ import annotations


class GoogleError(Exception):
    """Base of the adapter's errors."""


class GoogleConfigError(GoogleError):
    """Credentials or settings are unusable; retrying will not help until an admin fixes them."""


class GoogleAuthError(GoogleError):
    """The token endpoint refused the grant (bad key, delegation not granted, wrong admin)."""


class GoogleApiError(GoogleError):
    """The Directory API answered with an error (after retries for 429/5xx)."""

    def __init__(self, status: int, message: str, reason: str | None = None) -> None:
        super().__init__(f"Google API {status}: {message}")
        self.status = status
        self.message = message
        self.reason = reason

    @property
    def retryable(self) -> bool:
        return self.status == 429 or self.status >= 500 or self.reason in RATE_LIMIT_REASONS


class GoogleNotFound(GoogleApiError):
    """404: the user or group does not exist (deleted users answer 404 on users.get)."""


RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"})
