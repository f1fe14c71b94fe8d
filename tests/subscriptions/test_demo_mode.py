"""The demo (`make run`): served on the port asked for, and with the app's own error pages.

`DEMO_MODE` (on under `make run`) shows a visitor the app's 404 and 403 pages, in their language,
even though the demo runs with DEBUG on, where Django would show its technical 404 page.
"""

import re
import subprocess
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import CustomerFactory, PartnerFactory

ROOT = Path(__file__).resolve().parents[2]
# A line of Django's technical 404 page, the one DEMO_MODE must never show.
TECHNICAL_404 = "because you have <code>DEBUG = True</code>"


@pytest.fixture
def demo_mode(settings):
    settings.DEBUG = True
    settings.DEMO_MODE = True
    return settings


@pytest.fixture
def billing_client(client, demo):
    client.force_login(demo.users["billing"])
    return client


def other_partners_customer_url() -> str:
    return reverse("customers:detail", args=[CustomerFactory(partner=PartnerFactory()).pk])


# --- The error pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "text"),
    [
        ("en", "Page not found", "This page does not exist, or it belongs to a customer you do not serve."),
        ("fr", "Page introuvable", "Cette page n’existe pas"),
    ],
)
def test_in_demo_mode_a_missing_page_is_the_apps_404_in_the_chosen_language(
    billing_client, demo_mode, language, title, text
):
    billing_client.cookies["django_language"] = language

    for url in ("/no-such-page/", other_partners_customer_url()):
        response = billing_client.get(url)

        assert response.status_code == HTTPStatus.NOT_FOUND
        content = response.content.decode()
        assert TECHNICAL_404 not in content, url
        assert f"<title>{title}" in content, url
        assert text in content, url
        assert f'<html lang="{language}">' in content


def test_in_demo_mode_the_404_of_a_partner_page_stays_uncached_and_under_the_csp(billing_client, demo_mode):
    response = billing_client.get(other_partners_customer_url())

    assert "no-store" in response["Cache-Control"]
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()


def test_in_demo_mode_a_signed_out_visitor_gets_the_apps_404_too(client, db, demo_mode):
    response = client.get("/no-such-page/", headers={"accept-language": "fr"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert TECHNICAL_404 not in response.content.decode()
    assert "Page introuvable" in response.content.decode()


@pytest.mark.parametrize(("language", "title"), [("en", "Not allowed"), ("fr", "Action non autorisée")])
def test_in_demo_mode_a_refused_role_gets_the_apps_403_in_the_chosen_language(
    billing_client, demo, demo_mode, language, title
):
    subscription = demo.customers["Contoso Ltd"].subscriptions.first()
    billing_client.cookies["django_language"] = language

    response = billing_client.get(reverse("subscriptions:upgrade", args=[subscription.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert f"<title>{title}" in response.content.decode()


def test_without_demo_mode_debug_keeps_djangos_technical_404(billing_client, settings):
    settings.DEBUG = True
    settings.DEMO_MODE = False

    for url in ("/no-such-page/", other_partners_customer_url()):
        response = billing_client.get(url)

        assert response.status_code == HTTPStatus.NOT_FOUND
        assert TECHNICAL_404 in response.content.decode(), url


def test_demo_mode_is_off_unless_the_environment_turns_it_on():
    from partnercenter import settings as project_settings

    assert project_settings.DEMO_MODE is False


# --- make run PORT= and the URL seed_demo prints ---------------------------------------------------


def make_run(*args: str) -> str:
    """The commands `make run` would run, without running them."""
    result = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_make_run_serves_on_the_port_asked_for_in_demo_mode_and_seed_demo_prints_it():
    commands = make_run("PORT=8123")

    assert re.search(r"^DEMO_MODE=1 \S+ manage\.py runserver 127\.0\.0\.1:8123$", commands, re.M), commands
    assert re.search(r"manage\.py seed_demo --url http://127\.0\.0\.1:8123/$", commands, re.M), commands
    assert ":8000" not in commands


def test_make_run_serves_on_port_8000_by_default():
    commands = make_run()

    assert re.search(r"manage\.py runserver 127\.0\.0\.1:8000$", commands, re.M), commands
    assert re.search(r"manage\.py seed_demo --url http://127\.0\.0\.1:8000/$", commands, re.M), commands


def test_seed_demo_prints_the_url_it_is_told_the_demo_is_served_at(demo):
    out = StringIO()

    call_command("seed_demo", "--url", "http://127.0.0.1:8123", allow_demo_passwords=True, stdout=out)

    output = out.getvalue()
    assert "Sign in at http://127.0.0.1:8123/ with:" in output
    assert "Django admin: http://127.0.0.1:8123/admin/" in output
    assert ":8000" not in output
