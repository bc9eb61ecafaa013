"""Contains all the data models used in inputs/outputs"""

from .api_key import ApiKey
from .api_key_create import ApiKeyCreate
from .api_key_with_secret import ApiKeyWithSecret
from .field_error import FieldError
from .health import Health
from .health_checks import HealthChecks
from .page_api_key import PageApiKey
from .page_tenant import PageTenant
from .problem import Problem
from .push_outcome import PushOutcome
from .push_outcome_status import PushOutcomeStatus
from .receive_google_push_x_goog_resource_state import ReceiveGooglePushXGoogResourceState
from .sync_status import SyncStatus
from .sync_status_counts import SyncStatusCounts
from .sync_status_kind_type_1 import SyncStatusKindType1
from .sync_status_kind_type_2_type_1 import SyncStatusKindType2Type1
from .sync_status_kind_type_3_type_1 import SyncStatusKindType3Type1
from .sync_status_phase import SyncStatusPhase
from .tenant import Tenant
from .tenant_create import TenantCreate
from .tenant_created import TenantCreated

__all__ = (
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyWithSecret",
    "FieldError",
    "Health",
    "HealthChecks",
    "PageApiKey",
    "PageTenant",
    "Problem",
    "PushOutcome",
    "PushOutcomeStatus",
    "ReceiveGooglePushXGoogResourceState",
    "SyncStatus",
    "SyncStatusCounts",
    "SyncStatusKindType1",
    "SyncStatusKindType2Type1",
    "SyncStatusKindType3Type1",
    "SyncStatusPhase",
    "Tenant",
    "TenantCreate",
    "TenantCreated",
)
