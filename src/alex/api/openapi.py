"""The OpenAPI document: the error answers every route can give, with their real bodies.

Every error is ``{"detail": "<sentence>"}`` (``alex.api.errors``), and a 422 adds ``errors``, one
entry per field. Which route gives which is decided here, in one place, from what the route is:

- 401 (with ``WWW-Authenticate``): it needs a signed-in caller (depends on ``get_claims``);
- 403: it needs one and changes something (a session cookie without the page's CSRF token);
- 404: it has path parameters (no such object, or another user's);
- 400 and 413: it takes a body (one that is not text, or over ``ALEX_MAX_BODY_BYTES``);
- 422: it has parameters or a body;
- 429: every route (rate limits and quotas), with ``Retry-After`` and the ``RateLimit`` fields;
- 503 (with ``Retry-After``): it uses the app's context (the database, the identity provider, the
  simulation slots).

A few answers follow from what a route does rather than from its shape: those are listed in
``ROUTE_ERRORS``. A ``responses=`` a route gives itself is kept: its description wins.

FastAPI's own 422 (``HTTPValidationError``) describes a body we never send: no operation
refers to it, and it is not in the document. ``/ready`` answers with a body of its own
(``ROUTE_BODIES``).

FastAPI (0.165) builds the routes of included routers lazily and shares them between apps, so the
answers are written into the document as FastAPI generates it (``app.openapi``, cached until the
routes change), not into the route objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from alex.api.errors import FRIENDLY
from alex.http import cookies
from alex.http.deps import NOT_AUTHENTICATED, get_claims, get_context
from alex.services.identity import BAD_CREDENTIALS

REF_PREFIX: Final = "#/components/schemas/"
SECURITY_SCHEME: Final = "HTTPBearer"
"""The scheme FastAPI names after ``get_claims``' ``HTTPBearer`` dependency."""
FASTAPI_VALIDATION_SCHEMAS: Final = ("HTTPValidationError", "ValidationError")


# --- the bodies -----------------------------------------------------------------------------------


class FieldError(BaseModel):
    """One invalid input."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(
        description="where: the field's dotted path (``account_name``, ``allocation.equity``), "
        "``path.<name>``/``query.<name>``/``header.<name>`` for a parameter, ``body`` for the whole body"
    )
    message: str = Field(description="what is wrong with it")


class ErrorBody(BaseModel):
    """Every error answer: one sentence a person can act on, never a stack trace."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"detail": FRIENDLY[404]}]})

    detail: str = Field(min_length=1)


VALIDATION_EXAMPLE: Final[dict[str, Any]] = {
    "detail": "Invalid input: account_name: Field required",
    "errors": [{"field": "account_name", "message": "Field required"}],
}


class ValidationErrorBody(BaseModel):
    """A 422: the problems with the input, at most five of them summed up in ``detail``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [VALIDATION_EXAMPLE]})

    detail: str = Field(pattern=r"^Invalid input: ", description="the first problems, in one sentence")
    errors: list[FieldError] = Field(description="every problem, one entry per field")


class Readiness(BaseModel):
    """``/ready``'s answer, ready (200) or not (503)."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["ready", "not ready"]
    checks: dict[str, str] = Field(description='"ok", or what is wrong, per check (database, migrations)')


BODY_MODELS: Final[tuple[type[BaseModel], ...]] = (FieldError, ErrorBody, ValidationErrorBody, Readiness)


# --- the answers ----------------------------------------------------------------------------------


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF_PREFIX + model.__name__}


def _json(model: type[BaseModel], example: Mapping[str, Any] | None = None) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": _ref(model)}
    if example is not None:
        media["example"] = dict(example)
    return {"application/json": media}


def _error(detail: str) -> dict[str, Any]:
    return _json(ErrorBody, {"detail": detail})


_RETRY_AFTER: Final = {
    "description": "seconds to wait before asking again",
    "schema": {"type": "integer", "minimum": 0},
}

CSRF: Final = "Missing or wrong CSRF token: reload the page."

ANSWERS: Final[Mapping[int, Mapping[str, Any]]] = {
    400: {
        "description": "The body cannot be read at all (e.g. it is not UTF-8 text). Text that is not "
        "JSON is a 422.",
        "content": _error("There was an error parsing the body"),
    },
    401: {
        "description": "Not signed in: no bearer token (nor session cookie), or it is invalid or expired.",
        "headers": {
            "WWW-Authenticate": {
                "description": "the scheme to authenticate with: ``Bearer`` (with ``error`` for a bad token)",
                "required": True,
                "schema": {"type": "string"},
            }
        },
        "content": _error(NOT_AUTHENTICATED),
    },
    403: {
        "description": "A change sent with the web session cookie but without the page's CSRF token "
        "(``X-CSRF-Token``). Never for a bearer token.",
        "content": _error(CSRF),
    },
    404: {
        "description": "Not found: no such object, or one of another user's (the two are never told apart).",
        "content": _error(FRIENDLY[404]),
    },
    413: {
        "description": "The body is larger than the server accepts (``ALEX_MAX_BODY_BYTES``).",
        "content": _error(FRIENDLY[413]),
    },
    422: {
        "description": "Invalid input: ``errors`` lists every problem, by field.",
        "content": _json(ValidationErrorBody, VALIDATION_EXAMPLE),
    },
    429: {
        "description": "Too many requests (a rate limit), or a quota is reached. ``Retry-After`` says when "
        "to ask again; it is absent when waiting does not help (e.g. delete something first).",
        "headers": {
            "Retry-After": _RETRY_AFTER,
            "RateLimit": {
                "description": 'the limit that refused: ``"<policy>";r=<remaining>;t=<seconds until reset>``',
                "schema": {"type": "string"},
            },
            "RateLimit-Policy": {
                "description": "the policies that apply, comma-separated: "
                '``"<policy>";q=<requests>;w=<seconds>``',
                "schema": {"type": "string"},
            },
        },
        "content": _error(FRIENDLY[429]),
    },
    503: {
        "description": "Temporarily unavailable: the database or the identity provider cannot be reached, "
        "or the server is too busy for this work now (e.g. a simulation past its time limit).",
        "headers": {"Retry-After": _RETRY_AFTER},
        "content": _error(FRIENDLY[503]),
    },
}
"""What each error answer is, wherever it is given."""

_NO_BUILTIN_ISSUER: Final = "No built-in issuer: an external identity provider is configured."
_HANDLED_ELSEWHERE: Final = "Sign-in is handled by the configured identity provider."


@dataclass(frozen=True, slots=True)
class Why:
    """An answer a route gives because of what it does: when, and the ``detail`` it then says."""

    description: str
    detail: str


ROUTE_ERRORS: Final[Mapping[tuple[str, str], Mapping[int, Why]]] = {
    ("GET", "/.well-known/jwks.json"): {404: Why(_NO_BUILTIN_ISSUER, _HANDLED_ELSEWHERE)},
    ("POST", "/api/auth/signup"): {
        404: Why(_NO_BUILTIN_ISSUER, _HANDLED_ELSEWHERE),
        409: Why("The email has signed up already.", "An account with this email already exists."),
    },
    ("POST", "/api/auth/signin"): {
        401: Why("Wrong email or password (one answer for both).", BAD_CREDENTIALS),
        404: Why(_NO_BUILTIN_ISSUER, _HANDLED_ELSEWHERE),
    },
    ("POST", "/api/positions"): {
        404: Why("The account is not one of yours, or does not exist.", "Account not found.")
    },
}
"""Answers that follow from what a route does, not from its shape: (method, path) -> status -> why."""

ROUTE_BODIES: Final[Mapping[tuple[str, str], Mapping[int, Mapping[str, Any]]]] = {
    ("GET", "/ready"): {
        200: {"description": "Ready: every check is ok.", "content": _json(Readiness)},
        503: {"description": "Not ready: a check failed.", "content": _json(Readiness)},
    },
}
"""Answers a route gives with a body of its own (not ``ErrorBody``): (method, path) -> status -> answer."""


@dataclass(frozen=True, slots=True)
class RouteFacts:
    """What a route is, as far as its error answers go."""

    authenticated: bool
    uses_context: bool
    has_path_parameters: bool
    has_inputs: bool
    has_body: bool


@dataclass(frozen=True, slots=True)
class ApiRoute:
    """A route of the document as the app serves it (its prefix and the dependencies of its routers
    included), with its dependencies resolved: ``RouteContext`` in FastAPI's terms."""

    path: str
    methods: frozenset[str]
    dependant: Dependant
    has_path_parameters: bool
    has_body: bool


def api_routes(app: FastAPI) -> Iterator[ApiRoute]:
    """The routes in the document (the web pages are not)."""
    for context in iter_route_contexts(app.routes):
        path = context.path_format
        if isinstance(context.original_route, APIRoute) and context.include_in_schema and path:
            yield ApiRoute(
                path=path,
                methods=frozenset(context.methods or ()),
                dependant=context.dependant,
                has_path_parameters=bool(context.param_convertors),
                has_body=context.body_field is not None,
            )


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    """Every dependency a route has, directly or through other dependencies."""
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def facts(route: ApiRoute) -> RouteFacts:
    calls = set(_calls(route.dependant))
    return RouteFacts(
        authenticated=get_claims in calls,
        uses_context=get_context in calls,
        has_path_parameters=route.has_path_parameters,
        has_inputs=route.has_body or bool(get_flat_params(route.dependant)),
        has_body=route.has_body,
    )


def errors_of(route: ApiRoute, method: str) -> dict[int, dict[str, Any]]:
    """The error answers ``method`` on ``route`` gives (the route's own declarations aside)."""
    known = facts(route)
    codes = {429}
    if known.authenticated:
        codes.add(401)
        if method not in cookies.SAFE_METHODS:
            codes.add(403)
    if known.has_path_parameters:
        codes.add(404)
    if known.has_body:
        codes.update((400, 413))
    if known.has_inputs:
        codes.add(422)
    if known.uses_context:
        codes.add(503)
    answers: dict[int, dict[str, Any]] = {code: _copy(ANSWERS[code]) for code in codes}
    for code, why in ROUTE_ERRORS.get((method, route.path), {}).items():
        if code in answers:
            answers[code]["description"] += f" Or: {why.description}"
        else:
            answers[code] = {**_copy(ANSWERS.get(code, {})), "description": why.description}
            answers[code]["content"] = _error(why.detail)
    return dict(sorted(answers.items()))


def _copy(value: Any) -> Any:
    """A deep copy of plain JSON-like data (the answers are shared between routes)."""
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _refers_to(node: Any, ref: str) -> bool:
    if isinstance(node, Mapping):
        return node.get("$ref") == ref or any(_refers_to(value, ref) for value in node.values())
    if isinstance(node, list):
        return any(_refers_to(value, ref) for value in node)
    return False


_FASTAPI_422: Final = REF_PREFIX + "HTTPValidationError"


def _merge(responses: dict[str, Any], code: int, ours: dict[str, Any]) -> None:
    """Put our answer in; what the route declared itself wins (its description, content, headers)."""
    theirs = responses.get(str(code))
    if theirs is None or (code == 422 and _refers_to(theirs, _FASTAPI_422)):
        responses[str(code)] = ours
        return
    merged = {**ours, **theirs}
    if "headers" in ours or "headers" in theirs:
        merged["headers"] = {**ours.get("headers", {}), **theirs.get("headers", {})}
    responses[str(code)] = merged


def describe(document: dict[str, Any], route: ApiRoute) -> None:
    """Add the error answers of ``route`` to its operations in ``document``."""
    for method in sorted(route.methods):
        operation = document["paths"].get(route.path, {}).get(method.lower())
        if operation is None:
            continue
        responses = operation.setdefault("responses", {})
        own_bodies = ROUTE_BODIES.get((method, route.path), {})
        for code, answer in errors_of(route, method).items():
            if code not in own_bodies:
                _merge(responses, code, answer)
        for code, body in own_bodies.items():
            declared = responses.get(str(code), {})
            responses[str(code)] = {
                "description": declared.get("description") or body["description"],
                **({"headers": declared["headers"]} if "headers" in declared else {}),
                "content": _copy(body["content"]),
            }
        operation["responses"] = dict(sorted(responses.items()))
        if facts(route).authenticated:
            operation.setdefault("security", [{SECURITY_SCHEME: []}])


# --- the document ---------------------------------------------------------------------------------


def _body_schemas() -> dict[str, Any]:
    _, top = models_json_schema(
        [(model, "serialization") for model in BODY_MODELS], ref_template=REF_PREFIX + "{model}"
    )
    schemas: dict[str, Any] = top["$defs"]
    return schemas


def _replace_refs(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        if node.get("$ref") == old:
            node["$ref"] = new
        for value in node.values():
            _replace_refs(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _replace_refs(value, old, new)


def finish(document: dict[str, Any], routes: list[ApiRoute]) -> None:
    """Post-process FastAPI's document in place: every route's error answers with our bodies,
    FastAPI's own 422 body out, the bearer scheme described."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name, schema in _body_schemas().items():
        if name in schemas and schemas[name] != schema:
            raise RuntimeError(f"two different schemas are named {name!r} in the API: rename one")
        schemas[name] = schema
    for route in routes:
        describe(document, route)
    # Our handler answers every 422, so a FastAPI 422 left anywhere (a callback) gets our body too.
    _replace_refs(document, _FASTAPI_422, REF_PREFIX + ValidationErrorBody.__name__)
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemes = components.setdefault("securitySchemes", {})
    bearer = schemes.setdefault(SECURITY_SCHEME, {"type": "http", "scheme": "bearer"})
    bearer.setdefault("bearerFormat", "JWT")
    bearer.setdefault("description", "A JWT from the built-in or the configured issuer")


class _Document:
    """``app.openapi``: FastAPI's document (cached until the routes change), finished once each."""

    def __init__(self, app: FastAPI, generate: Callable[[], dict[str, Any]]) -> None:
        self.app = app
        self.generate = generate
        self.finished: dict[str, Any] | None = None

    def __call__(self) -> dict[str, Any]:
        generated = self.generate()
        if generated is not self.finished:
            finish(generated, list(api_routes(self.app)))
            self.finished = generated
        return generated


def document(app: FastAPI) -> None:
    """Describe on every API route the error responses it really gives: in the document, as it is
    generated (on first use, again whenever the routes change), for every route it then has."""
    if not isinstance(app.openapi, _Document):
        app.openapi = _Document(app, app.openapi)  # type: ignore[method-assign]
