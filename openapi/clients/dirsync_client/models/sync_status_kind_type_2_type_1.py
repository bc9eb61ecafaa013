from enum import StrEnum


class SyncStatusKindType2Type1(StrEnum):
    INITIAL = "initial"
    RECONCILE = "reconcile"

    def __str__(self) -> str:
        return str(self.value)
