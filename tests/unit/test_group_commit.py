"""The API's group commit (gql.group_commit): one group at a time per worker, each made of every
request waiting, every request answered with its own result or its group's error."""

from __future__ import annotations

import asyncio

import pytest

from ckg.gql.group_commit import GroupCommit


class Recorder:
    """A group's work that records its calls and holds each until released (or fails when told to);
    each item's result names the call and the item."""

    def __init__(self) -> None:
        self.calls: list[list[list[str]]] = []
        self.running = 0
        self.most_at_once = 0
        self.release = asyncio.Event()
        self.fail_next: Exception | None = None

    async def __call__(self, items: list[list[str]]) -> list[str]:
        self.calls.append(items)
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await self.release.wait()
            if self.fail_next is not None:
                exc, self.fail_next = self.fail_next, None
                raise exc
            return [f"run {len(self.calls)}: {','.join(item)}" for item in items]
        finally:
            self.running -= 1


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_requests_arriving_during_a_group_make_up_the_next_one() -> None:
    async def scenario() -> None:
        run = Recorder()
        grouped: GroupCommit[list[str], str] = GroupCommit(run, size=len, max_size=100)
        first = asyncio.create_task(grouped.submit(["c1"]))
        await settle()
        assert run.calls == [[["c1"]]]
        later = [asyncio.create_task(grouped.submit(ids)) for ids in (["c3", "c2"], ["c2"], ["c4"])]
        await settle()
        assert run.calls == [[["c1"]]], "nothing else runs while the first group does"
        run.release.set()
        assert await first == "run 1: c1"
        assert await asyncio.gather(*later) == ["run 2: c3,c2", "run 2: c2", "run 2: c4"]
        assert run.calls == [[["c1"]], [["c3", "c2"], ["c2"], ["c4"]]]
        assert run.most_at_once == 1

    asyncio.run(scenario())


def test_a_group_failed_by_an_outage_fails_its_requests_only() -> None:
    async def scenario() -> None:
        run = Recorder()
        grouped: GroupCommit[list[str], str] = GroupCommit(
            run, size=len, max_size=100, shared=lambda exc: isinstance(exc, ConnectionError))
        run.fail_next = ConnectionError("Neo4j went away")
        group = [asyncio.create_task(grouped.submit([c])) for c in ("a", "b")]
        await settle()
        after = asyncio.create_task(grouped.submit(["c"]))
        run.release.set()
        outcomes = await asyncio.gather(*group, return_exceptions=True)
        assert all(isinstance(o, ConnectionError) and str(o) == "Neo4j went away" for o in outcomes)
        assert await after == "run 2: c"
        assert run.calls == [[["a"], ["b"]], [["c"]]], "an outage is not run again request by request"

    asyncio.run(scenario())


def test_one_request_that_fails_its_group_fails_alone() -> None:
    async def poisoned(items: list[str]) -> list[str]:
        calls.append(items)
        if "bad" in items:
            raise ValueError("Neo4j refused the statement")
        return [f"ok {item}" for item in items]

    calls: list[list[str]] = []

    async def scenario() -> None:
        grouped: GroupCommit[str, str] = GroupCommit(poisoned, size=lambda _: 1, max_size=10)
        outcomes = await asyncio.gather(*(grouped.submit(x) for x in ("a", "bad", "b")), return_exceptions=True)
        assert outcomes[0] == "ok a" and outcomes[2] == "ok b"
        assert isinstance(outcomes[1], ValueError)
        assert calls == [["a", "bad", "b"], ["a"], ["bad"], ["b"]]

    asyncio.run(scenario())


def test_a_request_whose_client_left_does_not_stop_its_group() -> None:
    async def scenario() -> None:
        run = Recorder()
        grouped: GroupCommit[list[str], str] = GroupCommit(run, size=len, max_size=100)
        gone = asyncio.create_task(grouped.submit(["a"]))
        stays = asyncio.create_task(grouped.submit(["b"]))
        await settle()
        gone.cancel()
        await settle()
        assert run.calls == [[["a"], ["b"]]] and run.running == 1
        run.release.set()
        assert await stays == "run 1: b"
        with pytest.raises(asyncio.CancelledError):
            await gone
        await grouped.close()
        assert run.calls == [[["a"], ["b"]]]

    asyncio.run(scenario())


def test_a_group_stops_at_its_size_and_the_rest_wait_for_the_next() -> None:
    async def scenario() -> None:
        run = Recorder()
        run.release.set()
        groups: list[int] = []
        grouped: GroupCommit[list[str], str] = GroupCommit(run, size=len, max_size=3, on_group=groups.append)
        asks = [["a"], ["b", "c"], ["d"], ["e", "f", "g", "h"], ["i"]]
        answers = await asyncio.gather(*(grouped.submit(ids) for ids in asks))
        # one request alone may pass the bound; others join a group only while it stays within it
        assert run.calls == [[["a"], ["b", "c"]], [["d"]], [["e", "f", "g", "h"]], [["i"]]]
        assert answers == ["run 1: a", "run 1: b,c", "run 2: d", "run 3: e,f,g,h", "run 4: i"]
        assert groups == [2, 1, 1, 1]

    asyncio.run(scenario())


def test_a_group_with_a_result_missing_fails_rather_than_answer_the_wrong_request() -> None:
    async def short(items: list[str]) -> list[str]:
        return items[:-1]

    async def scenario() -> None:
        grouped: GroupCommit[str, str] = GroupCommit(short, size=lambda _: 1, max_size=10,
                                                     shared=lambda _: True)
        outcomes = await asyncio.gather(grouped.submit("a"), grouped.submit("b"), return_exceptions=True)
        assert all(isinstance(o, RuntimeError) for o in outcomes)

    asyncio.run(scenario())


def test_a_group_cancelled_with_the_worker_leaves_no_request_waiting() -> None:
    async def scenario() -> None:
        run = Recorder()
        grouped: GroupCommit[list[str], str] = GroupCommit(run, size=len, max_size=100)
        waiting = [asyncio.create_task(grouped.submit([c])) for c in ("a", "b")]
        await settle()
        assert grouped._runner is not None
        grouped._runner.cancel()  # what stopping the event loop does to a running group
        outcomes = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), timeout=5)
        assert all(isinstance(o, asyncio.CancelledError) for o in outcomes)

    asyncio.run(scenario())
