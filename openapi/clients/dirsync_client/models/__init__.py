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
    "Tenant",
    "TenantCreate",
    "TenantCreated",
)
