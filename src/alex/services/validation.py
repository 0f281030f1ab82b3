"""One formatter of validation errors, for the API's 422 and the web's form messages.

Field paths and map keys come from the client: a part is shown only when plainly harmless, and
the input value is never echoed (it may be huge or hostile).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

_SAFE_LOC_PART: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CONTROL_CHARACTERS: Final = "control_characters"
"""The error type of a string holding control characters (``alex.services.fields.Input``)."""


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    """The field's path, e.g. ``account_name`` or ``path.account_id`` (``body`` for the whole body)."""
    message: str

    @property
    def reason(self) -> str:
        """The message without pydantic's "Value error, " prefix, for sentences shown on a page."""
        return self.message.removeprefix("Value error, ")


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    """``ValidationError.errors()`` (or FastAPI's), one sanitised entry per problem."""
    found = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        message = (
            "Malformed JSON body" if error.get("type") == "json_invalid" else str(error.get("msg", "invalid"))
        )
        if error.get("type") == CONTROL_CHARACTERS:
            # Found by the model's walk over everything sent: the error carries the path it found.
            where = str(error.get("ctx", {}).get("field", ""))
            loc = (*loc, *where.split(".")) if where else loc
            message = "must not contain control characters"
        parts = [str(part) if _SAFE_LOC_PART.fullmatch(str(part)) else "?" for part in loc if part != "body"]
        found.append(FieldError(field=".".join(parts) or "body", message=message))
    return found
