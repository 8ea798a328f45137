"""Turning pydantic's validation errors into one ``InputError`` that names the field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from acupath.errors import InputError

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any, prefix: str = "") -> M:
    """Return ``data`` validated as ``model``.

    Raises ``InputError`` naming the first bad field (dotted path, with ``prefix``) and the problem.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(part) for part in first["loc"])
        field = ".".join(part for part in (prefix, path) if part) or model.__name__
        raise InputError(field, first["msg"]) from None
