"""What a service can refuse, in words a person can act on (routes and pages choose the status)."""

from __future__ import annotations

from collections.abc import Iterable

from alex.services.validation import FieldError


class ServiceError(Exception):
    """A refusal whose message is safe to show to the person who asked."""


class NotFoundError(ServiceError):
    """The object does not exist, or belongs to someone else (the two are never told apart)."""

    def __init__(self, what: str, message: str | None = None) -> None:
        super().__init__(message or f"{what.capitalize()} not found.")
        self.what = what


class InvalidInputError(ServiceError):
    """Input that each field's own rules accept but that does not hold together with the rest
    (a retirement age before the current age, other income above the target income): ``errors``
    names each field concerned, as a 422 does for a field's own rules."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in self.errors))

    @classmethod
    def of(cls, field: str, message: str) -> InvalidInputError:
        return cls([FieldError(field=field, message=message)])


class ConflictError(ServiceError):
    """The request contradicts what is stored (e.g. an email already signed up)."""


class TooManyRequestsError(ServiceError):
    """Refused for now; ``retry_after`` says when asking again may succeed (None: not by waiting,
    e.g. a quota of accounts). ``headers`` are extra response fields (the rate-limit policy)."""

    def __init__(
        self, message: str, *, retry_after: int | None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.headers = headers or {}


class UnavailableError(ServiceError):
    """The feature is not offered by this deployment (e.g. sign-in with an external issuer)."""


class OverloadedError(ServiceError):
    """The server cannot do this now (all slots busy, or the work ran past its time limit)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
