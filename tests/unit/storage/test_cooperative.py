"""Cooperative units of work: suspended while their socket is not ready, so the event loop serves others."""

from __future__ import annotations

import asyncio
import contextvars
import socket
import threading

import pytest

from acupath.storage.cooperative import run_cooperatively, wait_for_socket

REQUEST = contextvars.ContextVar("request", default="none")


def _reader(sock: socket.socket, log: list[str], name: str) -> str:
    log.append(f"{name} waits")
    wait_for_socket(sock.fileno())
    log.append(f"{name} reads")
    return sock.recv(16).decode()


def test_a_waiting_work_lets_the_loop_run_another_that_unblocks_it() -> None:
    # If a wait blocked the event loop, the writer would never run and this would hang; the
    # timeout turns that into a failure.
    log: list[str] = []
    left, right = socket.socketpair()

    def writer() -> str:
        log.append("writer writes")
        wait_for_socket(right.fileno(), write=True)
        right.send(b"answer")
        return "sent"

    async def both() -> list[str]:
        return list(await asyncio.wait_for(asyncio.gather(
            run_cooperatively(lambda: _reader(left, log, "reader")), run_cooperatively(writer)), timeout=5))

    try:
        assert asyncio.run(both()) == ["answer", "sent"]
    finally:
        left.close()
        right.close()
    assert log == ["reader waits", "writer writes", "reader reads"]


def test_the_work_returns_its_value_raises_its_error_and_sees_the_callers_context() -> None:
    def failing() -> None:
        raise ValueError("plan_id: no such plan")

    async def run() -> str:
        REQUEST.set("req-7")
        with pytest.raises(ValueError, match="no such plan"):
            await run_cooperatively(failing)
        return await run_cooperatively(REQUEST.get)

    assert asyncio.run(run()) == "req-7"


def test_outside_a_cooperative_work_the_wait_blocks_in_select() -> None:
    left, right = socket.socketpair()
    timer = threading.Timer(0.05, lambda: right.send(b"x"))
    timer.start()
    try:
        wait_for_socket(left.fileno())
        assert left.recv(1) == b"x"
    finally:
        timer.join()
        left.close()
        right.close()


def test_a_cancelled_request_finishes_its_work_before_the_cancellation_goes_on() -> None:
    # The work is mid-statement on its connection: it must end (commit or roll back) and give the
    # connection back, even when the server stops the request.
    log: list[str] = []
    left, right = socket.socketpair()

    async def run() -> None:
        task = asyncio.ensure_future(run_cooperatively(lambda: _reader(left, log, "work")))
        await asyncio.sleep(0.01)
        threading.Timer(0.05, lambda: right.send(b"late")).start()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    try:
        asyncio.run(run())
    finally:
        left.close()
        right.close()
    assert log == ["work waits", "work reads"]
