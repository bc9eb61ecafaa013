from enum import StrEnum


class ReceiveGooglePushXGoogResourceState(StrEnum):
    ADD = "add"
    DELETE = "delete"
    MAKEADMIN = "makeAdmin"
    SYNC = "sync"
    UNDELETE = "undelete"
    UPDATE = "update"

    def __str__(self) -> str:
        return str(self.value)
