"""Run a blocking unit of work in the event loop, suspended (not blocked) while PostgreSQL answers.

The services are plain functions that wait for each answer of the database. In a thread pool every
wait and every answer is a hand-off of the GIL between threads, which on the benchmark machine cost
about a third of the server's CPU per request on PostgreSQL. ``run_cooperatively`` runs the work in a
greenlet in the event loop's own thread instead: when ``storage.libpq`` would wait for the database's
socket, the greenlet switches back to the loop (``wait_for_socket``), which serves other requests and
resumes it once the socket is ready (``add_reader``/``add_writer``). Outside such a greenlet (a
script, a worker thread) ``wait_for_socket`` simply waits in ``select``.

Only ``storage.libpq`` waits this way. Anything else that waits for the database (psycopg's own calls:
the ORM's queries, a ROLLBACK) blocks the loop while it waits, which is correct, only slower; the hot
use cases (progress, recording a session) make none of those calls.
"""

from __future__ import annotations

import asyncio
import contextvars
import select
from collections.abc import Callable
from typing import TypeVar

import greenlet

T = TypeVar("T")


class _Cooperative(greenlet.greenlet):  # type: ignore[misc]
    """A greenlet whose waits for a socket switch to the event loop that runs it."""


def wait_for_socket(fileno: int, *, write: bool = False) -> None:
    """Return once the socket ``fileno`` can be read (or written, with ``write``).

    In a ``run_cooperatively`` greenlet the event loop waits for it and serves others meanwhile; elsewhere
    ``select`` waits (without holding the GIL).
    """
    current = greenlet.getcurrent()
    if isinstance(current, _Cooperative):
        current.parent.switch((fileno, write))
    else:
        _select(fileno, write)


def _select(fileno: int, write: bool) -> None:
    select.select([], [fileno], []) if write else select.select([fileno], [], [])


async def run_cooperatively(work: Callable[[], T]) -> T:
    """Return ``work()`` run in a greenlet of the running event loop (see the module docstring).

    Raises whatever ``work`` raises. Each concurrent call holds its own database connection while it
    waits: the caller bounds how many run at once below the connection pool's size, because a greenlet
    that waits for a connection from an exhausted pool blocks the loop, and with it the greenlets
    that would give one back.
    """
    loop = asyncio.get_running_loop()
    runner = _Cooperative(work)
    runner.gr_context = contextvars.copy_context()  # the work sees the request's context variables
    asked = runner.switch()
    while not runner.dead:
        fileno, write = asked
        ready = loop.create_future()
        watch, unwatch = (loop.add_writer, loop.remove_writer) if write else (loop.add_reader, loop.remove_reader)
        watch(fileno, _set_once, ready)
        try:
            await ready
        except BaseException:
            # Cancelled (the server is stopping): the work is mid-statement on its connection, so it
            # is finished here, waiting in ``select``, to commit or roll back and give the connection
            # back; then the cancellation goes on.
            unwatch(fileno)
            _finish(runner, fileno, write)
            raise
        unwatch(fileno)
        asked = runner.switch()
    return asked  # type: ignore[no-any-return]


def _finish(runner: _Cooperative, fileno: int, write: bool) -> None:
    while not runner.dead:
        _select(fileno, write)
        asked = runner.switch()
        if not runner.dead:
            fileno, write = asked


def _set_once(ready: asyncio.Future[None]) -> None:
    if not ready.done():
        ready.set_result(None)
