"""Page weight as Chromium receives it: what every response of a page load cost on the wire.

Used by `make bench` (against gunicorn) and by tests/perf/test_page_weight.py (against a test
server with whitenoise serving collected, compressed static files). Sizes come from Chromium
itself (Playwright's `Request.sizes()`): `responseBodySize` is the body as received, i.e.
compressed when the server compressed it, and `responseHeadersSize` the response headers.
"""

from dataclasses import dataclass

# The target: Contoso's subscription list with every asset it loads, under 60 KB.
BUDGET_BYTES = 60 * 1024


@dataclass(frozen=True)
class Transfer:
    url: str
    status: int
    content_encoding: str
    body_bytes: int
    header_bytes: int
    cache_control: str = ""

    @property
    def total_bytes(self) -> int:
        return self.body_bytes + self.header_bytes


def load_and_measure(page, url: str) -> list[Transfer]:
    """Open `url` in `page` (a fresh context: nothing cached) and list every response it received."""
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url, wait_until="networkidle")
    transfers = []
    for request in finished:
        response = request.response()
        sizes = request.sizes()
        transfers.append(
            Transfer(
                url=request.url,
                status=response.status if response else 0,
                content_encoding=(response.headers.get("content-encoding", "") if response else ""),
                body_bytes=sizes["responseBodySize"],
                header_bytes=sizes["responseHeadersSize"],
                cache_control=(response.headers.get("cache-control", "") if response else ""),
            )
        )
    return transfers


def describe(transfers: list[Transfer]) -> str:
    lines = [
        f"  {t.total_bytes:>7,} B  {t.status}  {t.content_encoding or 'identity':<8} {t.url}"
        for t in transfers
    ]
    lines.append(f"  {sum(t.total_bytes for t in transfers):>7,} B  total ({len(transfers)} responses)")
    return "\n".join(lines)


def launch_chromium(playwright, executable_path: str):
    # The same flags as the browser tests (tests/conftest.py): Debian's Chromium, no download.
    return playwright.chromium.launch(
        executable_path=executable_path,
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
