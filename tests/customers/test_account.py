"""The user's time zone (docs/domain.md §3): the settings page that chooses it, and every
timestamp shown in it, while calendar dates stay the UTC dates the billing rule counts."""

import csv
import datetime
import io
import re
import uuid
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.models import Partner, PartnerUser
from partnercenter import clock
from subscriptions import reasons, services
from subscriptions.models import Offer, Subscription
from tests import html
from tests.actors import acting
from tests.factories import PartnerUserFactory
from tests.offer_names import BUSINESS, E3, PREMIUM, PROPLUS
from tests.subscriptions import conftest as subscriptions_fixtures

# A partner with one customer and a signed-in agent (tests/subscriptions/conftest.py).
world = subscriptions_fixtures.world

SETTINGS_URL = "/accounts/settings/"
# 18:34 UTC is 19:34 in Paris (CET, UTC+1, in December).
EVENING = datetime.datetime(2026, 12, 1, 18, 34, tzinfo=datetime.UTC)
# 23:34 UTC is already the next day in Paris.
LATE_EVENING = datetime.datetime(2026, 12, 1, 23, 34, tzinfo=datetime.UTC)


def zone_of(user, name: str) -> None:
    PartnerUser.objects.filter(user=user).update(time_zone=name)


def upgraded_at(world, instant):
    """An upgrade made at `instant` (business time), of a subscription created that same day."""
    with clock.frozen_at(instant):
        source = world.subscription(BUSINESS, quantity=10)
        return world.upgrade(source, PROPLUS)


@pytest.fixture
def paris_client(client, world):
    zone_of(world.agent, "Europe/Paris")
    client.force_login(world.agent)
    return client


@pytest.fixture
def utc_client(world):
    colleague = PartnerUserFactory(partner=world.partner).user
    client = Client()
    client.force_login(colleague)
    return client


def summary_value(content: str, term: str, *, within: dict | None = None) -> str:
    """The value beside `term` in a summary list (`<div><dt>term</dt><dd>value</dd></div>`)."""
    root = html.parse(content)
    if within:
        root = root.find("section", **within)
    term_element = next(dt for dt in root.find_all("dt") if dt.text == term)
    return root.parent_of(term_element).find("dd").text


def report_when(client, operation) -> str:
    content = client.get(reverse("subscriptions:operation", args=[operation.pk])).content.decode()
    return summary_value(content, "When", within={"aria_labelledby": "confirmation-heading"})


# --- Timestamps in the user's zone ----------------------------------------------------------


def test_the_report_shows_when_in_the_users_zone_with_the_zone_named(paris_client, utc_client, world):
    operation = upgraded_at(world, EVENING)

    assert report_when(paris_client, operation) == "Dec. 1, 2026, 7:34 p.m. CET"
    assert report_when(utc_client, operation) == "Dec. 1, 2026, 6:34 p.m. UTC"


def test_a_french_timestamp_has_the_same_shape_on_a_24_hour_clock(paris_client, world):
    operation = upgraded_at(world, EVENING)
    paris_client.cookies["django_language"] = "fr"

    content = paris_client.get(reverse("subscriptions:operation", args=[operation.pk])).content.decode()

    assert (
        "1 décembre 2026 19:34 CET"
        in html.find(content, "section", aria_labelledby="confirmation-heading").text
    )


def test_the_reports_changed_since_list_is_in_the_users_zone(client, demo):
    # Litware's upgrade leaves an account behind with no usage location (docs/domain.md §9).
    source = Subscription.objects.get(
        customer=demo.customers["Litware, Inc."], sold_by=demo.fabrikam, offer__name=PREMIUM
    )
    with clock.frozen_at(EVENING):
        operation = services.subscription_upgrade(
            subscription=source,
            target_offer=Offer.objects.get(name=E3),
            quantity=None,
            actor=acting(demo.users["demo"]),
            token=uuid.uuid4(),
            accept_unlicensed=source.licenses.count(),
        )
    left_behind = operation.affected_accounts.filter(
        error_code=reasons.PROHIBITED_IN_USAGE_LOCATION_VIOLATION
    ).first()
    zone_of(demo.users["demo"], "Europe/Paris")
    client.force_login(demo.users["demo"])
    url = reverse("subscriptions:account-usage-location", args=[operation.pk, left_behind.pk])
    with clock.frozen_at(EVENING + datetime.timedelta(hours=1)):
        client.post(url, {"token": str(uuid.uuid4()), "usage_location": "FR"})

    content = client.get(reverse("subscriptions:operation", args=[operation.pk])).content.decode()

    assert html.find(content, "ul", class_="changes-since").find("time").text == "Dec. 1, 2026, 8:34 p.m. CET"


def test_the_activity_log_shows_times_in_the_users_zone_and_says_which(paris_client, utc_client, world):
    operation = upgraded_at(world, EVENING)

    paris = paris_client.get(reverse("subscriptions:activity")).content.decode()
    utc = utc_client.get(reverse("subscriptions:activity")).content.decode()

    paris_time = html.find(paris, "tr", id=f"operation-{operation.pk}").find("time")
    assert paris_time.text == "Dec. 1, 2026, 7:34 p.m. CET"
    assert paris_time.attrs["datetime"].startswith("2026-12-01T19:34:00")
    assert paris_time.attrs["datetime"].endswith("+01:00")
    assert "Times and date filters are in Europe/Paris." in html.find(paris, "main").text
    assert (
        html.find(utc, "tr", id=f"operation-{operation.pk}").find("time").text
        == "Dec. 1, 2026, 6:34 p.m. UTC"
    )
    assert "Times and date filters are in UTC." in html.find(utc, "main").text


def test_a_timestamp_moves_to_the_users_day_but_calendar_dates_stay_the_utc_ones(
    paris_client, utc_client, world
):
    operation = upgraded_at(world, LATE_EVENING)
    url = reverse("subscriptions:detail", args=[operation.target_subscription_id])

    paris = paris_client.get(url).content.decode()
    utc = utc_client.get(url).content.decode()

    for content in (paris, utc):
        assert summary_value(content, "Created") == "Dec. 1, 2026"
        assert summary_value(content, "Term end") == "Dec. 1, 2027"
        billing = html.find(content, "section", aria_labelledby="billing-heading")
        # The day the change was billed is a business date, the same for everyone (§8).
        assert billing.find("tbody").find_all("td")[0].text == "Dec. 1, 2026"
    history = html.find(paris, "section", aria_labelledby="history-heading").find("tbody").find_all("td")[0]
    assert history.text == "Dec. 2, 2026, 12:34 a.m. CET"
    assert html.find(utc, "section", aria_labelledby="history-heading").find("tbody").find_all("td")[
        0
    ].text == ("Dec. 1, 2026, 11:34 p.m. UTC")


def test_the_csv_writes_when_in_iso_8601_with_the_users_offset(paris_client, world):
    upgraded_at(world, EVENING)

    response = paris_client.get(reverse("subscriptions:activity-csv"))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, first, *_ = csv.reader(io.StringIO(text))
    assert header[0] == "When"
    assert first[0] == "2026-12-01T19:34:00+01:00"


@pytest.mark.parametrize(
    ("zone", "day_shown", "day_not_shown"),
    [("Europe/Paris", "2026-12-02", "2026-12-01"), ("UTC", "2026-12-01", "2026-12-02")],
)
def test_the_log_date_filters_are_whole_days_in_the_users_zone(client, world, zone, day_shown, day_not_shown):
    operation = upgraded_at(world, LATE_EVENING)
    zone_of(world.agent, zone)
    client.force_login(world.agent)

    def shown(day: str) -> bool:
        response = client.get(reverse("subscriptions:activity"), {"date_from": day, "date_to": day})
        return operation in [row.operation for row in response.context["rows"]]

    assert shown(day_shown)
    assert not shown(day_not_shown)


def test_a_user_without_a_zone_of_their_own_gets_the_partners(client, world):
    operation = upgraded_at(world, EVENING)
    Partner.objects.filter(pk=world.partner.pk).update(time_zone="America/New_York")
    client.force_login(world.agent)

    assert report_when(client, operation) == "Dec. 1, 2026, 1:34 p.m. EST"


def test_the_zone_is_the_requests_only(paris_client, world):
    paris_client.get(reverse("subscriptions:activity"))

    assert timezone.get_current_timezone_name() == "UTC"


def test_every_template_writes_one_date_format_and_one_timestamp_format():
    formats, timestamps, zoned = set(), 0, 0
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text()
        formats |= set(re.findall(r"""\|(?:date|time):["']([^"']+)["']""", text))
        timestamps += text.count('|date:"DATETIME_FORMAT"')
        zoned += len(re.findall(r'(\S+)\|date:"DATETIME_FORMAT" }} {{ \1\|date:"T" }}', text))

    # Calendar dates, timestamps (each followed by its zone), the time of day of a timestamp
    # already dated by the sentence around it, and the machine-readable <time>.
    assert formats == {"DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "T", "c"}
    assert zoned == timestamps > 0


# --- The settings page ----------------------------------------------------------------------


def test_the_header_links_the_settings_page_in_its_main_links(paris_client):
    content = paris_client.get(reverse("customers:list")).content.decode()

    assert reverse("account_settings") == SETTINGS_URL
    # Among the main links rather than beside the name: the phone's header keeps to 80 px.
    nav = html.find(content, "nav", class_="topbar__nav")
    assert nav.find("a", href=SETTINGS_URL).text == "Settings"


def test_the_settings_page_offers_every_zone_grouped_with_the_current_one_chosen(paris_client):
    response = paris_client.get(SETTINGS_URL)

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert html.find(content, "h1").text == "Settings"
    form = html.find(content, "form", class_="account-settings")
    assert form.attrs["method"] == "post" and form.attrs["action"] == SETTINGS_URL
    select = form.find("select", name="time_zone")
    assert html.find(content, "label", for_=select.attrs["id"]).text == "Time zone"
    assert select.find("option", value="").text == "Your partner's time zone (UTC)"
    europe = select.find("optgroup", label="Europe")
    assert "selected" in europe.find("option", value="Europe/Paris").attrs
    assert europe.find("option", value="Europe/Paris").text == "Paris"
    assert len(select.find_all("option")) > 300


def test_saving_a_zone_changes_only_the_users_own_setting_then_redirects(paris_client, world):
    colleague = PartnerUserFactory(partner=world.partner, time_zone="Asia/Tokyo")

    response = paris_client.post(
        SETTINGS_URL, {"time_zone": "America/New_York", "role": "billing_admin", "partner": "0"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == SETTINGS_URL
    me = PartnerUser.objects.get(user=world.agent)
    assert (me.time_zone, me.role) == ("America/New_York", PartnerUser.Role.ADMIN_AGENT)
    assert PartnerUser.objects.get(pk=colleague.pk).time_zone == "Asia/Tokyo"
    assert Partner.objects.get(pk=world.partner.pk).time_zone == "UTC"
    page = paris_client.get(SETTINGS_URL).content.decode()
    assert "Your time zone is now America/New_York." in html.find(page, "div", class_="messages").text


def test_choosing_none_falls_back_to_the_partners_zone(paris_client, world):
    response = paris_client.post(SETTINGS_URL, {"time_zone": ""}, follow=True)

    assert PartnerUser.objects.get(user=world.agent).time_zone == ""
    messages = html.find(response.content.decode(), "div", class_="messages")
    assert messages.text == "Your time zone is now your partner's, UTC."


@pytest.mark.parametrize("value", ["Mars/Olympus_Mons", "localtime", "Europe/Paris\n", "x" * 300])
def test_the_settings_form_refuses_an_unknown_zone(paris_client, world, value):
    response = paris_client.post(SETTINGS_URL, {"time_zone": value})

    content = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert html.find(content, "p", class_="field__error").text == "Choose a time zone from the list."
    assert html.find(content, "select", name="time_zone").attrs["aria_invalid"] == "true"
    assert PartnerUser.objects.get(user=world.agent).time_zone == "Europe/Paris"


def test_a_billing_admin_may_choose_their_own_zone(client, world):
    billing = PartnerUserFactory(partner=world.partner, role=PartnerUser.Role.BILLING_ADMIN)
    client.force_login(billing.user)

    response = client.post(SETTINGS_URL, {"time_zone": "Europe/Paris"})

    assert response.status_code == HTTPStatus.FOUND
    assert PartnerUser.objects.get(pk=billing.pk).time_zone == "Europe/Paris"


# --- The fields -----------------------------------------------------------------------------


def test_the_models_accept_only_known_zones(world):
    partner = Partner(name="Zone Test Partner", time_zone="Nowhere/City")
    with pytest.raises(ValidationError) as refused:
        partner.full_clean()
    assert set(refused.value.message_dict) == {"time_zone"}

    partner.time_zone = "Europe/Paris"
    partner.full_clean()
    member = PartnerUser.objects.get(user=world.agent)
    member.time_zone = "localtime"
    with pytest.raises(ValidationError):
        member.full_clean()
    member.time_zone = ""
    member.full_clean()
    assert Partner().time_zone == "UTC"


def test_both_zones_are_edited_in_django_admin(admin_client, world):
    member = PartnerUser.objects.get(user=world.agent)

    partner_page = admin_client.get(reverse("admin:customers_partner_change", args=[world.partner.pk]))
    user_page = admin_client.get(reverse("admin:customers_partneruser_change", args=[member.pk]))

    assert html.find(partner_page.content.decode(), "select", name="time_zone")
    assert html.find(user_page.content.decode(), "select", name="time_zone").find("option", value="")
