from enum import StrEnum


class DirectoryCreateProvider(StrEnum):
    ENTRA = "entra"
    GOOGLE = "google"
    OKTA = "okta"
    SCIM = "scim"

    def __str__(self) -> str:
        return str(self.value)
