"""The constrained input types every entry point shares (API bodies, web forms, CSV rows).

Names use a conservative character set (no markup, no statement separators), free text has no
markup or control characters, money is Decimal with bounded precision, NaN/Infinity are refused,
symbols are upper-cased and must look like real tickers.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from alex.db.models import USER_CLASSIFICATION_NOTE_MAX
from alex.domain.taxonomy import AssetClass, Region, Sector, check_allocation
from alex.domain.text import has_control_characters
from alex.services.validation import CONTROL_CHARACTERS

SYMBOL_PATTERN: Final = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,9}$")
# Letters (any script), digits, spaces and the punctuation real account names use ("Mom's 401(k)").
_NAME_PATTERN: Final = re.compile(r"^[\w .,'&()/#:+!?@%-]+$")
_MARKUP: Final = re.compile(r"[<>]")


def _safe_name(value: str) -> str:
    if not _NAME_PATTERN.fullmatch(value):
        raise ValueError(
            "may contain only letters, digits, spaces and the punctuation . , ' & ( ) / # : + ! ? @ % -"
        )
    return value


def _plain_text(value: str) -> str:
    if _MARKUP.search(value) or has_control_characters(value):
        raise ValueError("must not contain markup (< >) or control characters")
    return value


def normalise_symbol(value: object) -> object:
    if isinstance(value, str):
        return value.strip().upper()
    return value


def _symbol(value: str) -> str:
    if not SYMBOL_PATTERN.fullmatch(value):
        raise ValueError("must be 1-10 characters: A-Z, 0-9, '.' or '-', starting with a letter or digit")
    return value


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), AfterValidator(_safe_name)
]
PlainText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_plain_text)
]
Note = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=USER_CLASSIFICATION_NOTE_MAX),
    AfterValidator(_plain_text),
]
Symbol = Annotated[
    str, BeforeValidator(normalise_symbol), StringConstraints(max_length=10), AfterValidator(_symbol)
]
# Below 10^12 so it fits the narrowest money column (users.target_retirement_income, NUMERIC(14, 2)).
Money = Annotated[
    Decimal, Field(ge=0, lt=Decimal("1e12"), max_digits=16, decimal_places=2, allow_inf_nan=False)
]
Price = Annotated[
    Decimal, Field(gt=0, le=Decimal("1e9"), max_digits=18, decimal_places=6, allow_inf_nan=False)
]
Quantity = Annotated[
    Decimal, Field(gt=0, le=Decimal("1e12"), max_digits=24, decimal_places=8, allow_inf_nan=False)
]
InterestRate = Annotated[Decimal, Field(ge=0, le=1, decimal_places=6, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=4, allow_inf_nan=False)]


def checked_targets(
    value: dict[str, Decimal], vocabulary: type[AssetClass] | type[Region] | type[Sector], what: str
) -> dict[str, Decimal]:
    """Percent by key of ``vocabulary``, summing to 100."""
    # Checked here first so that the message names the allowed keys, never echoes the given one.
    allowed = sorted(member.value for member in vocabulary)
    if any(key not in allowed for key in value):
        raise ValueError(f"{what} keys must be among: {', '.join(allowed)}")
    return check_allocation(value, vocabulary, what=what)


class Input(BaseModel):
    """What a person sends: unknown fields are refused, strings are bounded, and no string (nor a
    key of a mapping) holds control characters, whatever field it is in."""

    model_config = ConfigDict(extra="forbid", str_max_length=2000)

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        if (where := _control_character_at(data, ())) is not None:
            raise PydanticCustomError(
                CONTROL_CHARACTERS,
                "{field}: must not contain control characters",
                {"field": ".".join(where)},
            )
        return data


def _control_character_at(value: Any, path: tuple[str, ...]) -> tuple[str, ...] | None:
    """Where in a submitted value the first control character is, or None."""
    if isinstance(value, str):
        return path if has_control_characters(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = (*path, str(key))
            if isinstance(key, str) and has_control_characters(key):
                return here
            if (found := _control_character_at(item, here)) is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if (found := _control_character_at(item, (*path, str(index)))) is not None:
                return found
    return None


def changed_fields(body: BaseModel, *, nullable: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields an update sets. A null means "leave as is", except for the ``nullable`` ones,
    where it clears the value."""
    return {
        key: value
        for key, value in body.model_dump(exclude_unset=True).items()
        if value is not None or key in nullable
    }
