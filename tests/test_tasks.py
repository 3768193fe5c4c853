"""start_eagerly: work that never waits finishes in the caller's step; work that waits goes
on as a task with the usual await semantics (results, errors, cancellation)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from adapters.tasks import start_eagerly


async def test_work_that_never_waits_is_done_before_start_returns() -> None:
    steps: list[str] = []

    async def inner() -> int:
        steps.append("inner")
        return 41

    async def work() -> int:
        steps.append("start")
        return await inner() + 1

    future = start_eagerly(work())
    assert steps == ["start", "inner"]
    assert future.done()
    assert future.result() == 42


async def test_an_error_before_any_wait_lands_in_the_future() -> None:
    async def work() -> None:
        raise ValueError("bad input")

    future = start_eagerly(work())
    assert future.done()
    with pytest.raises(ValueError, match="bad input"):
        await future


async def test_work_that_waits_runs_up_to_the_wait_then_resumes_with_the_result() -> None:
    loop = asyncio.get_running_loop()
    gate: asyncio.Future[str] = loop.create_future()
    steps: list[str] = []

    async def work() -> str:
        steps.append("before")
        value = await gate
        steps.append("after")
        await asyncio.sleep(0)  # a bare yield, too
        return value.upper()

    future = start_eagerly(work())
    assert steps == ["before"]
    assert not future.done()
    loop.call_later(0.01, gate.set_result, "done")
    assert await asyncio.wait_for(future, 2) == "DONE"
    assert steps == ["before", "after"]


async def test_results_from_other_threads_and_errors_reach_the_work() -> None:
    loop = asyncio.get_running_loop()

    def blocking(n: int) -> int:
        if n < 0:
            raise KeyError(n)
        return n * 2 if threading.current_thread() is not threading.main_thread() else -1

    async def work() -> tuple[int, str]:
        first = await loop.run_in_executor(None, blocking, 2)
        second = await loop.run_in_executor(None, blocking, first)
        try:
            await loop.run_in_executor(None, blocking, -1)
        except KeyError as exc:
            return second, f"caught {exc}"
        return second, "not caught"

    future = start_eagerly(work())
    assert not future.done()
    assert await asyncio.wait_for(future, 5) == (8, "caught -1")


async def test_cancelling_waiting_work_cancels_it_inside_and_runs_its_cleanup() -> None:
    loop = asyncio.get_running_loop()
    gate: asyncio.Future[None] = loop.create_future()
    cleaned: list[str] = []

    async def work() -> None:
        try:
            await gate
        finally:
            cleaned.append("finally")

    future = start_eagerly(work())
    await asyncio.sleep(0)
    future.cancel()
    with pytest.raises(asyncio.CancelledError):
        await future
    assert cleaned == ["finally"]
    assert gate.cancelled()  # what it waited for was cancelled too, as with a Task


async def test_work_may_catch_a_cancellation_and_finish() -> None:
    loop = asyncio.get_running_loop()

    async def work() -> str:
        try:
            await loop.create_future()
        except asyncio.CancelledError:
            await asyncio.sleep(0)
            return "stopped cleanly"
        return "unreachable"

    future = start_eagerly(work())
    await asyncio.sleep(0)
    future.cancel()
    assert await asyncio.wait_for(future, 2) == "stopped cleanly"
