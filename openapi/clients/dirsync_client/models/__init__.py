"""Contains all the data models used in inputs/outputs"""

from .api_key import ApiKey
from .api_key_create import ApiKeyCreate
from .api_key_with_secret import ApiKeyWithSecret
from .delivery_attempt import DeliveryAttempt
from .delivery_attempt_request_headers import DeliveryAttemptRequestHeaders
from .field_error import FieldError
from .health import Health
from .health_checks import HealthChecks
from .page_api_key import PageApiKey
from .page_delivery_attempt import PageDeliveryAttempt
from .page_tenant import PageTenant
from .page_webhook_endpoint import PageWebhookEndpoint
from .problem import Problem
from .replay_event import ReplayEvent
from .replay_failed import ReplayFailed
from .replay_lane import ReplayLane
from .replay_queued import ReplayQueued
from .replay_range import ReplayRange
from .replay_time import ReplayTime
from .tenant import Tenant
from .tenant_create import TenantCreate
from .tenant_created import TenantCreated
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_create import WebhookEndpointCreate
from .webhook_endpoint_create_event_types_type_0_item import WebhookEndpointCreateEventTypesType0Item
from .webhook_endpoint_secret import WebhookEndpointSecret
from .webhook_endpoint_update import WebhookEndpointUpdate
from .webhook_endpoint_update_event_types_type_0_item import WebhookEndpointUpdateEventTypesType0Item

__all__ = (
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyWithSecret",
    "DeliveryAttempt",
    "DeliveryAttemptRequestHeaders",
    "FieldError",
    "Health",
    "HealthChecks",
    "PageApiKey",
    "PageDeliveryAttempt",
    "PageTenant",
    "PageWebhookEndpoint",
    "Problem",
    "ReplayEvent",
    "ReplayFailed",
    "ReplayLane",
    "ReplayQueued",
    "ReplayRange",
    "ReplayTime",
    "Tenant",
    "TenantCreate",
    "TenantCreated",
    "WebhookEndpoint",
    "WebhookEndpointCreate",
    "WebhookEndpointCreateEventTypesType0Item",
    "WebhookEndpointSecret",
    "WebhookEndpointUpdate",
    "WebhookEndpointUpdateEventTypesType0Item",
)
