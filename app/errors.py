"""Domain errors. They know nothing about HTTP; `app.api.problems` maps them at the edge."""

from __future__ import annotations


class DirsyncError(Exception):
    """Base of every domain error. ``slug`` names the problem type documented in docs/errors.md."""

    slug = "error"
    title = "Error"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class NotFound(DirsyncError):
    slug = "not-found"
    title = "Resource not found"


class TenantNotFound(NotFound):
    slug = "tenant-not-found"
    title = "Tenant not found"


class ApiKeyNotFound(NotFound):
    slug = "api-key-not-found"
    title = "API key not found"


class DirectoryNotFound(NotFound):
    slug = "directory-not-found"
    title = "Directory not found"


class UserNotFound(NotFound):
    slug = "user-not-found"
    title = "User not found"


class GroupNotFound(NotFound):
    slug = "group-not-found"
    title = "Group not found"


class EventNotFound(NotFound):
    slug = "event-not-found"
    title = "Event not found"


class Unauthenticated(DirsyncError):
    slug = "unauthenticated"
    title = "Missing or invalid credentials"


class Conflict(DirsyncError):
    slug = "conflict"
    title = "Conflict"


class UserNameTaken(Conflict):
    slug = "username-taken"
    title = "Username already exists in this directory"


class ExternalIdTaken(Conflict):
    slug = "external-id-taken"
    title = "Another resource in this directory has that external id"


class DirectoryInactive(Conflict):
    slug = "directory-inactive"
    title = "Directory is deleted or being deleted"


class InvalidRequest(DirsyncError):
    slug = "invalid-request"
    title = "Invalid request"


class UnknownMembers(InvalidRequest):
    slug = "unknown-members"
    title = "Membership refers to users that do not exist"


class BadCursor(InvalidRequest):
    slug = "bad-cursor"
    title = "Malformed or unknown cursor"


class MigrationError(DirsyncError):
    slug = "migration-error"
    title = "Migration error"


class Unavailable(DirsyncError):
    slug = "unavailable"
    title = "Temporarily unavailable"


class ProviderUnavailable(Unavailable):
    slug = "provider-unavailable"
    title = "The identity provider could not be reached; retry later"


class SigningSecretUnavailable(Unavailable):
    """A webhook endpoint's sealed secret does not open with the configured keys (an operator
    removed the key it was sealed with from ``DIRSYNC_CRYPTO_KEYS``)."""

    slug = "signing-secret-unavailable"
    title = "The endpoint's signing secret cannot be opened with this deployment's keys"


class WebhookEndpointNotFound(NotFound):
    slug = "webhook-endpoint-not-found"
    title = "Webhook endpoint not found"


class UnsafeWebhookUrl(InvalidRequest):
    slug = "unsafe-webhook-url"
    title = "The webhook URL is not an allowed destination"
