"""Contains all the data models used in inputs/outputs"""

from .api_key import ApiKey
from .api_key_create import ApiKeyCreate
from .api_key_with_secret import ApiKeyWithSecret
from .field_error import FieldError
from .health import Health
from .health_checks import HealthChecks
from .page_api_key import PageApiKey
from .page_scim_request import PageScimRequest
from .page_tenant import PageTenant
from .problem import Problem
from .scim_create_group_body import ScimCreateGroupBody
from .scim_create_user_body import ScimCreateUserBody
from .scim_error_body import ScimErrorBody
from .scim_patch_group_body import ScimPatchGroupBody
from .scim_patch_user_body import ScimPatchUserBody
from .scim_replace_group_body import ScimReplaceGroupBody
from .scim_replace_user_body import ScimReplaceUserBody
from .scim_request import ScimRequest
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
    "PageScimRequest",
    "PageTenant",
    "Problem",
    "ScimCreateGroupBody",
    "ScimCreateUserBody",
    "ScimErrorBody",
    "ScimPatchGroupBody",
    "ScimPatchUserBody",
    "ScimReplaceGroupBody",
    "ScimReplaceUserBody",
    "ScimRequest",
    "Tenant",
    "TenantCreate",
    "TenantCreated",
)
