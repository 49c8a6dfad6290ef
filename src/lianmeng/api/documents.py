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
#: a proposal's stored document: a draft opened online has no name or domain yet
DRAFT_SCHEMA_NAME = f"{SCHEMA_NAME}Draft"
#: what a draft always has; a submitted proposal's document has every field of the format
DRAFT_REQUIRED = ["format_version", "profile"]
INTERCHANGE_RESPONSE: dict[str, Any] = {
    "description": "联盟构建申报交换格式（第 1 版）。已提交的申报是完整的文件；"
    "草稿只含已填写的部分（可能缺少 name、domain 等）",
    "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{DRAFT_SCHEMA_NAME}"}}
    },
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
    components[DRAFT_SCHEMA_NAME] = {
        **schema,
        "title": "InterchangeProposalDraft",
        "description": "申报中保存的交换格式文件；草稿可能尚不完整（只要求 format_version 和 profile）",
        "required": [key for key in schema.get("required", []) if key in DRAFT_REQUIRED],
    }
    return components
