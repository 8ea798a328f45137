"""The access log of ``acupath serve``: uvicorn's own, without query strings.

A query string may hold patient data (``/patients?search=<a name>``), and no log line may. uvicorn
passes the logged request line as the third argument of each ``uvicorn.access`` record
(``'%s - "%s %s HTTP/%s" %d'``); ``WithoutQuery`` cuts it at ``?``. ``log_config`` is uvicorn's
default logging configuration (``uvicorn.config.LOGGING_CONFIG``) with this filter on the access
handler, as ``uvicorn.run(log_config=...)`` takes it (a ``logging.config.dictConfig`` dictionary).
"""

from __future__ import annotations

import copy
import logging
from typing import Any


class WithoutQuery(logging.Filter):
    """Drop the query string from uvicorn's access log records (the path stays: ids, never values)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Return True (keep the record) after cutting its request line at ``?``."""
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """Return uvicorn's logging configuration with ``WithoutQuery`` on its access log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["without_query"] = {"()": f"{__name__}.WithoutQuery"}
    config["handlers"]["access"]["filters"] = ["without_query"]
    return config
