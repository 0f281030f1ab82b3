"""The OpenAPI document tells the truth about errors: every operation lists the answers it really
gives, with our bodies (``{"detail"}``, and ``errors`` for a 422), never FastAPI's default 422.

Fast: the document of an app that is never started, and a few real answers through the ``api``
fixture to check that what the document shows is what the app sends.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from alex.api import openapi
from alex.app import create_app
from alex.settings import Settings
from tests.support.api import UNREACHABLE_DATABASE
from tests.support.harness import ApiHarness

REF = openapi.REF_PREFIX
METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    """The app, never started: the document needs no database."""
    return create_app(Settings(data_dir=tmp_path / "alex"), database_url=UNREACHABLE_DATABASE)


@pytest.fixture
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def schema_of(answer: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = answer["content"]["application/json"]["schema"]
    return schema


def validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema_rs.Validator:
    """A validator of ``schema`` whose ``$ref``s resolve in the document's components."""
    return jsonschema_rs.validator_for({**schema, "components": document["components"]})


def assert_valid(document: dict[str, Any], answer: dict[str, Any], body: Any) -> None:
    errors = [error.message for error in validator(document, schema_of(answer)).iter_errors(body)]
    assert not errors, (body, errors)


# --- the document ---------------------------------------------------------------------------------


def test_every_authenticated_operation_lists_its_errors_with_our_bodies(document: dict[str, Any]) -> None:
    # Authenticated = what FastAPI derives from get_claims' HTTPBearer dependency, independently of
    # the walk in alex.api.openapi.
    authenticated = [op for op in operations(document) if op[2].get("security")]
    assert len(authenticated) >= 20, [f"{m} {p}" for m, p, _ in authenticated]
    for method, path, operation in authenticated:
        responses = operation["responses"]
        where = f"{method} {path}"
        assert schema_of(responses["401"]) == {"$ref": REF + "ErrorBody"}, where
        assert responses["401"]["headers"]["WWW-Authenticate"]["required"] is True, where
        assert schema_of(responses["429"]) == {"$ref": REF + "ErrorBody"}, where
        assert {"Retry-After", "RateLimit", "RateLimit-Policy"} <= set(responses["429"]["headers"]), where
        assert schema_of(responses["503"]) == {"$ref": REF + "ErrorBody"}, where
        assert "Retry-After" in responses["503"]["headers"], where
        assert ("403" in responses) == (method != "GET"), where
        has_inputs = bool(operation.get("parameters")) or "requestBody" in operation
        assert ("422" in responses) == has_inputs, where
        if has_inputs:
            assert schema_of(responses["422"]) == {"$ref": REF + "ValidationErrorBody"}, where
        assert ("404" in responses) >= ("{" in path), where
        assert ("413" in responses) == ("requestBody" in operation), where
        assert ("400" in responses) == ("requestBody" in operation), where


def test_every_operation_can_be_refused_with_429(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        assert schema_of(operation["responses"]["429"]) == {"$ref": REF + "ErrorBody"}, f"{method} {path}"
    health = document["paths"]["/health"]["get"]["responses"]
    assert set(health) == {"200", "429"}, "health touches nothing that could be down"


def test_fastapi_default_validation_error_is_gone(document: dict[str, Any]) -> None:
    text = json.dumps(document)
    assert "HTTPValidationError" not in text
    assert f'"{REF}ValidationError"' not in text
    schemas = document["components"]["schemas"]
    assert "ValidationError" not in schemas
    assert {"ErrorBody", "ValidationErrorBody", "FieldError"} <= set(schemas)


def test_the_bearer_scheme_is_described(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"][openapi.SECURITY_SCHEME]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"
    assert scheme["bearerFormat"] == "JWT"


def test_a_route_keeps_the_description_it_gives_itself(app: FastAPI, document: dict[str, Any]) -> None:
    declared = 0
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not context.include_in_schema:
            continue
        for code, answer in route.responses.items():
            if "description" not in answer:
                continue
            for method in route.methods or ():
                documented = document["paths"][context.path_format][method.lower()]["responses"][str(code)]
                assert documented["description"] == answer["description"], (method, context.path_format)
                if int(code) >= 400 and "content" not in answer:
                    assert "application/json" in documented["content"], (method, context.path_format)
                declared += 1
    assert declared >= 3, "the routes with responses= of their own are not seen"


def test_route_specific_answers_name_real_operations(document: dict[str, Any]) -> None:
    known = {(method, path) for method, path, _ in operations(document)}
    for key in [*openapi.ROUTE_ERRORS, *openapi.ROUTE_BODIES]:
        assert key in known, f"{key} is no operation of the API: update alex.api.openapi"
    signup = document["paths"]["/api/auth/signup"]["post"]["responses"]
    assert signup["409"]["content"]["application/json"]["example"] == {
        "detail": "An account with this email already exists."
    }
    ready = document["paths"]["/ready"]["get"]["responses"]
    assert schema_of(ready["503"]) == {"$ref": REF + "Readiness"}
    assert "headers" not in ready["503"]


def test_every_example_fits_its_schema(document: dict[str, Any]) -> None:
    checked = 0
    for _, _, operation in operations(document):
        for answer in operation["responses"].values():
            media = answer.get("content", {}).get("application/json", {})
            if "example" in media:
                assert_valid(document, answer, media["example"])
                checked += 1
    assert checked > 100


def test_the_document_is_cached_until_the_routes_change(app: FastAPI) -> None:
    first = app.openapi()
    assert app.openapi() is first

    @app.get("/api/late/{thing_id}")
    async def late(thing_id: int) -> dict[str, int]:
        return {"thing": thing_id}

    later = app.openapi()
    assert later is not first
    responses = later["paths"]["/api/late/{thing_id}"]["get"]["responses"]
    assert {"404", "422", "429"} <= set(responses)
    assert "HTTPValidationError" not in json.dumps(later)


# --- what the app really answers ------------------------------------------------------------------


def documented(api: ApiHarness, method: str, path: str, status: int) -> dict[str, Any]:
    answer: dict[str, Any] = api.app.openapi()["paths"][path][method.lower()]["responses"][str(status)]
    return answer


async def test_a_real_422_is_what_the_document_shows(api: ApiHarness) -> None:
    response = await api.client.post("/api/accounts", json={"cash_balance": "lots"}, headers=api.auth("u1"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    answer = documented(api, "POST", "/api/accounts", 422)
    document = api.app.openapi()
    assert_valid(document, answer, body)
    example = answer["content"]["application/json"]["example"]
    assert set(example) == set(body)
    assert set(example["errors"][0]) == set(body["errors"][0])
    assert {error["field"] for error in body["errors"]} >= {"account_name"}


async def test_a_real_bad_parameter_422_is_what_the_document_shows(api: ApiHarness) -> None:
    response = await api.client.get("/api/jobs", params={"limit": "0"}, headers=api.auth("u1"))
    assert response.status_code == 422, response.text
    assert_valid(api.app.openapi(), documented(api, "GET", "/api/jobs", 422), response.json())


async def test_a_real_401_is_what_the_document_shows(api: ApiHarness) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = await api.client.get("/api/accounts", headers=headers)
        assert response.status_code == 401, response.text
        answer = documented(api, "GET", "/api/accounts", 401)
        assert_valid(api.app.openapi(), answer, response.json())
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_real_404_is_what_the_document_shows(api: ApiHarness) -> None:
    missing = "/api/accounts/00000000-0000-4000-8000-000000000000"
    response = await api.client.get(missing, headers=api.auth("u1"))
    assert response.status_code == 404, response.text
    assert_valid(
        api.app.openapi(), documented(api, "GET", "/api/accounts/{account_id}", 404), response.json()
    )


async def test_a_real_unreadable_body_is_what_the_document_shows(api: ApiHarness) -> None:
    headers = {**api.auth("u1"), "Content-Type": "application/json"}
    response = await api.client.post("/api/accounts", content=b"\xff\xfe\x06", headers=headers)
    assert response.status_code == 400, response.text
    assert_valid(api.app.openapi(), documented(api, "POST", "/api/accounts", 400), response.json())


async def test_the_served_document_is_the_finished_one(api: ApiHarness) -> None:
    served = await api.client.get("/openapi.json")
    assert served.status_code == 200
    assert served.json() == json.loads(json.dumps(api.app.openapi()))
    assert "HTTPValidationError" not in served.text


def test_validator_sees_a_wrong_body(document: dict[str, Any]) -> None:
    """The checks above can fail: a FastAPI-style 422 body does not fit our schema."""
    answer = document["paths"]["/api/accounts"]["post"]["responses"]["422"]
    fastapi_style = {
        "detail": [{"loc": ["body", "account_name"], "msg": "Field required", "type": "missing"}]
    }
    with pytest.raises(AssertionError):
        assert_valid(document, answer, fastapi_style)
    with pytest.raises(AssertionError):
        assert_valid(document, document["paths"]["/health"]["get"]["responses"]["429"], {"detail": ""})
