"""``json_response`` writes what FastAPI's own encoding of ``dataclasses.asdict`` would."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from enum import Enum

from fastapi.encoders import jsonable_encoder

from acupath.api.responses import json_body, json_response


class Colour(Enum):
    RED = "red"


@dataclass(frozen=True)
class Leaf:
    code: str
    depth: float | None = None


@dataclass
class Tree:
    on: date
    at: datetime
    colour: Colour
    leaves: list[Leaf]
    pairs: tuple[tuple[Leaf, Leaf], ...] = ()
    extra: dict[str, object] = field(default_factory=dict)


def test_a_nested_dataclass_is_written_as_its_asdict() -> None:
    tree = Tree(on=date(2027, 3, 1), at=datetime(2027, 3, 1, 9, 30, tzinfo=UTC), colour=Colour.RED,
                leaves=[Leaf("ST36", 1.5), Leaf("LI4")], pairs=((Leaf("a"), Leaf("b")),),
                extra={"nested": Leaf("x"), "n": [1, 2]})
    assert json.loads(json_body(tree)) == jsonable_encoder(asdict(tree))
    response = json_response(tree, status_code=201)
    assert response.status_code == 201 and json.loads(response.body) == json.loads(json_body(asdict(tree)))


def test_sets_are_sorted_text_stays_utf8_and_other_objects_are_refused() -> None:
    assert json_body({"codes": {"ST36", "LI4"}, "name": "Zúsānlǐ"}) == '{"codes":["LI4","ST36"],"name":"Zúsānlǐ"}'.encode()
    assert json_body({"missing": float("nan")}) == b'{"missing":null}'  # JSON has no NaN
    try:
        json_body({"what": object()})
    except TypeError as error:
        assert "object" in str(error)
    else:
        raise AssertionError("an object JSON cannot hold was written")
