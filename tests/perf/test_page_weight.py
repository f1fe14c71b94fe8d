"""The page-weight target: Contoso's subscription list, with every asset it loads, under 60 KB as Chromium
receives it.

pytest-django's live server hands /static/ to Django's static handler (uncompressed files from
the finders), which is not what a visitor gets. Here the app is served as in production instead:
`collectstatic` into a temporary STATIC_ROOT with whitenoise's compressed manifest storage, and
a server thread running the plain WSGI handler, so whitenoise serves the collected, compressed,
far-future-cached files. Chromium asks for compression itself (Accept-Encoding), and the sizes
are the ones it reports for each response (body as received, plus headers).
"""

import re

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerThread
from django.urls import reverse

from bench.weight import BUDGET_BYTES, describe, load_and_measure

pytestmark = pytest.mark.browser

FAR_FUTURE = "max-age=315360000"


@pytest.fixture
def collected_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "partnercenter.static_files.StaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


@pytest.fixture
def production_server(transactional_db, collected_static):
    """The full middleware stack (whitenoise first) in a server thread; no static handler around it."""
    # An in-memory SQLite test database is shared with the thread, as Django's live server does.
    shared = {
        conn.alias: conn for conn in connections.all() if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread = LiveServerThread("127.0.0.1", lambda _media_handler: WSGIHandler(), shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for conn in shared.values():
        conn.dec_thread_sharing()


@pytest.fixture
def signed_in_context(browser, production_server, demo):
    client = Client()
    client.force_login(demo.users["demo"])
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": production_server,
            }
        ]
    )
    yield context
    context.close()


def test_contosos_subscription_list_with_its_assets_weighs_under_60_kb(
    signed_in_context, production_server, demo, collected_static
):
    page = signed_in_context.new_page()
    url = production_server + reverse("customers:detail", args=[demo.customers["Contoso Ltd"].pk])

    transfers = load_and_measure(page, url)

    print(describe(transfers))
    total = sum(transfer.total_bytes for transfer in transfers)
    assert total < BUDGET_BYTES, describe(transfers)
    assert all(transfer.status == 200 for transfer in transfers), describe(transfers)
    # It is the signed-in page itself, with every asset it names (responses finish in any order).
    assert [transfer.url for transfer in transfers].count(url) == 1
    assert "Upgrade now" in page.content()
    referenced = set(re.findall(r'(?:href|src)="(/static/[^"#]+)', page.content()))
    fetched = {transfer.url.removeprefix(production_server) for transfer in transfers}
    assert referenced and referenced <= fetched


def test_static_files_arrive_compressed_and_cached_for_good(
    signed_in_context, production_server, demo, collected_static
):
    page = signed_in_context.new_page()
    url = production_server + reverse("customers:detail", args=[demo.customers["Contoso Ltd"].pk])

    transfers = load_and_measure(page, url)

    assets = [transfer for transfer in transfers if "/static/" in transfer.url]
    # Hashed names (manifest storage) are cached for ten years: they never change under one name.
    assert assets and all(FAR_FUTURE in transfer.cache_control for transfer in assets), describe(transfers)
    assert all("immutable" in transfer.cache_control for transfer in assets)
    for name in ("css/app", "htmx-2.min"):
        (asset,) = [transfer for transfer in assets if name in transfer.url]
        assert asset.content_encoding in {"gzip", "br"}, describe(transfers)
        collected = collected_static / asset.url.split("/static/", 1)[1]
        assert asset.body_bytes < collected.stat().st_size / 2
