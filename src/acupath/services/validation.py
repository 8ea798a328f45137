"""Turning pydantic's validation errors into one ``InputError`` that names the field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from acupath.validation import input_error

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any, prefix: str = "", context: dict[str, Any] | None = None) -> M:
    """Return ``data`` validated as ``model`` (``context``: what its validators read, such as today).

    Raises ``InputError`` naming the first bad field (a path such as ``overrides[0].reason``, after ``prefix``) and the problem.
    """
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise input_error(exc, prefix, default_field=model.__name__) from None
