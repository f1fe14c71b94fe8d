"""Sign-in against password guessing (django-axes): a lockout with a cool-off, on the sign-in page.

The rest of the suite runs with axes off (tests/conftest.py); these tests switch it on.
"""

import datetime
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from partnercenter.lockout import client_ip_address
from tests.factories import PartnerUserFactory
from tests.security.figures import seen

LOCKED = "Too many failed sign-in attempts for this user name. Sign-in is locked: try again in 15 minutes."


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    return settings


@pytest.fixture
def agent(db):
    return PartnerUserFactory(user__username="ada").user  # password: "password"


def sign_in(username: str, password: str, *, address: str = "203.0.113.7", client: Client | None = None):
    client = client or Client(REMOTE_ADDR=address)
    return client.post(reverse("login"), {"username": username, "password": password})


def is_signed_in(response) -> bool:
    return response.status_code == HTTPStatus.FOUND and response["Location"] == reverse("customers:list")


def minutes_pass(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=minutes))


def test_five_wrong_passwords_lock_the_user_name_out_with_a_clear_message(axes_on, agent):
    for _ in range(4):
        response = sign_in("ada", "guess")
        assert seen(response.status_code) == HTTPStatus.OK
        assert "Please enter a correct username and password" in response.content.decode()

    fifth = sign_in("ada", "guess")
    partner = Client(REMOTE_ADDR="203.0.113.7")
    right_password = sign_in("ada", "password", client=partner)

    for response in (fifth, right_password):
        assert seen(response.status_code) == HTTPStatus.TOO_MANY_REQUESTS
        content = response.content.decode()
        assert LOCKED in " ".join(content.split())
        assert '<h1 id="login-heading">Sign in to Partner Center</h1>' in content
        assert 'name="csrfmiddlewaretoken"' in content
    assert "_auth_user_id" not in partner.session
    assert seen(partner.get(reverse("customers:list")).status_code) == HTTPStatus.FOUND
    # From anywhere: the user name is locked, not only the guesser's address.
    elsewhere = sign_in("ada", "password", address="198.51.100.1")
    assert seen(elsewhere.status_code) == HTTPStatus.TOO_MANY_REQUESTS


def test_the_lockout_ends_after_the_cool_off_and_failures_during_it_do_not_extend_it(axes_on, agent):
    for _ in range(5):
        sign_in("ada", "guess")
    minutes_pass(10)
    assert seen(sign_in("ada", "guess").status_code) == HTTPStatus.TOO_MANY_REQUESTS

    minutes_pass(16)

    assert is_signed_in(sign_in("ada", "password"))


def test_one_address_trying_many_user_names_is_locked_out_too(axes_on, agent):
    for number in range(5):
        sign_in(f"someone{number}", "Summer2019!")

    assert seen(sign_in("ada", "password").status_code) == HTTPStatus.TOO_MANY_REQUESTS
    assert is_signed_in(sign_in("ada", "password", address="198.51.100.1"))


def test_a_successful_sign_in_resets_the_count(axes_on, agent):
    for _ in range(4):
        sign_in("ada", "guess")
    assert is_signed_in(sign_in("ada", "password"))

    for _ in range(4):
        assert seen(sign_in("ada", "guess").status_code) == HTTPStatus.OK
    assert is_signed_in(sign_in("ada", "password"))


def test_django_admins_sign_in_is_guarded_by_the_same_lockout(axes_on, agent):
    for _ in range(5):
        sign_in("ada", "guess")

    response = Client(REMOTE_ADDR="198.51.100.1").post(
        "/admin/login/", {"username": "ada", "password": "password", "next": "/admin/"}
    )

    assert seen(response.status_code) == HTTPStatus.TOO_MANY_REQUESTS


def test_behind_the_tls_proxy_the_address_that_counts_is_the_one_the_proxy_appended(settings):
    request = RequestFactory().post(
        "/accounts/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.7"
    )
    assert client_ip_address(request) == "10.0.0.2", "without the proxy setting, the header is ignored"

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    # The first entry came from the client and may be forged; the proxy appended the last.
    assert client_ip_address(request) == "203.0.113.7"


def test_the_rest_of_the_suite_runs_with_the_lockout_off(agent):
    for _ in range(10):
        sign_in("ada", "guess")

    assert is_signed_in(sign_in("ada", "password"))
    assert not AccessAttempt.objects.exists()


# --- Whatever is typed: the form again, with a message, and one more failure counted ---------

SIGN_IN_PAGES = {"partner": "/accounts/login/", "admin": "/admin/login/"}
# The form's message: the partner page's alert, Django admin's error note.
MESSAGE = {"partner": 'class="alert alert--error" role="alert"', "admin": 'class="errornote"'}
HOSTILE_SIGN_INS = {
    # Longer than axes' username column (255): PostgreSQL refused to store the attempt (a 500).
    "a 256-character user name": {"username": "a" * 256, "password": "guess"},
    "a 6,000-character user name": {"username": "ada" * 2000, "password": "guess"},
    # Django's form refuses a NUL before authenticating: no attempt was counted.
    "a NUL in the user name": {"username": "ada\x00", "password": "guess"},
    "a NUL in a long user name": {"username": "\x00" * 300, "password": "guess"},
    "a NUL in the password": {"username": "ada", "password": "guess\x00"},
    "an empty password": {"username": "ada", "password": ""},
    "an empty user name": {"username": "", "password": "guess"},
    "white space for a user name": {"username": "   ", "password": "guess"},
    "no field at all": {},
}
NAMED_SIGN_INS = {label: data for label, data in HOSTILE_SIGN_INS.items() if data.get("username", "").strip()}


def post_to(door: str, data: dict, *, address: str):
    return Client(REMOTE_ADDR=address).post(SIGN_IN_PAGES[door], data)


@pytest.mark.parametrize("door", SIGN_IN_PAGES)
@pytest.mark.parametrize("data", HOSTILE_SIGN_INS.values(), ids=HOSTILE_SIGN_INS)
def test_any_input_gets_the_form_back_with_a_message_and_counts_against_the_address(
    axes_on, agent, door, data
):
    for _ in range(4):
        response = post_to(door, data, address="203.0.113.7")
        assert seen(response.status_code) == HTTPStatus.OK
        assert MESSAGE[door] in response.content.decode()

    fifth = post_to(door, data, address="203.0.113.7")

    assert seen(fifth.status_code) == HTTPStatus.TOO_MANY_REQUESTS
    assert LOCKED in " ".join(fifth.content.decode().split())
    # The address is locked out, whoever signs in from it.
    assert seen(sign_in("ada", "password").status_code) == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.parametrize("door", SIGN_IN_PAGES)
@pytest.mark.parametrize("data", NAMED_SIGN_INS.values(), ids=NAMED_SIGN_INS)
def test_any_input_naming_a_user_counts_against_that_name_from_every_address(axes_on, agent, door, data):
    for number in range(5):
        assert seen(post_to(door, data, address=f"198.51.100.{number}").status_code) < 500

    again = post_to(door, data, address="192.0.2.1")

    assert seen(again.status_code) == HTTPStatus.TOO_MANY_REQUESTS
    if data["username"] == "ada":
        assert (
            seen(sign_in("ada", "password", address="192.0.2.2").status_code) == HTTPStatus.TOO_MANY_REQUESTS
        )
    else:
        assert is_signed_in(sign_in("ada", "password", address="192.0.2.2"))


def test_during_a_lockout_any_input_gets_the_lockout_page_and_does_not_extend_it(axes_on, agent):
    for _ in range(5):
        sign_in("ada", "guess")
    minutes_pass(10)
    attempts = list(AccessAttempt.objects.values_list("username", "failures_since_start", "attempt_time"))

    for data in HOSTILE_SIGN_INS.values():
        assert (
            seen(post_to("partner", data, address="203.0.113.7").status_code) == HTTPStatus.TOO_MANY_REQUESTS
        )

    assert (
        list(AccessAttempt.objects.values_list("username", "failures_since_start", "attempt_time"))
        == attempts
    )
