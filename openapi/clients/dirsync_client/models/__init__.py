"""Contains all the data models used in inputs/outputs"""

from .api_key import ApiKey
from .api_key_create import ApiKeyCreate
from .api_key_with_secret import ApiKeyWithSecret
from .delivery_attempt import DeliveryAttempt
from .delivery_attempt_request_headers import DeliveryAttemptRequestHeaders
from .directory_activated import DirectoryActivated
from .directory_activated_previous_attributes_type_0 import DirectoryActivatedPreviousAttributesType0
from .directory_create import DirectoryCreate
from .directory_create_attribute_mappings import DirectoryCreateAttributeMappings
from .directory_create_credentials_type_0 import DirectoryCreateCredentialsType0
from .directory_create_provider import DirectoryCreateProvider
from .directory_create_role_mappings import DirectoryCreateRoleMappings
from .directory_create_settings import DirectoryCreateSettings
from .directory_deleted import DirectoryDeleted
from .directory_deleted_previous_attributes_type_0 import DirectoryDeletedPreviousAttributesType0
from .directory_group import DirectoryGroup
from .directory_group_raw_attributes import DirectoryGroupRawAttributes
from .directory_out import DirectoryOut
from .directory_out_attribute_mappings import DirectoryOutAttributeMappings
from .directory_out_role_mappings import DirectoryOutRoleMappings
from .directory_out_settings import DirectoryOutSettings
from .directory_summary import DirectorySummary
from .directory_update import DirectoryUpdate
from .directory_update_attribute_mappings_type_0 import DirectoryUpdateAttributeMappingsType0
from .directory_update_credentials_type_0 import DirectoryUpdateCredentialsType0
from .directory_update_role_mappings_type_0 import DirectoryUpdateRoleMappingsType0
from .directory_update_settings_type_0 import DirectoryUpdateSettingsType0
from .directory_user import DirectoryUser
from .directory_user_custom_attributes import DirectoryUserCustomAttributes
from .directory_user_raw_attributes import DirectoryUserRawAttributes
from .directory_user_state import DirectoryUserState
from .directory_with_token import DirectoryWithToken
from .directory_with_token_attribute_mappings import DirectoryWithTokenAttributeMappings
from .directory_with_token_role_mappings import DirectoryWithTokenRoleMappings
from .directory_with_token_settings import DirectoryWithTokenSettings
from .email import Email
from .event_list import EventList
from .failed_delivery import FailedDelivery
from .field_error import FieldError
from .group_created import GroupCreated
from .group_created_previous_attributes_type_0 import GroupCreatedPreviousAttributesType0
from .group_deleted import GroupDeleted
from .group_deleted_previous_attributes_type_0 import GroupDeletedPreviousAttributesType0
from .group_membership import GroupMembership
from .group_summary import GroupSummary
from .group_updated import GroupUpdated
from .group_updated_previous_attributes import GroupUpdatedPreviousAttributes
from .group_user_added import GroupUserAdded
from .group_user_added_previous_attributes_type_0 import GroupUserAddedPreviousAttributesType0
from .group_user_removed import GroupUserRemoved
from .group_user_removed_previous_attributes_type_0 import GroupUserRemovedPreviousAttributesType0
from .health import Health
from .health_checks import HealthChecks
from .list_directory_users_state_type_1 import ListDirectoryUsersStateType1
from .list_directory_users_state_type_2_type_1 import ListDirectoryUsersStateType2Type1
from .list_directory_users_state_type_3_type_1 import ListDirectoryUsersStateType3Type1
from .page_api_key import PageApiKey
from .page_delivery_attempt import PageDeliveryAttempt
from .page_directory_group import PageDirectoryGroup
from .page_directory_out import PageDirectoryOut
from .page_directory_user import PageDirectoryUser
from .page_scim_request import PageScimRequest
from .page_tenant import PageTenant
from .page_webhook_endpoint import PageWebhookEndpoint
from .problem import Problem
from .push_outcome import PushOutcome
from .push_outcome_status import PushOutcomeStatus
from .receive_google_push_x_goog_resource_state import ReceiveGooglePushXGoogResourceState
from .replay_event import ReplayEvent
from .replay_failed import ReplayFailed
from .replay_lane import ReplayLane
from .replay_queued import ReplayQueued
from .replay_range import ReplayRange
from .replay_time import ReplayTime
from .scim_create_group_body import ScimCreateGroupBody
from .scim_create_user_body import ScimCreateUserBody
from .scim_error_body import ScimErrorBody
from .scim_patch_group_body import ScimPatchGroupBody
from .scim_patch_user_body import ScimPatchUserBody
from .scim_replace_group_body import ScimReplaceGroupBody
from .scim_replace_user_body import ScimReplaceUserBody
from .scim_request import ScimRequest
from .scim_search_groups_body import ScimSearchGroupsBody
from .scim_search_users_body import ScimSearchUsersBody
from .sync_status import SyncStatus
from .sync_status_counts import SyncStatusCounts
from .sync_status_kind_type_1 import SyncStatusKindType1
from .sync_status_kind_type_2_type_1 import SyncStatusKindType2Type1
from .sync_status_kind_type_3_type_1 import SyncStatusKindType3Type1
from .sync_status_phase import SyncStatusPhase
from .tenant import Tenant
from .tenant_create import TenantCreate
from .tenant_created import TenantCreated
from .user_created import UserCreated
from .user_created_previous_attributes_type_0 import UserCreatedPreviousAttributesType0
from .user_deleted import UserDeleted
from .user_deleted_previous_attributes_type_0 import UserDeletedPreviousAttributesType0
from .user_updated import UserUpdated
from .user_updated_previous_attributes import UserUpdatedPreviousAttributes
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_create import WebhookEndpointCreate
from .webhook_endpoint_create_event_types_type_0_item import WebhookEndpointCreateEventTypesType0Item
from .webhook_endpoint_disabled import WebhookEndpointDisabled
from .webhook_endpoint_event_failed import WebhookEndpointEventFailed
from .webhook_endpoint_secret import WebhookEndpointSecret
from .webhook_endpoint_summary import WebhookEndpointSummary
from .webhook_endpoint_update import WebhookEndpointUpdate
from .webhook_endpoint_update_event_types_type_0_item import WebhookEndpointUpdateEventTypesType0Item

__all__ = (
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyWithSecret",
    "DeliveryAttempt",
    "DeliveryAttemptRequestHeaders",
    "DirectoryActivated",
    "DirectoryActivatedPreviousAttributesType0",
    "DirectoryCreate",
    "DirectoryCreateAttributeMappings",
    "DirectoryCreateCredentialsType0",
    "DirectoryCreateProvider",
    "DirectoryCreateRoleMappings",
    "DirectoryCreateSettings",
    "DirectoryDeleted",
    "DirectoryDeletedPreviousAttributesType0",
    "DirectoryGroup",
    "DirectoryGroupRawAttributes",
    "DirectoryOut",
    "DirectoryOutAttributeMappings",
    "DirectoryOutRoleMappings",
    "DirectoryOutSettings",
    "DirectorySummary",
    "DirectoryUpdate",
    "DirectoryUpdateAttributeMappingsType0",
    "DirectoryUpdateCredentialsType0",
    "DirectoryUpdateRoleMappingsType0",
    "DirectoryUpdateSettingsType0",
    "DirectoryUser",
    "DirectoryUserCustomAttributes",
    "DirectoryUserRawAttributes",
    "DirectoryUserState",
    "DirectoryWithToken",
    "DirectoryWithTokenAttributeMappings",
    "DirectoryWithTokenRoleMappings",
    "DirectoryWithTokenSettings",
    "Email",
    "EventList",
    "FailedDelivery",
    "FieldError",
    "GroupCreated",
    "GroupCreatedPreviousAttributesType0",
    "GroupDeleted",
    "GroupDeletedPreviousAttributesType0",
    "GroupMembership",
    "GroupSummary",
    "GroupUpdated",
    "GroupUpdatedPreviousAttributes",
    "GroupUserAdded",
    "GroupUserAddedPreviousAttributesType0",
    "GroupUserRemoved",
    "GroupUserRemovedPreviousAttributesType0",
    "Health",
    "HealthChecks",
    "ListDirectoryUsersStateType1",
    "ListDirectoryUsersStateType2Type1",
    "ListDirectoryUsersStateType3Type1",
    "PageApiKey",
    "PageDeliveryAttempt",
    "PageDirectoryGroup",
    "PageDirectoryOut",
    "PageDirectoryUser",
    "PageScimRequest",
    "PageTenant",
    "PageWebhookEndpoint",
    "Problem",
    "PushOutcome",
    "PushOutcomeStatus",
    "ReceiveGooglePushXGoogResourceState",
    "ReplayEvent",
    "ReplayFailed",
    "ReplayLane",
    "ReplayQueued",
    "ReplayRange",
    "ReplayTime",
    "ScimCreateGroupBody",
    "ScimCreateUserBody",
    "ScimErrorBody",
    "ScimPatchGroupBody",
    "ScimPatchUserBody",
    "ScimReplaceGroupBody",
    "ScimReplaceUserBody",
    "ScimRequest",
    "ScimSearchGroupsBody",
    "ScimSearchUsersBody",
    "SyncStatus",
    "SyncStatusCounts",
    "SyncStatusKindType1",
    "SyncStatusKindType2Type1",
    "SyncStatusKindType3Type1",
    "SyncStatusPhase",
    "Tenant",
    "TenantCreate",
    "TenantCreated",
    "UserCreated",
    "UserCreatedPreviousAttributesType0",
    "UserDeleted",
    "UserDeletedPreviousAttributesType0",
    "UserUpdated",
    "UserUpdatedPreviousAttributes",
    "WebhookEndpoint",
    "WebhookEndpointCreate",
    "WebhookEndpointCreateEventTypesType0Item",
    "WebhookEndpointDisabled",
    "WebhookEndpointEventFailed",
    "WebhookEndpointSecret",
    "WebhookEndpointSummary",
    "WebhookEndpointUpdate",
    "WebhookEndpointUpdateEventTypesType0Item",
)
