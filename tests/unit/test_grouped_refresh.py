"""The API's grouped incremental refresh (gql.grouped_refresh): one run at a time per worker, each for
every request waiting, every request answered with its own group's outcome."""

from __future__ import annotations

import asyncio

import pytest

from ckg.gql.grouped_refresh import GroupedRefresh


class Recorder:
    """A refresh that records its calls and holds each until released (or fails when told to)."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.running = 0
        self.most_at_once = 0
        self.release = asyncio.Event()
        self.fail_next: Exception | None = None

    async def __call__(self, customers: list[str]) -> str:
        self.calls.append(customers)
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await self.release.wait()
            if self.fail_next is not None:
                exc, self.fail_next = self.fail_next, None
                raise exc
            return f"run {len(self.calls)}"
        finally:
            self.running -= 1


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_requests_arriving_during_a_refresh_share_the_next_one() -> None:
    async def scenario() -> None:
        run = Recorder()
        grouped: GroupedRefresh[str] = GroupedRefresh(run)
        first = asyncio.create_task(grouped.refresh(["c1"]))
        await settle()
        assert run.calls == [["c1"]]
        later = [asyncio.create_task(grouped.refresh(ids)) for ids in (["c3", "c2"], ["c2"], ["c4"])]
        await settle()
        assert run.calls == [["c1"]], "nothing else runs while the first refresh does"
        run.release.set()
        assert await first == "run 1"
        assert await asyncio.gather(*later) == ["run 2"] * 3
        assert run.calls == [["c1"], ["c2", "c3", "c4"]]
        assert run.most_at_once == 1

    asyncio.run(scenario())


def test_a_failed_refresh_fails_its_group_only() -> None:
    async def scenario() -> None:
        run = Recorder()
        grouped: GroupedRefresh[str] = GroupedRefresh(run)
        run.fail_next = RuntimeError("Neo4j went away")
        group = [asyncio.create_task(grouped.refresh([c])) for c in ("a", "b")]
        await settle()
        after = asyncio.create_task(grouped.refresh(["c"]))
        run.release.set()
        outcomes = await asyncio.gather(*group, return_exceptions=True)
        assert all(isinstance(o, RuntimeError) and str(o) == "Neo4j went away" for o in outcomes)
        assert await after == "run 2"
        assert run.calls == [["a", "b"], ["c"]]

    asyncio.run(scenario())


def test_a_request_whose_client_left_does_not_stop_its_group() -> None:
    async def scenario() -> None:
        run = Recorder()
        grouped: GroupedRefresh[str] = GroupedRefresh(run)
        gone = asyncio.create_task(grouped.refresh(["a"]))
        stays = asyncio.create_task(grouped.refresh(["b"]))
        await settle()
        gone.cancel()
        await settle()
        assert run.calls == [["a", "b"]] and run.running == 1
        run.release.set()
        assert await stays == "run 1"
        with pytest.raises(asyncio.CancelledError):
            await gone
        await grouped.close()
        assert run.calls == [["a", "b"]]

    asyncio.run(scenario())


def test_a_group_stops_at_the_most_customers_and_the_rest_wait_for_the_next() -> None:
    async def scenario() -> None:
        run = Recorder()
        run.release.set()
        groups: list[tuple[int, int]] = []
        grouped: GroupedRefresh[str] = GroupedRefresh(
            run, max_customers=3, on_group=lambda requests, customers: groups.append((requests, customers)))
        asks = [["a", "b"], ["b", "c"], ["d"], ["e", "f", "g", "h"], ["i"]]
        answers = await asyncio.gather(*(grouped.refresh(ids) for ids in asks))
        # one request alone may pass the bound; others join a group only while it stays within it
        assert run.calls == [["a", "b", "c"], ["d"], ["e", "f", "g", "h"], ["i"]]
        assert answers == ["run 1", "run 1", "run 2", "run 3", "run 4"]
        assert groups == [(2, 3), (1, 1), (1, 4), (1, 1)]

    asyncio.run(scenario())
