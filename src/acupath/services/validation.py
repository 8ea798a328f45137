"""Turning pydantic's validation errors into one ``InputError`` that names the field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from acupath.validation import input_error

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any, prefix: str = "") -> M:
    """Return ``data`` validated as ``model``.

    Raises ``InputError`` naming the first bad field (a path such as ``overrides[0].reason``, after ``prefix``) and the problem.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, prefix, default_field=model.__name__) from None
