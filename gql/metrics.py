"""``/metrics`` in the Prometheus text format (prometheus-client).

Per GraphQL operation: requests by outcome (ok, error, unavailable) and a latency histogram; HTTP
responses by status; the portrait cache's hits and misses (hit rate = hits / (hits + misses)) and
size, and those of the cache of whole portrait answers (:mod:`ckg.gql.response_cache`); Neo4j
round trips of the async driver and sessions in use against the pool's size.

With several workers (``ckg serve --workers N``) ``ckg serve`` points ``PROMETHEUS_MULTIPROC_DIR``
at a fresh directory before the workers start: every worker writes its samples there and a scrape
of any worker answers for all of them (counters and histograms summed, gauges per worker or summed).
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

#: Latency buckets in seconds, fine below 10 ms where portraits are meant to be.
BUCKETS = (0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
           10.0)

REQUESTS = Counter("ckg_graphql_requests", "GraphQL operations by name and outcome.", ["operation", "outcome"])
LATENCY = Histogram("ckg_graphql_request_seconds", "GraphQL operation latency, parse to result.", ["operation"],
                    buckets=BUCKETS)
RESPONSES = Counter("ckg_http_responses", "HTTP responses by path and status code.", ["path", "status"])
CACHE = Counter("ckg_portrait_cache", "Portrait cache lookups by result (hit or miss).", ["result"])
RESPONSE_CACHE = Counter("ckg_response_cache", "Cached portrait answers looked up, by result (hit or miss).",
                         ["result"])
CACHE_ENTRIES = Gauge("ckg_portrait_cache_entries", "Portraits held in the cache.", multiprocess_mode="livesum")
ROUND_TRIPS = Counter("ckg_neo4j_round_trips", "Transactions sent to Neo4j by the API's async driver.")
POOL_IN_USE = Gauge("ckg_neo4j_pool_in_use", "Sessions of the async driver in use now.", multiprocess_mode="livesum")
POOL_SIZE = Gauge("ckg_neo4j_pool_size", "Connections the async driver's pool may open.", multiprocess_mode="livesum")
GROUP_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)
EVENT_GROUPS = Histogram("ckg_record_events_group_requests", "recordEvents requests stored and refreshed by one "
                         "group commit.", buckets=GROUP_BUCKETS)
REFRESH_GROUPS = Histogram("ckg_refresh_group_requests", "Requests served by one grouped incremental refresh "
                           "(refreshTags of customers, recordConsent).", buckets=GROUP_BUCKETS)
SUBSCRIPTIONS = Gauge("ckg_subscriptions", "Open portraitChanged subscriptions.", multiprocess_mode="livesum")


def round_trip_started() -> None:
    ROUND_TRIPS.inc()
    POOL_IN_USE.inc()


def round_trip_finished() -> None:
    POOL_IN_USE.dec()


def event_group(requests: int) -> None:
    EVENT_GROUPS.observe(requests)


def refresh_group(requests: int) -> None:
    REFRESH_GROUPS.observe(requests)


def cache_result(hit: bool) -> None:
    CACHE.labels("hit" if hit else "miss").inc()


def response_cache_result(hit: bool) -> None:
    RESPONSE_CACHE.labels("hit" if hit else "miss").inc()


async def metrics(request: Request) -> Response:
    CACHE_ENTRIES.set(len(request.app.state.portraits))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
