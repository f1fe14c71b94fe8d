"""The signed-in floor: what every partner page pays before it reads a customer.

Two queries, whatever the page: the session, then the user with their partner user and
partner joined (partnercenter/sessions.py, partnercenter/authentication.py); the header
looks nothing up (partnercenter/page_header.py).
"""

import datetime
from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnercenter.authentication import signed_in_user
from partnercenter.static_files import StaticFilesStorage
from tests.html import find


def test_the_signed_in_floor_reads_the_session_and_one_joined_user_row(client, demo):
    client.force_login(demo.users["demo"])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("signed-in-floor"))

    assert response.status_code == HTTPStatus.OK
    assert [query["sql"].split(" FROM ")[1].split()[0].strip('"') for query in queries] == [
        "django_session",
        "auth_user",
    ]
    # The header is the whole page: the user, the partner, the role, the navigation.
    header = find(response.content, "header", class_="topbar").text
    assert "demo Fabrikam Cloud Solutions ·Admin agent" in header


def test_every_partner_page_pays_the_floor_once(client, demo, django_assert_max_num_queries):
    # A page that reads a customer adds its own queries to the floor's two, nothing for the header.
    client.force_login(demo.users["demo"])

    with django_assert_max_num_queries(5):
        response = client.get(reverse("customers:list"))

    assert response.status_code == HTTPStatus.OK


def test_the_header_links_and_languages_are_the_sites(client, demo):
    client.force_login(demo.users["demo"])

    page = client.get(reverse("signed-in-floor")).content.decode()

    for name in ("customers:list", "subscriptions:activity", "account_settings", "logout", "set_language"):
        assert f'"{reverse(name)}"' in page, name
    assert '<option value="en" lang="en" selected>English</option>' in page
    assert '<option value="fr" lang="fr">Français</option>' in page


def test_the_session_user_comes_with_partner_user_and_partner(demo, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = signed_in_user(demo.users["demo"].pk)
        partner = user.partner_user.partner

    assert partner == demo.fabrikam
    assert user.partner_user.user is user


def test_a_user_without_partner_user_is_known_to_have_none_without_a_query(db, django_assert_num_queries):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")

    with django_assert_num_queries(1):
        user = signed_in_user(admin.pk)
        assert not hasattr(user, "partner_user")

    assert user == admin
    assert signed_in_user(admin.pk + 1000) is None


def test_the_django_admin_superuser_still_gets_403_on_a_partner_page(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("signed-in-floor"))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert len(queries) == 2


def test_a_deactivated_user_is_signed_out_at_the_next_request(client, demo):
    client.force_login(demo.users["demo"])
    get_user_model().objects.filter(pk=demo.users["demo"].pk).update(is_active=False)

    response = client.get(reverse("signed-in-floor"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_an_expired_session_signs_out_and_a_forged_one_reads_as_empty(client, demo):
    client.force_login(demo.users["demo"])
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    assert client.get(reverse("signed-in-floor")).status_code == HTTPStatus.FOUND

    client.force_login(demo.users["demo"])
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(session_data="forged:data")
    assert client.get(reverse("signed-in-floor")).status_code == HTTPStatus.FOUND


def test_a_static_url_is_worked_out_once_and_collectstatic_still_asks_afresh(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    manifest = '{"paths": {"css/app.css": "css/app.0123.css"}, "version": "1.1"}'
    (tmp_path / "staticfiles.json").write_text(manifest)
    storage = StaticFilesStorage()

    assert storage.url("css/app.css") == "/static/css/app.0123.css"
    storage.hashed_files["css/app.css"] = "css/app.4567.css"  # the manifest cannot change under a process
    assert storage.url("css/app.css") == "/static/css/app.0123.css"
    assert storage.url("css/app.css", force=True) == "/static/css/app.4567.css"
