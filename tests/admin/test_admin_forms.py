"""Django admin's forms and lists speak the catalog's words: constraint violations as field
messages, searches by offer name that never match inside a GUID, the catalog's rank, and
quantity inputs wide enough for the largest quantity."""

import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse

from subscriptions.models import Offer, UpgradePath
from tests import html
from tests.admin.test_admin import form_data
from tests.factories import OfferFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def add_path(admin_client, source, target):
    url = reverse("admin:subscriptions_upgradepath_add")
    return admin_client.post(url, {"source_offer": source.pk, "target_offer": target.pk, "_save": "Save"})


def field_errors(response, field: str) -> str:
    page = html.parse(response.content)
    row = page.find("div", class_=f"field-{field}")
    return " ".join(error.text for error in row.find_all("ul", class_="errorlist"))


def test_a_path_to_itself_is_refused_under_the_target_field_in_words(admin_client):
    offer = OfferFactory(name="Test Business")

    response = add_path(admin_client, offer, offer)

    assert response.status_code == HTTPStatus.OK
    assert field_errors(response, "target_offer") == "An offer cannot be upgraded to itself."
    assert not UpgradePath.objects.filter(source_offer=offer).exists()


def test_a_duplicate_path_is_refused_under_the_target_field_in_words(admin_client):
    source, target = OfferFactory(name="Test Business"), OfferFactory(name="Test E3")
    UpgradePath.objects.create(source_offer=source, target_offer=target)

    response = add_path(admin_client, source, target)

    assert response.status_code == HTTPStatus.OK
    assert field_errors(response, "target_offer") == "Test Business can already be upgraded to Test E3."
    assert UpgradePath.objects.filter(source_offer=source).count() == 1


def test_the_offer_page_refuses_a_path_to_itself_in_words_too(admin_client):
    source, target = OfferFactory(name="Test Business"), OfferFactory(name="Test E3")
    url = reverse("admin:subscriptions_offer_change", args=[source.pk])
    data = form_data(admin_client.get(url))
    data["upgrade_paths-0-target_offer"] = [str(source.pk)]
    data["upgrade_paths-1-target_offer"] = [str(target.pk)]
    data["_save"] = ["Save"]

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert "An offer cannot be upgraded to itself." in response.content.decode()
    assert not UpgradePath.objects.filter(source_offer=source).exists()


def test_upgrade_paths_are_searchable_by_offer_name(admin_client, catalog):
    url = reverse("admin:subscriptions_upgradepath_changelist")

    response = admin_client.get(url, {"q": "Essentials India"})

    paths = list(response.context["cl"].result_list)
    assert paths and all(
        "Essentials India" in path.source_offer.name or "Essentials India" in path.target_offer.name
        for path in paths
    )
    assert len(paths) == UpgradePath.objects.filter(source_offer__name__contains="Essentials India").count()


def test_offer_search_matches_a_whole_sku_id_never_a_piece_of_one(admin_client, catalog):
    url = reverse("admin:subscriptions_offer_changelist")
    business = catalog["Office 365 Business"]
    piece = str(business.sku_id).split("-")[1]  # "67e3": inside the GUID, and looks like E3

    by_piece = list(admin_client.get(url, {"q": piece}).context["cl"].result_list)
    by_id = list(admin_client.get(url, {"q": str(business.sku_id)}).context["cl"].result_list)
    by_name = list(
        admin_client.get(url, {"q": "E3", "commerce_type__exact": "legacy"}).context["cl"].result_list
    )

    assert business not in by_piece
    assert by_id == [business]
    assert [offer.name for offer in by_name] == ["Office 365 Enterprise E3"]
    assert admin_client.get(url, {"q": str(uuid.uuid4())[:8]}).status_code == HTTPStatus.OK


def test_the_rank_is_edited_on_the_offer_page_and_orders_the_list(admin_client, catalog):
    e5 = catalog["Office 365 Enterprise E5"]
    url = reverse("admin:subscriptions_offer_change", args=[e5.pk])
    data = form_data(admin_client.get(url))
    assert "rank" in data
    data["rank"] = ["1"]
    data["_save"] = ["Save"]

    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND

    listing = admin_client.get(reverse("admin:subscriptions_offer_changelist"))
    assert list(listing.context["cl"].result_list)[0] == e5
    assert Offer.objects.get(pk=e5.pk).rank == 1


def test_quantity_inputs_are_wide_enough_for_ten_million(admin_client, catalog):
    page = html.parse(admin_client.get(reverse("admin:subscriptions_offer_add")).content)

    for name in ("min_quantity", "max_quantity"):
        field = page.find("input", name=name)
        assert "vBigIntegerField" in field.classes
        assert "style" not in field.attrs
