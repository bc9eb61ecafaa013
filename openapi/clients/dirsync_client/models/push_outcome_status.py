from enum import StrEnum


class PushOutcomeStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    SYNC = "sync"

    def __str__(self) -> str:
        return str(self.value)
