"""Google Workspace adapter: Directory API pulls, users.watch pushes, normalized changes out.

Raw input in, normalized changes out: nothing here touches the database; ``app.services.google``
applies the batches through the directory store.
"""

from providers.google._client import (
    DEFAULT_API_BASE_URL,
    Channel,
    DirectoryClient,
    RetryPolicy,
    api_error,
    parse_retry_after,
)
from providers.google._credentials import (
    DEFAULT_TOKEN_URI,
    JWT_BEARER_GRANT,
    SCOPES,
    GoogleCredentials,
    ServiceAccountKey,
    build_assertion,
    parse_credentials,
)
from providers.google._errors import (
    GoogleApiError,
    GoogleAuthError,
    GoogleConfigError,
    GoogleError,
    GoogleNotFound,
)
from providers.google._mapping import group_to_upsert, members_to_replace, user_state, user_to_upsert
from providers.google._push import (
    USER_EVENTS,
    InvalidNotification,
    PushNotification,
    changes_for_notification,
    channel_token_matches,
    hash_channel_token,
    parse_notification,
)
from providers.google._sync import iter_group_batches, iter_user_batches, removal_batches
from providers.google._token import TokenCache, fetch_token

__all__ = [
    "DEFAULT_API_BASE_URL",
    "DEFAULT_TOKEN_URI",
    "JWT_BEARER_GRANT",
    "SCOPES",
    "USER_EVENTS",
    "Channel",
    "DirectoryClient",
    "GoogleApiError",
    "GoogleAuthError",
    "GoogleConfigError",
    "GoogleCredentials",
    "GoogleError",
    "GoogleNotFound",
    "InvalidNotification",
    "PushNotification",
    "RetryPolicy",
    "ServiceAccountKey",
    "TokenCache",
    "api_error",
    "build_assertion",
    "changes_for_notification",
    "channel_token_matches",
    "fetch_token",
    "group_to_upsert",
    "hash_channel_token",
    "iter_group_batches",
    "iter_user_batches",
    "members_to_replace",
    "parse_credentials",
    "parse_notification",
    "parse_retry_after",
    "removal_batches",
    "user_state",
    "user_to_upsert",
]
