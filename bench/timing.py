"""Timing requests in this process with Django's test Client, each page between its floors.

Every timed request of a page is preceded by one of `/_hello/` and one of its own floor, so the
floors are measured under the same machine state as the page (interleaved, not batched).
Queries are counted with a connection wrapper on every timed request (no SQL is kept, so
counting costs next to nothing).
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.database import BenchError

WARM_UPS = 2  # requests of each page before the timed ones


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@dataclass
class Measured:
    name: str
    samples_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def add(self, elapsed_ms: float, queries: int) -> None:
        self.samples_ms.append(elapsed_ms)
        self.queries.append(queries)

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        if len(self.samples_ms) < 20:
            return max(self.samples_ms)  # with few samples the highest is the honest p95
        return statistics.quantiles(self.samples_ms, n=20, method="inclusive")[18]

    @property
    def query_count(self) -> str:
        counts = sorted(set(self.queries))
        return str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"


@dataclass(frozen=True)
class Request:
    name: str
    url: str
    method: str = "get"
    data: dict | None = None
    headers: dict | None = None
    expect: int = 200
    user: str = "demo"  # which signed-in client sends it
    content_type: str | None = None  # the body's type (the Client encodes a dict as JSON)
    # A write: (round) -> the request to send in that round, so that every round changes data
    # (a new value, a new idempotency key) instead of replaying the first.
    each_round: Callable | None = None

    def for_round(self, number: int) -> "Request":
        return self.each_round(number) if self.each_round else self


def send(client, request: Request) -> tuple[float, int, object]:
    from django.db import connection

    counter = QueryCounter()
    kwargs = {"headers": request.headers or {}}
    if request.data is not None:
        kwargs["data"] = request.data
    if request.content_type is not None:
        kwargs["content_type"] = request.content_type
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        response = getattr(client, request.method)(request.url, **kwargs)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # a download is timed to its last byte
        elapsed_ms = (time.perf_counter() - start) * 1000
    if response.status_code != request.expect:
        raise BenchError(
            f"{request.method.upper()} {request.url} answered {response.status_code}, not {request.expect}"
        )
    return elapsed_ms, counter.count, response


def measure(clients: dict, floors: dict[str, Request], pages: list[tuple[Request, str]], iterations: int):
    """Each page `iterations` times, each time right after every floor it is compared with.

    `floors` maps a floor's key to its request; `pages` lists (request, floor key). Returns the
    floors' and the pages' measures, by key and in order.
    """
    for request in [*floors.values(), *(request for request, _ in pages)]:  # warm caches
        for number in range(WARM_UPS):
            send(clients[request.user], request.for_round(number))
    floor_measures = {key: Measured(request.name) for key, request in floors.items()}
    page_measures = [Measured(request.name) for request, _ in pages]
    for number in range(WARM_UPS, WARM_UPS + iterations):
        for (request, floor), measured in zip(pages, page_measures, strict=True):
            for key in dict.fromkeys(["hello", floor]):
                floor_measures[key].add(*send(clients[floors[key].user], floors[key])[:2])
            measured.add(*send(clients[request.user], request.for_round(number))[:2])
    return floor_measures, page_measures
