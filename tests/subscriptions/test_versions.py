"""A subscription's version moves on every write, whoever makes it (docs/domain.md §3)."""

from http import HTTPStatus

from django.urls import reverse

from subscriptions.models import Subscription
from tests.admin.test_admin import form_data
from tests.factories import UserFactory
from tests.offer_names import E3, ESSENTIALS


def version_of(subscription) -> int:
    return Subscription.objects.values_list("version", flat=True).get(pk=subscription.pk)


def test_a_new_subscription_starts_at_version_1(world):
    assert version_of(world.subscription(ESSENTIALS)) == 1


def test_save_moves_the_version_and_the_instance_reads_the_new_one(world):
    subscription = world.subscription(ESSENTIALS)

    subscription.friendly_name = "Renamed"
    subscription.save()
    subscription.quantity = 12
    subscription.save(update_fields=["quantity"])

    assert subscription.version == version_of(subscription) == 3
    assert isinstance(subscription.version, int)


def test_two_stale_copies_saved_one_after_the_other_both_count(world):
    subscription = world.subscription(ESSENTIALS)
    first, second = Subscription.objects.get(pk=subscription.pk), Subscription.objects.get(pk=subscription.pk)

    first.save()
    second.save()

    # The database adds one to what it holds, not to what a stale copy read.
    assert second.version == version_of(subscription) == 3


def test_a_queryset_update_moves_the_version_of_every_row_it_writes(world):
    one, two = world.subscription(ESSENTIALS), world.subscription(ESSENTIALS, quantity=3)

    Subscription.objects.filter(pk__in=[one.pk, two.pk]).update(friendly_name="Bulk renamed")

    assert version_of(one) == version_of(two) == 2


def test_the_engine_moves_the_version_of_what_it_writes(world):
    subscription = world.subscription(ESSENTIALS, quantity=10, users=1)

    world.change_quantity(subscription, 12)
    assert version_of(subscription) == 2
    operation = world.upgrade(subscription, E3)

    assert version_of(subscription) == 3
    assert version_of(operation.target_subscription) == 1


def test_an_edit_in_django_admin_moves_the_version(client, world):
    subscription = world.subscription(ESSENTIALS, quantity=10)
    client.force_login(UserFactory(username="version-admin", is_staff=True, is_superuser=True))
    url = reverse("admin:subscriptions_subscription_change", args=[subscription.pk])
    data = form_data(client.get(url))
    data["quantity"] = ["11"]
    data["_save"] = ["Save"]

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert (Subscription.objects.get(pk=subscription.pk).quantity, version_of(subscription)) == (11, 2)
    # The admin shows the version but never takes one from the form.
    assert 'name="version"' not in client.get(url).content.decode()


def test_a_save_of_no_field_writes_nothing_and_leaves_the_version(world):
    subscription = world.subscription(ESSENTIALS)

    subscription.save(update_fields=[])

    assert subscription.version == version_of(subscription) == 1
