"""The SCIM PATCH engine (RFC 7644 §3.5.2): pure functions over a resource dict.

``parse_patch`` validates a PatchOp body (accepting Entra's capitalised ops); ``apply_operations``
returns a patched copy of a resource. Group membership operations never touch the resource:
``split_member_operations`` turns them into add / remove / replace steps of user ids, so a PATCH
adding thousands of members becomes one set-based store batch.
"""

from __future__ import annotations

import copy
import operator
from typing import Any, Literal

import msgspec

from app.scim import schema
from app.scim.errors import ScimError
from app.scim.filter import (
    And,
    AttrPath,
    Compare,
    FilterError,
    Node,
    Not,
    Or,
    PatchPath,
    ValuePath,
    parse_path,
)
from app.scim.mapping import member_ids

Op = Literal["add", "replace", "remove"]
MemberStep = tuple[Literal["add", "remove", "replace"], list[str]]
_MISSING = object()
_ORDER = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}


class PatchOperation(msgspec.Struct, frozen=True):
    op: Op
    path: PatchPath | None
    value: Any = None


def parse_patch(body: Any) -> list[PatchOperation]:
    if not isinstance(body, dict):
        raise ScimError(400, "a PATCH body must be a PatchOp object", "invalidSyntax")
    schemas = body.get("schemas")
    if schemas is not None and (
        not isinstance(schemas, list) or schema.PATCH_OP.lower() not in [str(s).lower() for s in schemas]
    ):
        raise ScimError(400, f"schemas must contain {schema.PATCH_OP}", "invalidSyntax")
    operations = next((v for k, v in body.items() if k.lower() == "operations"), None)
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "Operations must be a non-empty array", "invalidSyntax")
    return [_parse_operation(raw) for raw in operations]


def _parse_operation(raw: Any) -> PatchOperation:
    if not isinstance(raw, dict):
        raise ScimError(400, "each operation must be an object", "invalidSyntax")
    fields = {k.lower(): v for k, v in raw.items()}
    op = str(fields.get("op", "")).lower()  # Entra sends "Replace", "Add", "Remove"
    if op not in ("add", "replace", "remove"):
        raise ScimError(400, f"unknown op {fields.get('op')!r}", "invalidSyntax")
    path_text = fields.get("path")
    path = None
    if path_text is not None and path_text != "":
        if not isinstance(path_text, str):
            raise ScimError(400, "path must be a string", "invalidPath")
        try:
            path = parse_path(path_text)
        except FilterError as exc:
            raise ScimError(400, exc.detail, "invalidPath") from None
    value = fields.get("value", _MISSING)
    if op != "remove" and value is _MISSING:
        raise ScimError(400, f"{op} needs a value", "invalidValue")
    if op == "remove" and path is None:
        raise ScimError(400, "remove needs a path", "noTarget")
    if path is None and not isinstance(value, dict):
        raise ScimError(400, f"{op} without a path needs an object value", "invalidValue")
    return PatchOperation(op, path, None if value is _MISSING else value)  # type: ignore[arg-type]


# --- in-memory filter evaluation ------------------------------------------------------------


def _get(obj: Any, name: str) -> Any:
    if not isinstance(obj, dict):
        return None
    if name in obj:
        return obj[name]
    lowered = name.lower()
    return next((v for k, v in obj.items() if k.lower() == lowered), None)


def _key(obj: dict[str, Any], name: str) -> str:
    """The key ``name`` has in ``obj`` (attribute names are case-insensitive), or ``name``."""
    if name in obj:
        return name
    lowered = name.lower()
    return next((k for k in obj if k.lower() == lowered), name)


def _compare(actual: Any, op: str, expected: Any) -> bool:
    if op == "pr":
        return actual is not None and actual not in ("", [], {})
    if isinstance(actual, list):
        return any(_compare(a, op, expected) for a in actual)
    if isinstance(actual, str) and isinstance(expected, str):
        actual, expected = actual.lower(), expected.lower()
    elif isinstance(actual, str) and isinstance(expected, bool):
        actual = actual.lower() == "true"
    if op == "eq":
        return bool(actual == expected)
    if op == "ne":
        return bool(actual != expected)
    if actual is None or expected is None:
        return False
    if op in ("co", "sw", "ew"):
        if not isinstance(actual, str) or not isinstance(expected, str):
            return False
        if op == "co":
            return expected in actual
        return actual.startswith(expected) if op == "sw" else actual.endswith(expected)
    try:
        return bool(_ORDER[op](actual, expected))
    except TypeError:
        return False


def matches(node: Node, obj: Any) -> bool:
    """Evaluate a filter against one resource or one element of a multi-valued attribute."""
    if isinstance(node, And):
        return matches(node.left, obj) and matches(node.right, obj)
    if isinstance(node, Or):
        return matches(node.left, obj) or matches(node.right, obj)
    if isinstance(node, Not):
        return not matches(node.inner, obj)
    if isinstance(node, ValuePath):
        items = _get(_scope(obj, node.attr), node.attr.name)
        items = items if isinstance(items, list) else [items]
        return any(matches(node.filter, item) for item in items if isinstance(item, dict))
    assert isinstance(node, Compare)
    value = _get(_scope(obj, node.attr), node.attr.name)
    if node.attr.sub is not None:
        value = (
            [_get(v, node.attr.sub) for v in value] if isinstance(value, list) else _get(value, node.attr.sub)
        )
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        value = [_get(v, "value") for v in value]  # "emails eq x" compares each email's value
    return _compare(value, node.op, node.value)


def _scope(obj: Any, attr: AttrPath) -> Any:
    if attr.uri is None or attr.uri.lower() in schema.CORE_SCHEMAS:
        return obj
    return _get(obj, attr.uri)


def _equality_values(node: Node, attribute: str) -> dict[str, Any] | None:
    """``type eq "work" and primary eq true`` as ``{"type": "work", "primary": True}``, else None."""
    if isinstance(node, Compare) and node.op == "eq" and node.attr.sub is None and node.attr.uri is None:
        return {node.attr.name: node.value}
    if isinstance(node, And):
        left, right = _equality_values(node.left, attribute), _equality_values(node.right, attribute)
        return None if left is None or right is None else {**left, **right}
    return None


# --- applying operations --------------------------------------------------------------------


def _container(resource: dict[str, Any], attr: AttrPath, create: bool) -> tuple[dict[str, Any] | None, str]:
    """The dict holding ``attr`` and the attribute's name in it."""
    if attr.uri is None or attr.uri.lower() in schema.CORE_SCHEMAS:
        return resource, attr.name
    full = f"{attr.uri}:{attr.name}"
    if attr.sub is None and _is_extension(resource, full):
        return resource, full  # the path names the extension itself
    key = _key(resource, attr.uri)
    extension = resource.get(key)
    if not isinstance(extension, dict):
        if not create:
            return None, attr.name
        extension = resource[key] = {}
    return extension, attr.name


def _is_extension(resource: dict[str, Any], urn: str) -> bool:
    lowered = urn.lower()
    if not lowered.startswith("urn:"):
        return False
    return lowered == schema.ENTERPRISE_SCHEMA.lower() or any(k.lower() == lowered for k in resource)


def _merge_primary(items: list[Any], added: list[Any]) -> None:
    if any(isinstance(a, dict) and a.get("primary") is True for a in added):
        for item in items:
            if isinstance(item, dict) and item not in added and item.get("primary") is True:
                item["primary"] = False  # RFC 7643 §2.4: at most one primary value


def _add(obj: dict[str, Any], name: str, value: Any, op: Op) -> None:
    key = _key(obj, name)
    existing = obj.get(key)
    if isinstance(existing, list) and op == "add":
        items = value if isinstance(value, list) else [value]
        new = [item for item in items if item not in existing]
        existing.extend(new)
        _merge_primary(existing, new)
    elif isinstance(existing, dict) and isinstance(value, dict):
        existing.update({_key(existing, k): v for k, v in value.items()})
    else:
        obj[key] = value
        if isinstance(value, list):
            _merge_primary(value, [v for v in value if isinstance(v, dict) and v.get("primary") is True][:1])


def _remove(obj: dict[str, Any], name: str, value: Any) -> None:
    key = _key(obj, name)
    existing = obj.get(key)
    if isinstance(existing, list) and isinstance(value, list) and value:
        # Entra removes members as path "members" plus a value array.
        drop = {str(_get(v, "value") if isinstance(v, dict) else v).lower() for v in value}
        obj[key] = [
            item
            for item in existing
            if str(_get(item, "value") if isinstance(item, dict) else item).lower() not in drop
        ]
    else:
        obj.pop(key, None)


def _apply_plain(resource: dict[str, Any], op: Op, path: PatchPath, value: Any) -> None:
    attr = path.attr
    container, name = _container(resource, attr, create=op != "remove")
    if container is None:
        return
    if attr.sub is None:
        if op == "remove":
            _remove(container, name, value)
        else:
            _add(container, name, value, op)
        return
    key = _key(container, name)
    parent = container.get(key)
    if parent is None:
        if op == "remove":
            return
        parent = container[key] = {}
    targets = parent if isinstance(parent, list) else [parent]
    for target in targets:
        if not isinstance(target, dict):
            raise ScimError(400, f"{attr.name} has no sub-attributes", "invalidPath")
        if op == "remove":
            target.pop(_key(target, attr.sub), None)
        else:
            _add(target, attr.sub, value, op)


def _apply_filtered(resource: dict[str, Any], op: Op, path: PatchPath, value: Any) -> None:
    assert path.filter is not None
    container, name = _container(resource, path.attr, create=op != "remove")
    if container is None:
        return
    key = _key(container, name)
    items = container.get(key)
    if items is None:
        items = []
    if not isinstance(items, list):
        raise ScimError(400, f"{path.attr} is not multi-valued", "invalidPath")
    hits = [item for item in items if isinstance(item, dict) and matches(path.filter, item)]
    if not hits:
        if op != "remove":  # removing what is absent is idempotent
            container[key] = items
            _add_element(items, path, name, value)
        return
    for item in hits:
        _patch_element(items, item, op, path, value)
    _merge_primary(items, hits)


def _add_element(items: list[Any], path: PatchPath, name: str, value: Any) -> None:
    assert path.filter is not None
    seed = _equality_values(path.filter, name)
    if seed is None:
        raise ScimError(400, f"no value of {path.attr} matches the filter", "noTarget")
    # Entra replaces emails[type eq "work"].value on users that have no work email yet.
    element = dict(seed)
    if path.sub is not None:
        element[path.sub] = value
    elif isinstance(value, dict):
        element.update(value)
    items.append(element)
    _merge_primary(items, [element])


def _patch_element(items: list[Any], item: dict[str, Any], op: Op, path: PatchPath, value: Any) -> None:
    if op == "remove":
        if path.sub is None:
            items.remove(item)
        else:
            item.pop(_key(item, path.sub), None)
    elif path.sub is not None:
        item[_key(item, path.sub)] = value
    elif isinstance(value, dict):
        if op == "replace":
            item.clear()
        item.update(value)
    else:
        raise ScimError(400, f"{op} on {path} needs an object value", "invalidValue")


def _check_mutable(resource: dict[str, Any], path: PatchPath, value: Any) -> bool:
    """False when the operation must be skipped; raises for a real attempt to change ``id``."""
    name = path.attr.name.lower()
    if path.attr.uri is None and name in ("id", "meta", "schemas", "groups"):
        if name == "id" and value not in (None, resource.get("id")):
            raise ScimError(400, "id is read-only", "mutability")
        return False
    return True


def _apply_no_path(resource: dict[str, Any], op: Op, value: dict[str, Any]) -> None:
    for key, item in value.items():
        try:
            path = parse_path(key)
        except FilterError:
            raise ScimError(400, f"value key {key[:100]!r} is not an attribute", "invalidPath") from None
        if path.filter is None and path.attr.sub is None and _is_extension(resource, str(path.attr)):
            if not isinstance(item, dict):
                raise ScimError(400, f"{key} must be an object", "invalidValue")
            extension = resource.setdefault(_key(resource, key), {})
            for sub_key, sub_value in item.items():
                _add(extension, sub_key, sub_value, op)
            continue
        apply_operation(resource, PatchOperation(op, path, item))


def apply_operation(resource: dict[str, Any], operation: PatchOperation) -> None:
    if operation.path is None:
        assert isinstance(operation.value, dict)
        _apply_no_path(resource, operation.op, operation.value)
        return
    if not _check_mutable(resource, operation.path, operation.value):
        return
    if operation.path.filter is None:
        _apply_plain(resource, operation.op, operation.path, operation.value)
    else:
        _apply_filtered(resource, operation.op, operation.path, operation.value)


def apply_operations(resource: dict[str, Any], operations: list[PatchOperation]) -> dict[str, Any]:
    """A patched deep copy of ``resource`` (all operations apply, or an error is raised)."""
    patched = copy.deepcopy(resource)
    for operation in operations:
        apply_operation(patched, operation)
    return patched


# --- group membership -----------------------------------------------------------------------


def _is_members(attr: AttrPath) -> bool:
    return attr.name.lower() == "members" and (attr.uri is None or attr.uri.lower() in schema.CORE_SCHEMAS)


def _ids_in_filter(node: Node) -> list[str]:
    """``value eq "a" or value eq "b"`` as ``["a", "b"]``; anything else is unsupported here."""
    if isinstance(node, Or):
        return _ids_in_filter(node.left) + _ids_in_filter(node.right)
    if (
        isinstance(node, Compare)
        and node.op == "eq"
        and node.attr.name.lower() == "value"
        and node.attr.sub is None
        and isinstance(node.value, str)
    ):
        return [node.value]
    raise ScimError(
        400, 'members can only be selected by value eq "<id>" (or several joined by or)', "invalidFilter"
    )


def _member_step(op: Op, path: PatchPath, value: Any) -> MemberStep:
    if path.attr.sub is not None or path.sub is not None:
        raise ScimError(400, "members sub-attributes cannot be patched", "invalidPath")
    if path.filter is not None:
        if op != "remove":
            raise ScimError(400, f"{op} on a filtered members path is not supported", "invalidPath")
        return ("remove", _ids_in_filter(path.filter))
    if op == "remove":
        return ("remove", member_ids(value)) if value else ("replace", [])
    return (op, member_ids(value))


def split_member_operations(
    operations: list[PatchOperation],
) -> tuple[list[PatchOperation], list[MemberStep]]:
    """Separate membership changes (in request order) from the rest of a Group PATCH."""
    rest: list[PatchOperation] = []
    steps: list[MemberStep] = []
    for operation in operations:
        if operation.path is None:
            assert isinstance(operation.value, dict)
            others = {}
            for key, value in operation.value.items():
                if key.lower() == "members":
                    steps.append(_member_step(operation.op, PatchPath(AttrPath("members")), value))
                else:
                    others[key] = value
            if others:
                rest.append(PatchOperation(operation.op, None, others))
        elif _is_members(operation.path.attr):
            steps.append(_member_step(operation.op, operation.path, operation.value))
        else:
            rest.append(operation)
    return rest, steps
