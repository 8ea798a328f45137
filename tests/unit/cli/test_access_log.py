"""The access log of ``acupath serve`` keeps the path and drops the query string (it may hold a name)."""

from __future__ import annotations

import logging
import logging.config

from acupath.cli.access_log import WithoutQuery, log_config


def _access_record(request_line: str) -> logging.LogRecord:
    # The arguments uvicorn's httptools and h11 protocols pass to the "uvicorn.access" logger.
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                             ("10.0.0.7:5123", "GET", request_line, "1.1", 200), None)


def test_a_search_term_never_reaches_the_access_log() -> None:
    record = _access_record("/patients?search=Mei%20Harbour&limit=5")
    assert WithoutQuery().filter(record) is True
    assert record.getMessage() == '10.0.0.7:5123 - "GET /patients?… HTTP/1.1" 200'


def test_a_line_without_a_query_is_left_as_it_was() -> None:
    record = _access_record("/plans/abc/progress")
    WithoutQuery().filter(record)
    assert record.getMessage() == '10.0.0.7:5123 - "GET /plans/abc/progress HTTP/1.1" 200'


def test_the_configuration_uvicorn_gets_puts_the_filter_on_its_access_handler() -> None:
    config = log_config()
    logging.config.dictConfig(config)
    (handler,) = logging.getLogger("uvicorn.access").handlers
    assert any(isinstance(f, WithoutQuery) for f in handler.filters)
