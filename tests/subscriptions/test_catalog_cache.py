"""The catalog kept per process (docs/architecture.md "The catalog cache"): a warm request reads
the stamp and no catalog table; an edit through the Django admin, another process's edit and a
rolled-back edit are each seen, or not served, at the next answer."""

import re
import uuid
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subscriptions import reasons
from subscriptions.catalog import set_ranks
from subscriptions.eligibility import evaluate_upgrade, upgrade_options
from subscriptions.models import CatalogVersion, Offer, OfferPrice, ServicePlan
from tests.admin.test_admin import form_data
from tests.factories import UserFactory
from tests.offer_names import BUSINESS, E3, E5, ESSENTIALS, PREMIUM, PROPLUS

STAMP = "subscriptions_catalogversion"
CATALOG = {
    "subscriptions_offer",
    "subscriptions_serviceplan",
    "subscriptions_offerprice",
    "subscriptions_upgradepath",
    "subscriptions_offer_service_plans",
}
BUSINESS_TARGETS = [PREMIUM, PROPLUS, E3, E5]  # by rank (docs/domain.md §2)


def catalog_reads(queries) -> list[str]:
    """The catalog tables (and the stamp) the queries read from, in order. A licensed user's
    disabled plans are the user's, not the catalog."""
    tables = []
    for query in queries:
        found = re.search(r'\bFROM "(\w+)"', query["sql"])
        if found and found[1] in CATALOG | {STAMP} and "licenseassignment" not in query["sql"]:
            tables.append(found[1])
    return tables


def get(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return captured.captured_queries


def targets(subscription) -> list[str]:
    return [option.target_offer.name for option in upgrade_options(subscription)]


def option_for(subscription, name: str):
    return next(option for option in upgrade_options(subscription) if option.target_offer.name == name)


def stamp() -> str:
    return CatalogVersion.objects.get().token


class RolledBack(Exception):
    pass


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


# --- A warm process -------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["customers:detail", "subscriptions:detail", "subscriptions:upgrade"])
def test_a_second_request_reads_the_stamp_and_no_catalog_table(agent_client, world, page):
    subscription = world.subscription(ESSENTIALS, users=2)
    url = reverse(page, args=[world.customer.pk if page == "customers:detail" else subscription.pk])

    cold = get(agent_client, url)
    warm = get(agent_client, url)

    # Cold: the stamp, then the whole catalog in one go (paths, offers, their plans, prices, the
    # bases of the add-ons).
    assert catalog_reads(cold) == [
        STAMP,
        "subscriptions_upgradepath",
        "subscriptions_offer",
        "subscriptions_serviceplan",
        "subscriptions_offerprice",
        "subscriptions_offer",
    ]
    assert catalog_reads(warm) == [STAMP]
    assert len(warm) == len(cold) - 5


def test_a_request_reads_the_stamp_once_however_often_it_answers_eligibility(agent_client, world):
    # The view answers the options, the service answers the target again under its lock, the
    # billing and the license rules read prices and plans: one stamp read for all of them.
    subscription = world.subscription(ESSENTIALS, users=2, quantity=2)
    url = reverse("subscriptions:upgrade", args=[subscription.pk])
    data = {
        "target_offer": world.offers[E3].pk,
        "quantity": 2,
        "token": uuid.uuid4(),
        "version": subscription.version,
    }

    with CaptureQueriesContext(connection) as captured:
        response = agent_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND
    assert catalog_reads(captured.captured_queries).count(STAMP) == 1


# --- Edits in this process: the Django admin ------------------------------------------------


def test_a_rank_changed_in_the_admin_list_reorders_the_next_answer(admin_client, world):
    subscription = world.subscription(BUSINESS)
    assert targets(subscription) == BUSINESS_TARGETS
    url = reverse("admin:subscriptions_offer_changelist")
    data = form_data(admin_client.get(url))
    row = next(
        key[: -len("-id")]
        for key, value in data.items()
        if key.endswith("-id") and value == [str(world.offers[E5].pk)]
    )
    data[f"{row}-rank"] = ["1"]
    data["_save"] = ["Save"]

    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND

    assert targets(subscription) == [E5, PREMIUM, PROPLUS, E3]


def offer_page_post(admin_client, offer, change) -> None:
    url = reverse("admin:subscriptions_offer_change", args=[offer.pk])
    data = form_data(admin_client.get(url))
    change(data)
    data["_save"] = ["Save"]
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]


def test_an_upgrade_path_added_in_the_admin_is_an_option_of_the_next_answer(admin_client, world):
    subscription = world.subscription(ESSENTIALS)
    assert PROPLUS not in targets(subscription)

    def add_proplus(data):
        empty = int(data["upgrade_paths-TOTAL_FORMS"][0]) - 1  # the inline's extra row
        data[f"upgrade_paths-{empty}-target_offer"] = [str(world.offers[PROPLUS].pk)]

    offer_page_post(admin_client, world.offers[ESSENTIALS], add_proplus)

    assert PROPLUS in targets(subscription)


def test_a_price_and_a_service_plan_changed_in_the_admin_are_in_the_next_answer(admin_client, world):
    subscription = world.subscription(BUSINESS)
    e3 = world.offers[E3]
    before = option_for(subscription, E3)
    assert before.price == Decimal("20.00")
    rights = ServicePlan.objects.get(plan_id="RMS_S_ENTERPRISE")  # E3's, not Business's
    assert rights.plan_id in {plan.plan_id for plan in before.service_changes.gained}

    def change(data):
        usd = next(
            key[: -len("-currency")]
            for key, value in data.items()
            if key.startswith("prices-") and key.endswith("-currency") and value == ["USD"]
        )
        data[f"{usd}-price"] = ["21.50"]
        data["service_plans"] = [pk for pk in data["service_plans"] if pk != str(rights.pk)]

    offer_page_post(admin_client, e3, change)

    after = option_for(subscription, E3)
    assert after.price == Decimal("21.50")
    assert rights.plan_id not in {plan.plan_id for plan in after.service_changes.gained}
    assert OfferPrice.objects.get(offer=e3, currency="USD").price == Decimal("21.50")


def test_ranks_set_again_by_the_catalog_are_in_the_next_answer(world):
    # `set_ranks` writes with a queryset update, which sends no signal: it bumps the stamp itself.
    e5 = world.offers[E5]
    e5.rank = 1
    e5.save(update_fields=["rank"])
    subscription = world.subscription(BUSINESS)
    assert targets(subscription)[0] == E5

    set_ranks()

    assert targets(subscription) == BUSINESS_TARGETS


# --- Another process's edit, and a rolled-back one --------------------------------------------


def test_another_processs_edit_is_seen_at_the_next_request_once_its_stamp_is(agent_client, world):
    subscription = world.subscription(BUSINESS)
    url = reverse("subscriptions:upgrade", args=[subscription.pk])

    def page_targets():
        return [option.target_offer.name for option in agent_client.get(url).context["options"]]

    assert page_targets() == BUSINESS_TARGETS
    # Another process's write, as this one sees it: no signal here, and until its transaction
    # bumps the stamp this process serves the catalog it keeps.
    Offer.objects.filter(name=E5).update(rank=1)
    assert page_targets() == BUSINESS_TARGETS

    CatalogVersion.objects.update(token=uuid.uuid4().hex)

    assert page_targets() == [E5, PREMIUM, PROPLUS, E3]


def rank_e5_first_then_roll_back(world, subscription) -> None:
    """Edit the catalog and read it inside a transaction that rolls back."""
    with pytest.raises(RolledBack), transaction.atomic():
        e5 = world.offers[E5]
        e5.rank = 1
        e5.save(update_fields=["rank"])
        assert targets(subscription)[0] == E5  # read, and kept, inside the transaction
        raise RolledBack


def test_a_catalog_read_in_a_rolled_back_transaction_is_not_served_after_it(world):
    subscription = world.subscription(BUSINESS)
    assert targets(subscription) == BUSINESS_TARGETS
    before = stamp()

    rank_e5_first_then_roll_back(world, subscription)

    assert stamp() == before
    assert Offer.objects.get(name=E5).rank != 1
    assert targets(subscription) == BUSINESS_TARGETS


def test_an_edit_after_a_rollback_never_takes_the_rolled_back_stamp(world):
    # A counter would: rolled back from n+1 to n, the next edit makes it n+1 again, the stamp of
    # the rolled-back catalog this process keeps.
    subscription = world.subscription(BUSINESS)
    rank_e5_first_then_roll_back(world, subscription)
    price = OfferPrice.objects.get(offer=world.offers[E3], currency="USD")
    price.price = Decimal("21.50")
    price.save()

    assert targets(subscription) == BUSINESS_TARGETS
    assert option_for(subscription, E3).price == Decimal("21.50")


def test_an_offer_the_kept_catalog_lacks_is_read_again_rather_than_a_key_error(world):
    subscription = world.subscription(BUSINESS)
    assert targets(subscription) == BUSINESS_TARGETS
    # A write that forgot its bump (bulk_create sends no signal): the kept catalog lacks the offer.
    [offer] = Offer.objects.bulk_create(
        [Offer(name="Test Bulk Offer", sku_part_number="X", sku_id=uuid.uuid4())]
    )

    option = evaluate_upgrade(subscription, offer)

    assert option.target_offer.name == "Test Bulk Offer"
    assert reasons.NO_UPGRADE_PATH in {reason.code for reason in option.reasons}
