from enum import StrEnum


class SyncStatusPhase(StrEnum):
    FAILED = "failed"
    GROUPS = "groups"
    IDLE = "idle"
    PENDING = "pending"
    USERS = "users"

    def __str__(self) -> str:
        return str(self.value)
