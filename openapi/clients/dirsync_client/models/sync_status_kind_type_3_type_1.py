from enum import StrEnum


class SyncStatusKindType3Type1(StrEnum):
    INITIAL = "initial"
    RECONCILE = "reconcile"

    def __str__(self) -> str:
        return str(self.value)
