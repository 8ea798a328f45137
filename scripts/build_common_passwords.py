"""Rebuild ``src/acupath/services/common_passwords.txt`` from the two PyPI packages that ship such lists.

    .venv/bin/pip download --no-deps -d /tmp/pw django==5.2.19 zxcvbn==4.5.0
    .venv/bin/python scripts/build_common_passwords.py /tmp/pw

Sources (both read from the wheels, nothing else is downloaded):
- Django 5.2.19, ``django/contrib/auth/common-passwords.txt.gz`` (BSD-3-Clause): the list of its
  ``CommonPasswordValidator``, 20,000 common passwords "unhexed, lowercased and deduplicated", created
  by Royce Williams (gist roycewilliams/226886fd01572964e1431ac8afc999ce).
- zxcvbn 4.5.0 (MIT), ``zxcvbn/frequency_lists.py``, list ``passwords``: the 30,000 most frequent
  passwords of Mark Burnett's 10 million password set (Xato, 2015), as zxcvbn's authors ranked them.
The union, lowercased, stripped and sorted, one a line, after a header naming the sources.
"""

from __future__ import annotations

import gzip
import re
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "acupath" / "services" / "common_passwords.txt"
HEADER = """\
# Common passwords refused as new passwords (acupath.services.password_policy), one a line, lowercase.
# The union of two lists shipped on PyPI, rebuilt by scripts/build_common_passwords.py:
# - Django 5.2.19 django/contrib/auth/common-passwords.txt.gz (BSD-3-Clause, Django Software
#   Foundation): 20,000 common passwords by Royce Williams, as Django's CommonPasswordValidator uses.
# - zxcvbn 4.5.0 zxcvbn/frequency_lists.py "passwords" (MIT, Dropbox / dwolfhub): the 30,000 most
#   frequent passwords of Mark Burnett's 10 million password set (Xato, 2015).
# Short entries stay: the policy also refuses a listed password padded with digits or symbols.
"""


def main(folder: str) -> None:
    wheels = Path(folder)
    with zipfile.ZipFile(next(wheels.glob("django-5.2.19-*.whl"))) as wheel:
        django = gzip.decompress(wheel.read("django/contrib/auth/common-passwords.txt.gz")).decode().splitlines()
    with zipfile.ZipFile(next(wheels.glob("zxcvbn-4.5.0-*.whl"))) as wheel:
        source = wheel.read("zxcvbn/frequency_lists.py").decode()
    found = re.search(r'"passwords": "([^"]*)"', source)
    if found is None:
        raise SystemExit("zxcvbn's frequency_lists.py has no 'passwords' list")
    words = {w.strip().lower() for w in [*django, *found.group(1).split(",")]} - {""}
    OUT.write_text(HEADER + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{len(words)} passwords written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/pw")
