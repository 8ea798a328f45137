"""A resource's JSON, built once: validated through its R4B model, or written as it is for bulk export.

Every mapper of ``acupath.fhir`` builds the JSON of its resource (a dict) and is wrapped by
``maps_to(Model)``: calling the mapper returns the validated model object (the read API's path: about
15 ms a resource with ``fhir.resources``, measured in the README's FHIR section), and its ``body``
attribute returns the JSON itself, which ``ndjson_line`` writes without the model (the bulk export's
path, where 100,000 patients' records would take hours through the models). The mapping logic is
the one function either way; ``tests/unit/fhir/test_fhir_resource_json.py`` checks, for every resource
of the demo clinic, that the fast line is exactly the JSON the validated model writes, so the two
paths cannot drift apart.

What the models change when they write a resource, and the bodies therefore write themselves: a time
in UTC ends in ``Z`` (``instant``), and an element that is None is left out (``compact``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Generic, ParamSpec

import orjson
from fhir.resources.R4B import get_fhir_model_class

P = ParamSpec("P")


def instant(value: datetime | date) -> str:
    """Return a FHIR date, dateTime or instant as the R4B models write it: a time in UTC ending in ``Z``."""
    if isinstance(value, datetime):
        text = value.astimezone(UTC).isoformat() if value.tzinfo is not None else value.isoformat()
        return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
    return value.isoformat()


def compact(value: Any) -> Any:
    """Return ``value`` (a resource's JSON) without the elements that are None, at every depth."""
    # Leaves (most of a resource) are kept without a call: this runs for every line of a bulk export.
    if type(value) is dict:
        return {key: compact(item) if type(item) in _NESTED else item for key, item in value.items()
                if item is not None}
    if type(value) is list:
        return [compact(item) if type(item) in _NESTED else item for item in value if item is not None]
    return value


_NESTED = (dict, list)


def validated(body: dict[str, Any]) -> Any:
    """Return the R4B model object of a resource's JSON (its class by ``resourceType``).

    Raises pydantic's ``ValidationError`` when the JSON is not a valid resource.
    """
    return get_fhir_model_class(body["resourceType"]).model_validate(body)


def ndjson_line(body: dict[str, Any]) -> bytes:
    """Return a resource's JSON as one NDJSON line (compact, UTF-8, ending in a line feed), unvalidated."""
    return orjson.dumps(compact(body), option=orjson.OPT_APPEND_NEWLINE)


class Mapper(Generic[P]):
    """A mapper: ``mapper(...)`` returns the validated model(s), ``mapper.body(...)`` the JSON it validates.

    ``body`` returns one resource's JSON or a list of them; calling the mapper validates each through
    ``model`` and returns one model object or a list in the same shape.
    """

    def __init__(self, model: type[Any], body: Callable[P, Any]) -> None:
        self.model = model
        self.body = body
        functools.update_wrapper(self, body)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Any:
        built = self.body(*args, **kwargs)
        if isinstance(built, list):
            return [self.model.model_validate(item) for item in built]
        return self.model.model_validate(built)


def maps_to(model: type[Any]) -> Callable[[Callable[P, Any]], Mapper[P]]:
    """Return the decorator that makes a function building ``model``'s JSON into a ``Mapper``."""
    return lambda body: Mapper(model, body)
