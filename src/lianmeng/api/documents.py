"""The interchange document (``proposal.schema.json`` version 1) as a request body.

The check and import endpoints read the body themselves instead of through a ninja schema, so
that an invalid document is reported exactly as ``lianmeng check`` reports it: one JSON path
and what is wrong there (``$.members[3].uscc: …``). The OpenAPI document still describes the
body, with the interchange format's own JSON Schema.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from lianmeng.policy.interchange import (
    InterchangeError,
    loads_json,
    parse_proposal,
    proposal_json_schema,
)

from .errors import InvalidProposal

SCHEMA_PREFIX = "Interchange"
SCHEMA_NAME = f"{SCHEMA_PREFIX}Proposal"
_REF = {"$ref": f"#/components/schemas/{SCHEMA_NAME}"}

INTERCHANGE_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "description": "联盟构建申报交换格式（第 1 版），与 `lianmeng check` 读取的文件相同",
    "content": {"application/json": {"schema": _REF}},
}
INTERCHANGE_RESPONSE: dict[str, Any] = {
    "description": "联盟构建申报交换格式（第 1 版）",
    "content": {"application/json": {"schema": _REF}},
}


def read_document(request: HttpRequest) -> dict[str, Any]:
    """The body as a validated interchange document (the decoded JSON object, unchanged)."""
    try:
        if not request.body:
            raise InterchangeError("$", "请求体为空，请提交 JSON 格式的申报文件")
        try:
            text = request.body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InterchangeError("$", f"请求体不是 UTF-8 编码（第 {exc.start} 字节）") from None
        data = loads_json(text)
        parse_proposal(data)
    except InterchangeError as exc:
        raise InvalidProposal.from_interchange(exc) from None
    return cast(dict[str, Any], data)  # parse_proposal refused anything but an object


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/$defs/", f"#/components/schemas/{SCHEMA_PREFIX}")
                if key == "$ref" and isinstance(value, str)
                else _rewrite_refs(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


def interchange_components() -> dict[str, Any]:
    """The interchange schema and its definitions as OpenAPI components."""
    schema = _rewrite_refs(proposal_json_schema())
    definitions = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    components = {f"{SCHEMA_PREFIX}{name}": value for name, value in definitions.items()}
    components[SCHEMA_NAME] = schema
    return components
