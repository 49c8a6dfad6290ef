"""The OpenAPI document lists every endpoint; the docs page works offline."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import API

pytestmark = pytest.mark.django_db

EXPECTED = {
    "/api/v1/checks": {"post"},
    "/api/v1/profiles": {"get"},
    "/api/v1/profiles/{profile_id}": {"get"},
    "/api/v1/jurisdictions": {"get"},
    "/api/v1/jurisdictions/{code}": {"get"},
    "/api/v1/proposals": {"get", "post"},
    "/api/v1/proposals/{proposal_id}": {"get"},
    "/api/v1/proposals/{proposal_id}/document": {"get"},
    "/api/v1/tokens": {"get", "post"},
    "/api/v1/tokens/{token_id}": {"delete"},
}


@pytest.fixture
def openapi(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_lists_the_endpoints(openapi):
    assert openapi["openapi"].startswith("3.")
    assert openapi["info"]["title"] == "联盟管理平台 API"
    paths = {path: set(ops) for path, ops in openapi["paths"].items()}
    for path, methods in EXPECTED.items():
        assert methods <= paths.get(path, set()), path


def test_openapi_describes_auth_and_the_interchange_body(openapi):
    schemes = openapi["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    body = openapi["paths"]["/api/v1/checks"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    name = ref.rsplit("/", 1)[-1]
    proposal = openapi["components"]["schemas"][name]
    assert {"format_version", "profile", "members"} <= set(proposal["required"])
    # every reference inside the document resolves
    text = str(openapi)
    for target in set(re.findall(r"#/components/schemas/([\w.\-]+)", text)):
        assert target in openapi["components"]["schemas"], target
    assert "$defs" not in text


def test_public_operations_need_no_auth_and_the_others_do(openapi):
    paths = openapi["paths"]
    assert "security" not in paths["/api/v1/checks"]["post"]
    assert "security" not in paths["/api/v1/jurisdictions"]["get"]
    assert paths["/api/v1/proposals"]["get"]["security"]
    assert paths["/api/v1/tokens"]["post"]["security"] == [{"SessionAuth": []}]


def test_errors_are_documented_with_the_error_shape(openapi):
    responses = openapi["paths"]["/api/v1/proposals/{proposal_id}"]["get"]["responses"]
    schema = responses["404"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/ErrorOut")
    error = openapi["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"code", "message", "details"}


def test_docs_page_uses_only_local_assets(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html), "external asset in docs page"
    # no URL anywhere in the page names a CDN host (the CSRF token may contain "cdn" by chance)
    urls = re.findall(r"(?:https?:)?//[\w.-]+", html)
    assert not [u for u in urls if "cdn" in u.lower() or "jsdelivr" in u.lower()], urls
    assert '"validatorUrl": null' in html  # Swagger UI must not call validator.swagger.io


def test_docs_assets_are_served(client):
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"):
        response = client.get(f"/static/ninja/{asset}")
        assert response.status_code == 200, asset


def test_no_operation_lists_a_status_twice(client):
    """The Swagger page refuses a document whose responses repeat a status ("duplicated
    mapping key"): read the served text itself, where 404 and "404" would both appear."""
    import json

    text = client.get(f"{API}/openapi.json").content.decode()

    def no_repeats(pairs):
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), f"repeated keys: {sorted(keys)}"
        return dict(pairs)

    json.loads(text, object_pairs_hook=no_repeats)


def test_no_two_api_schemas_share_a_name():
    """The OpenAPI document keys its components by class name: two schemas of one name
    silently become one, and one operation's responses are then checked against the other's."""
    import importlib
    import pkgutil

    from ninja import Schema

    import lianmeng.api

    seen: dict[str, str] = {}
    clashes = []
    for info in pkgutil.iter_modules(lianmeng.api.__path__):
        module = importlib.import_module(f"lianmeng.api.{info.name}")
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                if name in seen and seen[name] != module.__name__:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen.setdefault(name, module.__name__)
    assert not clashes, clashes
