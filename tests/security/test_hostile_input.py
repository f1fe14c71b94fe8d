"""Hostile input, property-based (hypothesis): the upgrade and quantity forms, and every id in a URL.

Forged, foreign, missing, negative, zero, huge, non-numeric and unicode values, and one-time
tokens replayed with other parameters. Always a 4xx with a message for a plain POST (htmx gets
the same message with 200, since htmx swaps only 2xx answers), never a 500, and every table but
the append-only operation log identical before and after. An attempt that reaches the engine and
is refused is logged once, with the partner user who made it; a form error is not an attempt.

The examples are drawn inside each test (nested `@given`), so the function-scoped fixtures are
built once per test and shared by its examples on purpose: a hostile request must not change
them. The number of examples is bounded to keep CI fast.
"""

import uuid
from http import HTTPStatus
from urllib.parse import urlencode

from django.http import QueryDict
from django.test import Client
from django.urls import resolve
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customers.models import Customer
from subscriptions import eligibility, services
from subscriptions.forms import QuantityChangeForm, UpgradeForm
from subscriptions.models import AffectedAccount, Operation, Subscription
from subscriptions.quantity import assess_quantity_change
from tests.factories import (
    CustomerFactory,
    DelegatedAdminGrantFactory,
    LicenseAssignmentFactory,
    SubscriptionFactory,
)
from tests.security.figures import count, seen
from tests.security.patterns import accepts_post, url_patterns
from tests.security.registry import TENANCY_REGISTRY
from tests.security.sweep import own_urls, shows_none_of, text_of

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no .hypothesis folder in the project
    suppress_health_check=[HealthCheck.too_slow],
)

# Values a person would not type, and a few an attacker would.
HOSTILE_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "-0",
            "+5",
            "1e3",
            "0x10",
            "1.5",
            "9" * 40,
            "NaN",
            "inf",
            "١٢",  # Arabic-Indic digits
            "１０",  # fullwidth digits
            "\x00",
            "5\x00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%00",
            "../../etc/passwd",
            "{{ 7|add:7 }}",
            "null",
            "[]",
            "😀",
        ]
    ),
    st.text(max_size=40),
)
INTEGER_TEXT = st.integers(min_value=-(10**30), max_value=10**30).map(str)
MISSING = st.just(None)


def body(**fields) -> dict:
    """A POST body; a field drawn as None is left out, a list is sent as repeated values."""
    return {name: value for name, value in fields.items() if value is not None}


def as_received(data: dict) -> QueryDict:
    """The body as the view reads it (of repeated values, the last one wins)."""
    return QueryDict(urlencode(data, doseq=True))


def shows_a_message(response, *titles: str) -> bool:
    text = response.content.decode()
    return 'role="alert"' in text and any(title in text for title in titles)


# --- The forms ------------------------------------------------------------------------------


def test_hostile_upgrade_forms_are_refused_with_a_message_and_change_nothing(world, snapshot):
    source = world.subscription("Office 365 Business", users=3)
    eligible = {
        name: world.offers[name].pk for name in ("Office 365 Business Premium", "Office 365 Enterprise E3")
    }
    off_path = [
        world.offers[name].pk for name in ("Office 365 Business", "Office 365 Enterprise E1", "Power BI Pro")
    ]
    replayed = replayable_tokens(world)
    client = Client()
    client.force_login(world.agent)
    url = f"/subscriptions/{source.pk}/upgrade/"
    before = snapshot()

    @EXAMPLES
    @given(
        target_offer=st.one_of(
            st.sampled_from(list(eligible.values())).map(str),
            st.sampled_from(off_path).map(str),
            INTEGER_TEXT,
            HOSTILE_TEXT,
            MISSING,
            st.lists(st.sampled_from(list(eligible.values())).map(str), min_size=2, max_size=3),
        ),
        quantity=st.one_of(st.just("10"), INTEGER_TEXT, HOSTILE_TEXT, MISSING, st.just("301")),
        token=st.one_of(
            st.uuids().map(str),
            st.sampled_from(replayed),
            st.uuids().map(lambda value: "{" + str(value) + "}"),
            HOSTILE_TEXT,
            MISSING,
        ),
        version=st.one_of(
            st.just(str(source.version)),
            st.just(str(source.version + 1)),
            INTEGER_TEXT,
            HOSTILE_TEXT,
            MISSING,
        ),
        htmx=st.booleans(),
    )
    def attack(target_offer, quantity, token, version, htmx):
        data = body(target_offer=target_offer, quantity=quantity, token=token, version=version)
        options = eligibility.upgrade_options(source)
        form = UpgradeForm(as_received(data), options=options)
        reaches_engine = form.is_valid()
        if reaches_engine:
            option = form.options[form.cleaned_data["target_offer"]]
            # Not hostile: a valid choice on the current page with a fresh token would (rightly)
            # upgrade.
            fresh = str(form.cleaned_data["token"]) not in replayed
            current = form.cleaned_data["version"] == source.version
            if option.is_eligible and fresh and current:
                return
        logged = Operation.objects.count()

        response = client.post(url, data, headers={"HX-Request": "true"} if htmx else {})

        count("hostile_inputs")
        expected = HTTPStatus.OK if htmx else HTTPStatus.BAD_REQUEST
        assert seen(response.status_code) == expected
        assert shows_a_message(response, "Nothing was changed.")
        assert snapshot() == before
        new = Operation.objects.filter(pk__gt=last_pk(logged)) if reaches_engine else None
        assert Operation.objects.count() == logged + (1 if reaches_engine else 0)
        if reaches_engine:
            (attempt,) = new
            assert attempt.result == Operation.Result.REFUSED and attempt.actor == world.agent
            assert attempt.subscription_id == source.pk and attempt.reason_code

    attack()


def test_hostile_quantity_forms_are_refused_with_a_message_and_change_nothing(world, snapshot):
    subscription = world.subscription("Office 365 Business Essentials", users=4, quantity=10)
    replayed = replayable_tokens(world)
    client = Client()
    client.force_login(world.agent)
    url = f"/subscriptions/{subscription.pk}/licenses/"
    before = snapshot()
    today = timezone.localdate()

    @EXAMPLES
    @given(
        quantity=st.one_of(
            st.sampled_from(["0", "1", "3", "4", "10", "11", "300", "301"]),
            INTEGER_TEXT,
            HOSTILE_TEXT,
            MISSING,
        ),
        based_on=st.one_of(st.sampled_from(["10", "9", "11", "0"]), INTEGER_TEXT, HOSTILE_TEXT, MISSING),
        token=st.one_of(st.uuids().map(str), st.sampled_from(replayed), HOSTILE_TEXT, MISSING),
        htmx=st.booleans(),
    )
    def attack(quantity, based_on, token, htmx):
        data = body(quantity=quantity, based_on=based_on, token=token)
        form = QuantityChangeForm(as_received(data))
        reaches_engine = form.is_valid()
        if reaches_engine:
            refusal = assess_quantity_change(
                subscription,
                quantity=form.cleaned_data["quantity"],
                based_on=form.cleaned_data["based_on"],
                today=today,
            ).refusal
            if refusal is None and str(form.cleaned_data["token"]) not in replayed:
                return  # a valid change with a fresh token: not hostile
        logged = Operation.objects.count()

        response = client.post(url, data, headers={"HX-Request": "true"} if htmx else {})

        count("hostile_inputs")
        assert seen(response.status_code) == (HTTPStatus.OK if htmx else HTTPStatus.BAD_REQUEST)
        assert shows_a_message(response, "Nothing was changed.", "The quantity was not changed.")
        assert snapshot() == before
        assert Operation.objects.count() == logged + (1 if reaches_engine else 0)
        if reaches_engine:
            attempt = Operation.objects.get(pk=last_pk(logged + 1))
            assert attempt.result == Operation.Result.REFUSED and attempt.actor == world.agent
            assert attempt.kind == Operation.Kind.QUANTITY_CHANGE and attempt.reason_code

    attack()


def test_hostile_previews_in_the_query_string_show_errors_and_change_nothing(world, snapshot):
    source = world.subscription("Office 365 Business", users=2)
    client = Client()
    client.force_login(world.agent)
    before, logged = snapshot(), Operation.objects.count()

    @EXAMPLES
    @given(
        page=st.sampled_from(["upgrade", "licenses"]),
        quantity=st.one_of(INTEGER_TEXT, HOSTILE_TEXT),
        target_offer=st.one_of(INTEGER_TEXT, HOSTILE_TEXT, MISSING),
        htmx=st.booleans(),
    )
    def attack(page, quantity, target_offer, htmx):
        query = body(quantity=quantity, target_offer=target_offer)
        response = client.get(
            f"/subscriptions/{source.pk}/{page}/", query, headers={"HX-Request": "true"} if htmx else {}
        )
        count("hostile_inputs")
        assert seen(response.status_code) == HTTPStatus.OK

    attack()
    assert snapshot() == before and Operation.objects.count() == logged


def last_pk(position: int) -> int:
    """The pk of the operation at 1-based `position` in creation order (0: none)."""
    pks = list(Operation.objects.order_by("pk").values_list("pk", flat=True))
    return pks[position - 1] if position else 0


def replayable_tokens(world) -> list[str]:
    """Tokens of a real upgrade and a real quantity change, on another customer's subscriptions."""
    other = CustomerFactory(partner=world.partner, name="Replay Target")
    DelegatedAdminGrantFactory(partner=world.partner, customer=other)
    essentials = SubscriptionFactory(
        customer=other, offer=world.offers["Office 365 Business Essentials"], sold_by=world.partner
    )
    LicenseAssignmentFactory(subscription=essentials)
    upgrade_token, quantity_token = uuid.uuid4(), uuid.uuid4()
    services.subscription_upgrade(
        subscription=essentials,
        target_offer=world.offers["Office 365 Enterprise E1"],
        quantity=None,
        actor=world.actor,
        token=upgrade_token,
    )
    power_bi = SubscriptionFactory(
        customer=other, offer=world.offers["Power BI Pro"], sold_by=world.partner, quantity=5
    )
    services.subscription_change_quantity(
        subscription=power_bi, quantity=6, based_on=5, actor=world.actor, token=quantity_token
    )
    return [str(upgrade_token), str(quantity_token)]


# --- Every id in a URL ----------------------------------------------------------------------


def visible_ids(tenancy) -> dict[str, set[int]]:
    """The ids the viewer may reach, per URL parameter: a hostile id must not be one of them."""
    fabrikam = tenancy.demo.fabrikam
    sold = Subscription.objects.in_scope_of(fabrikam)
    return {
        "customer_id": set(Customer.objects.for_partner(fabrikam).values_list("pk", flat=True)),
        "subscription_id": set(sold.values_list("pk", flat=True)),
        "operation_id": set(Operation.objects.filter(subscription__in=sold).values_list("pk", flat=True)),
        "account_id": set(
            AffectedAccount.objects.filter(operation__subscription__in=sold).values_list("pk", flat=True)
        ),
    }


def test_hostile_ids_in_every_url_are_not_found_and_change_nothing(tenancy, viewer_client, snapshot):
    visible = visible_ids(tenancy)
    patterns = [pattern for pattern in url_patterns() if pattern.name in TENANCY_REGISTRY]
    assert patterns and all(set(pattern.parameters) <= set(visible) for pattern in patterns), (
        "a new kind of id: say in visible_ids() which of them the viewer may reach"
    )
    foreign = sorted(
        {
            value
            for route in TENANCY_REGISTRY.values()
            for kwargs in route.foreign.values()
            for value in kwargs(tenancy).values()
        }
    )
    highest = max(max(ids) for ids in visible.values())
    takes_post = {
        pattern.name: accepts_post(viewer_client, pattern.path(**dict.fromkeys(pattern.parameters, 1)))
        for pattern in patterns
    }
    before, logged = snapshot(), Operation.objects.count()

    @settings(EXAMPLES, max_examples=60)
    @given(
        pattern=st.sampled_from(patterns),
        value=st.one_of(
            st.sampled_from(foreign).map(str),
            st.integers(min_value=highest + 1, max_value=highest + 10**6).map(str),  # missing
            st.sampled_from(["0", "-1", "00", "2147483648", "9223372036854775808", "9" * 40]),
            INTEGER_TEXT,
            HOSTILE_TEXT,
        ),
    )
    def attack(pattern, value):
        path = pattern.path(**dict.fromkeys(pattern.parameters, value))
        try:
            match = resolve(path)
        except Exception:  # noqa: BLE001 - the resolver says 404 for anything it cannot match
            match = None
        if match and any(match.kwargs[name] in visible[name] for name in pattern.parameters):
            return  # the viewer's own object, reached by another spelling: not hostile
        response = viewer_client.get(path)
        assert seen(response.status_code) == HTTPStatus.NOT_FOUND, path
        assert "Page not found" in response.content.decode()
        count("hostile_inputs")
        if takes_post[pattern.name]:
            data = TENANCY_REGISTRY[pattern.name].data(tenancy)
            response = viewer_client.post(path, data)
            assert seen(response.status_code) == HTTPStatus.NOT_FOUND, path
            count("hostile_inputs")
        assert Operation.objects.count() == logged, "a 404 is not the partner's activity"

    attack()
    assert snapshot() == before


def test_hostile_query_strings_on_every_page_never_fail_and_never_reveal_another_partner(
    tenancy, viewer_client, snapshot
):
    pages = [url for url in own_urls(tenancy) if url.name not in {"logout", "set_language"}]
    foreign_ids = st.sampled_from(
        [
            tenancy.foreign_customer.pk,
            tenancy.foreign_subscription.pk,
            tenancy.shared_customer_subscription.pk,
        ]
    ).map(str)
    value = st.one_of(HOSTILE_TEXT, INTEGER_TEXT, foreign_ids, st.dates().map(str))
    parameters = [
        "q",
        "page",
        "kind",
        "customer",
        "result",
        "date_from",
        "date_to",
        "subscription",
        "quantity",
    ]
    before, logged = snapshot(), Operation.objects.count()

    @settings(EXAMPLES, max_examples=60)
    @given(url=st.sampled_from(pages), query=st.dictionaries(st.sampled_from(parameters), value, max_size=4))
    def attack(url, query):
        response = viewer_client.get(url.path, query)
        count("hostile_inputs")
        assert seen(response.status_code) < HTTPStatus.INTERNAL_SERVER_ERROR, (url.path, query)
        assert not shows_none_of(text_of(response), tenancy.foreign_markers), (url.path, query)

    attack()
    assert snapshot() == before and Operation.objects.count() == logged
