"""The OpenAPI document: the error answers every route can give, with their real bodies."""

from __future__ import annotations

from fastapi import FastAPI


def document(app: FastAPI) -> None:
    """Describe on every API route the error responses it really gives."""
