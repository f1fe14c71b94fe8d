"""Which language a page speaks: the browser's Accept-Language, the header's switcher (Django's
set_language and its cookie), `<html lang>`, and the same for sign-in, errors, the CSV and the
Django admin. URLs carry no language prefix: one address per page, in either language."""

import csv
import io
import re
import uuid
from http import HTTPStatus

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from subscriptions import services
from subscriptions.models import Offer, Subscription
from tests.actors import acting

FABRIKAM = "Fabrikam Cloud Solutions"
LIST_URL = reverse("customers:list")
SET_LANGUAGE_URL = reverse("set_language")
FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.5"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


def contoso_subscription() -> Subscription:
    return Subscription.objects.get(customer__name="Contoso Ltd", sold_by__name=FABRIKAM)


@pytest.fixture
def demo_client(client, demo):
    client.force_login(demo.users["demo"])
    return client


def test_a_french_browser_gets_french_pages(demo_client):
    response = demo_client.get(LIST_URL, **FRENCH)
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert html_lang(response) == "fr"
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]
    assert "<title>Clients · Espace partenaires</title>" in page
    assert "Aller au contenu principal" in page
    assert "19 clients" in page  # the 13 legacy customers of docs/domain.md §9 and the 6 new-commerce ones


def test_english_is_the_default_and_unknown_languages_fall_back_to_it(demo_client):
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}, ENGLISH):
        response = demo_client.get(LIST_URL, **headers)
        assert html_lang(response) == "en"
        assert "<title>Customers · Partner Center</title>" in response.content.decode()


def test_the_language_switcher_posts_to_set_language_and_comes_back_to_this_page(demo_client):
    url = f"{LIST_URL}?q=Con"
    page = demo_client.get(url, **FRENCH).content.decode()
    form = re.search(r'<form class="language-switcher"[^>]*>.*?</form>', page, re.S).group(0)
    assert f'action="{SET_LANGUAGE_URL}"' in form
    assert 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'<input type="hidden" name="next" value="{LIST_URL}?q=Con">' in form
    # A labelled select: each language named in itself, the current one chosen.
    assert '<label class="language-switcher__label" for="language-switcher-select">Langue</label>' in form
    options = re.findall(r'<option value="(\w+)" lang="\w+"( selected)?>([^<]+)</option>', form)
    assert options == [("en", "", "English"), ("fr", " selected", "Français")]
    assert '<button type="submit"' in form and ">Changer</button>" in form


def test_choosing_french_sets_the_cookie_and_wins_over_the_browser(demo_client):
    url = f"{LIST_URL}?q=Con"
    response = demo_client.post(SET_LANGUAGE_URL, {"language": "fr", "next": url}, **ENGLISH)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, cookie["httponly"], cookie["samesite"]) == ("fr", True, "Lax")

    page = demo_client.get(url, **ENGLISH)
    assert html_lang(page) == "fr"
    assert "2 clients correspondent à «\u00a0Con\u00a0»" in page.content.decode()  # Contoso, Consolidated

    demo_client.post(SET_LANGUAGE_URL, {"language": "en", "next": url}, **FRENCH)
    assert html_lang(demo_client.get(url, **FRENCH)) == "en"


def test_the_switcher_never_sends_anyone_to_another_site(demo_client):
    response = demo_client.post(SET_LANGUAGE_URL, {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == HTTPStatus.FOUND
    assert "evil.example" not in response["Location"]


def test_an_unknown_language_is_ignored(demo_client):
    demo_client.post(SET_LANGUAGE_URL, {"language": "xx", "next": LIST_URL})
    assert html_lang(demo_client.get(LIST_URL)) == "en"


def test_sign_in_page_in_french_with_its_switcher(client, demo):
    page = client.get(reverse("login"), **FRENCH).content.decode()
    assert "Se connecter à l’Espace partenaires" in page
    assert ">Nom d’utilisateur</label>" in page
    assert ">Mot de passe</label>" in page
    assert 'class="language-switcher"' in page


def test_a_wrong_password_is_explained_in_french(client, demo):
    response = client.post(reverse("login"), {"username": "demo", "password": "wrong"}, **FRENCH)
    assert response.status_code == HTTPStatus.OK
    # Django's own catalog words the sign-in error.
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_the_customer_page_speaks_french(demo_client):
    source = contoso_subscription()
    response = demo_client.get(reverse("customers:detail", args=[source.customer_id]), **FRENCH)
    page = response.content.decode()
    assert html_lang(response) == "fr"
    assert ">Abonnements</h2>" in page
    assert f'aria-label="Options de mise à niveau pour {source.friendly_name}"' in page
    assert "Mises à niveau possibles" in page
    assert ">Mettre à niveau maintenant</a>" in page
    assert "Actif" in page and "Ce partenaire" in page


def test_the_upgrade_page_and_its_billing_preview_speak_french(demo_client):
    source = contoso_subscription()
    url = reverse("subscriptions:upgrade", args=[source.pk])
    page = demo_client.get(url, **FRENCH).content.decode()
    assert "<h1>Mettre à niveau un abonnement</h1>" in page
    assert "Choisissez la nouvelle offre" in page
    assert ">Envoyer</button>" in page
    assert "20,00\u00a0$US par licence et par mois" in page
    assert "De 1 à 10\u202f000\u202f000 licences" in page

    e3 = Offer.objects.get(name="Office 365 Enterprise E3")
    fragment = demo_client.get(
        url, {"target_offer": e3.pk, "quantity": 30}, HTTP_HX_REQUEST="true", **FRENCH
    ).content.decode()
    assert "Facturation du nouvel abonnement" in fragment
    assert "600,00\u00a0$US" in fragment
    assert "Impact sur la facturation mis à jour. Net\u00a0:" in fragment


@pytest.fixture
def contoso_upgrade(demo):
    source = contoso_subscription()
    return services.subscription_upgrade(
        subscription=source,
        target_offer=Offer.objects.get(name="Office 365 Enterprise E3"),
        quantity=30,
        actor=acting(demo.users["demo"]),
        token=uuid.uuid4(),
    )


def test_the_report_and_its_csv_speak_french(demo_client, contoso_upgrade):
    page = demo_client.get(reverse("subscriptions:operation", args=[contoso_upgrade.pk]), **FRENCH)
    text = page.content.decode()
    assert "<h1>Résultat de la mise à niveau</h1>" in text
    assert "Comptes et services affectés" in text
    assert "Facturation du nouvel abonnement" in text
    assert "Télécharger le CSV" in text

    response = demo_client.get(reverse("subscriptions:operation-csv", args=[contoso_upgrade.pk]), **FRENCH)
    # French Excel separates with ";" (subscriptions/exports.py); the BOM says UTF-8.
    header, *rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert header[0] == "Nom du compte"
    assert rows, "Contoso's upgrade affects accounts"
    assert {row[4] for row in rows} <= {"Erreur", "Action", "Information"}


def test_a_missing_page_says_so_in_french(demo_client):
    response = demo_client.get("/customers/999999/", **FRENCH)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert html_lang(response) == "fr"
    assert "Page introuvable" in response.content.decode()


def test_the_error_page_follows_the_active_language():
    with translation.override("fr"):
        page = render_to_string("500.html")
    assert '<html lang="fr">' in page
    assert "Une erreur s’est produite" in page


def test_the_django_admin_speaks_french(client, demo):
    client.force_login(demo.users["admin"])
    index = client.get(reverse("admin:index"), **FRENCH)
    page = index.content.decode()
    assert index.status_code == HTTPStatus.OK
    assert '<html lang="fr"' in page
    assert "Administration de Django" in page
    # Our apps and models in French too.
    assert ">Abonnements</a>" in page and ">Offres</a>" in page and ">Clients</a>" in page

    changelist = client.get(reverse("admin:subscriptions_subscription_changelist"), **FRENCH).content.decode()
    assert "<h1>Sélectionnez l’objet abonnement à changer</h1>" in changelist
    assert "Actif" in changelist


def test_the_admin_follows_the_switchers_cookie(client, demo):
    client.force_login(demo.users["admin"])
    client.post(SET_LANGUAGE_URL, {"language": "fr", "next": reverse("admin:index")})
    assert '<html lang="fr"' in client.get(reverse("admin:index"), **ENGLISH).content.decode()
