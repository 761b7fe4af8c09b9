"""Forms that show what went wrong: the same page again, with the message and the values.

A POST handler names its form before it calls the service. A client error (4xx) raised
from then on still travels up through the request's session, which rolls back (or
commits, for errors that record something) exactly as for the API; the page route then
renders the named form with the error instead of the error page. Server errors always go
to the error page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from aurum.errors import AppError, ValidationFailed

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class PageForm:
    """A form to render again on error: its template and what to fill back in.

    `values` never holds a password. `fields` names the input each error code is about,
    so the page can point at it."""

    template: str
    values: Mapping[str, Any] = field(default_factory=dict)
    fields: Mapping[str, str] = field(default_factory=dict)

    def field_of(self, error: AppError) -> str | None:
        if isinstance(error, InvalidField):
            return error.field
        return self.fields.get(error.code)


class InvalidField(ValidationFailed):
    """A field of a page's form that could not be read; `key` is its text in messages.py."""

    def __init__(self, field: str, key: str) -> None:
        super().__init__()
        self.field = field
        self.key = key


async def form_fields(request: Request) -> dict[str, str]:
    """The text fields of the posted form.

    A dependency rather than FastAPI `Form` parameters: those parse the body before any
    dependency runs, and a rate limit counted per address typed must read the raw body
    first (Starlette cannot give it back once the form is parsed, but parses the form
    from it). Lengths are the schemas' business; the request's size is bounded."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


def show_errors_in(request: Request, form: PageForm) -> None:
    """From here on, a client error of this request re-renders `form` with its message."""
    request.state.form = form


def form_of(request: Request) -> PageForm | None:
    form = getattr(request.state, "form", None)
    return form if isinstance(form, PageForm) else None


def parsed(model: type[M], data: Mapping[str, Any], keys: Mapping[str, str]) -> M:
    """`data` read into the API's own schema; the first field it refuses becomes an
    `InvalidField` whose text is `keys[field]` (or the generic one)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        raise InvalidField(name, keys.get(name, "form.invalid")) from exc
