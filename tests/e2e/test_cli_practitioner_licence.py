"""``acupath users set-licence | add-qualification | clear-qualifications`` on a SQLite file."""

from __future__ import annotations

import json

import pytest
from test_cli_accounts import clinic  # noqa: F401  (the fixture)
from test_cli_server import run


def test_a_licence_and_qualifications_are_stored_and_shown(capsys, clinic: str) -> None:  # noqa: F811
    code, out, err = run(capsys, "users", "set-licence", "Lee@harbour.example", "--number", "AC-12345",
                         "--authority", "California Acupuncture Board", "--expires", "2027-06-30", "--db", clinic)
    assert code == 0, err
    assert json.loads(out)["licence"] == {"number": "AC-12345", "authority": "California Acupuncture Board",
                                          "expires": "2027-06-30"}
    run(capsys, "users", "add-qualification", "lee@harbour.example", "--text", "L.Ac.", "--db", clinic)
    code, out, err = run(capsys, "users", "add-qualification", "lee@harbour.example", "--text", "Dipl. Ac. (NCCAOM)",
                         "--issuer", "NCCAOM", "--year", "2012", "--db", clinic)
    assert code == 0, err
    assert json.loads(out)["qualifications"] == [{"text": "L.Ac.", "issuer": None, "year": None},
                                                 {"text": "Dipl. Ac. (NCCAOM)", "issuer": "NCCAOM", "year": 2012}]
    code, out, _ = run(capsys, "users", "clear-qualifications", "lee@harbour.example", "--db", clinic)
    assert code == 0 and json.loads(out)["qualifications"] == []
    code, out, _ = run(capsys, "users", "set-licence", "lee@harbour.example", "--db", clinic)
    assert code == 0 and json.loads(out)["licence"] is None


@pytest.mark.parametrize(("args", "names"), [
    (("set-licence", "lee@harbour.example", "--expires", "2027-02-30"), "licence.expires"),
    (("set-licence", "lee@harbour.example", "--number", "x" * 65), "licence.number"),
    (("set-licence", "lee@harbour.example", "--authority", "Board\x01"), "licence.authority"),
    (("add-qualification", "lee@harbour.example", "--text", " "), "qualifications[0].text"),
    (("add-qualification", "lee@harbour.example", "--text", "L.Ac.", "--year", "1492"), "qualifications[0].year"),
    (("set-licence", "nobody@harbour.example", "--number", "AC-1"), "nobody@harbour.example"),
])
def test_bad_licence_input_exits_2_with_one_line_naming_it(capsys, clinic: str, args, names) -> None:  # noqa: F811
    code, _, err = run(capsys, "users", *args, "--db", clinic)
    assert code == 2 and err.count("\n") == 1 and names in err, err
    code, out, _ = run(capsys, "users", "set-role", "lee@harbour.example", "clinician", "--db", clinic)
    assert (json.loads(out)["licence"], json.loads(out)["qualifications"]) == (None, [])
