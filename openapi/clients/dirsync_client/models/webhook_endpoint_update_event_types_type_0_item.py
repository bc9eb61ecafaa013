from enum import StrEnum


class WebhookEndpointUpdateEventTypesType0Item(StrEnum):
    DIRECTORY_ACTIVATED = "directory.activated"
    DIRECTORY_DELETED = "directory.deleted"
    GROUP_CREATED = "group.created"
    GROUP_DELETED = "group.deleted"
    GROUP_UPDATED = "group.updated"
    GROUP_USER_ADDED = "group.user_added"
    GROUP_USER_REMOVED = "group.user_removed"
    USER_CREATED = "user.created"
    USER_DELETED = "user.deleted"
    USER_UPDATED = "user.updated"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"
    WEBHOOK_ENDPOINT_EVENT_FAILED = "webhook_endpoint.event_failed"

    def __str__(self) -> str:
        return str(self.value)
