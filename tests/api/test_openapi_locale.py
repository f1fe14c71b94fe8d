"""The OpenAPI document speaks the request's language (docs/api.md, "The docs"): French with
`X-Locale: fr-FR` (or `Accept-Language: fr`), English otherwise; the French one is the English
one with only its prose translated, all of it, in French typography; and the docs page passes
its own language on."""

import json
import re

import pytest
import schemathesis
from django.utils import translation

from api.urls import api
from tests.i18n.support import compile_french_catalog_if_stale

URL = "/api/openapi.json"
CUSTOMERS = "/api/v1/customers"
SUBSCRIPTION = "/api/v1/customers/{customer_tenant_id}/subscriptions/{subscription_id}"
NBSP, NNBSP = "\u00a0", "\u202f"
# The keys whose strings are prose (api/openapi.py), and the prose that reads the same in French.
PROSE = {"summary", "description"}
SAME_IN_FRENCH = {"OK"}


@pytest.fixture(scope="module", autouse=True)
def french_catalog():
    compile_french_catalog_if_stale()


def document(client, **headers) -> dict:
    response = client.get(URL, headers=headers)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


@pytest.fixture
def english(client) -> dict:
    return document(client)


@pytest.fixture
def french(client) -> dict:
    return document(client, **{"X-Locale": "fr-FR"})


def leaves(node, path=()):
    """Every (path, value) of a JSON document's strings, numbers, booleans and nulls."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, (*path, index))
    else:
        yield path, node


def shape(node):
    """The document without its leaves: its keys and list lengths."""
    if isinstance(node, dict):
        return {key: shape(value) for key, value in node.items()}
    if isinstance(node, list):
        return [shape(value) for value in node]
    return None


def is_prose(path) -> bool:
    """A summary or description, not a property of that name (a schema's `properties` maps names)."""
    return path[-1] in PROSE and (len(path) < 2 or path[-2] != "properties")


def test_the_french_document_is_in_french(french):
    customers = french["paths"][CUSTOMERS]["get"]
    patch = french["paths"][SUBSCRIPTION]["patch"]
    schemas = french["components"]["schemas"]
    tags = {tag["name"]: tag["description"] for tag in french["tags"]}

    assert french["info"]["title"] == "Espace partenaires (hors ligne)"
    assert french["info"]["description"].startswith("L’API REST de l’Espace partenaires")
    assert customers["summary"] == "Lister les clients"
    assert customers["description"].startswith("Les clients du partenaire, par nom.")
    assert customers["parameters"][0]["description"] == "Éléments par page, de 1 à 500."
    assert customers["responses"]["404"]["description"] == "Introuvable"
    assert patch["summary"] == "Modifier la quantité d’un abonnement"
    assert "`If-Match`, un abonnement modifié depuis cet ETag donne une 412" in patch["description"]
    assert french["paths"][f"{SUBSCRIPTION}/upgrades"]["post"]["summary"] == "Mettre à niveau un abonnement"
    assert french["paths"]["/api/v1/offers"]["get"]["parameters"][0]["description"] == (
        "Un code pays, par exemple US, IN, FR."
    )
    assert tags["catalog and audit"] == "Les offres d’un marché, et le journal des opérations du partenaire."
    assert schemas["ErrorEnvelope"]["properties"]["code"]["description"] == (
        "Le code d’erreur de l’Espace partenaires, sinon le statut HTTP."
    )
    assert schemas["SubscriptionPatch"]["description"].startswith(
        "La ressource Subscription complète avec une `quantity` modifiée, "
        f"comme dans l’Espace partenaires{NBSP}:"
    )


@pytest.mark.parametrize("headers", [{}, {"X-Locale": "en-US"}, {"Accept-Language": "en-GB,en;q=0.9"}])
def test_without_french_asked_the_document_is_in_english(client, headers):
    english = document(client, **headers)
    customers = english["paths"][CUSTOMERS]["get"]

    assert english["info"]["title"] == "Partner Center (offline)"
    assert customers["summary"] == "List the customers"
    assert customers["parameters"][0]["description"] == "Items per page, 1 to 500."
    assert customers["responses"]["404"]["description"] == "Not Found"
    assert english["components"]["schemas"]["SubscriptionPatch"]["description"].startswith(
        "The full Subscription resource with a changed `quantity`, Partner Center's way:"
    )


def test_accept_language_is_the_fallback_and_x_locale_wins_over_it(client, english, french):
    assert document(client, **{"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.8"}) == french
    assert document(client, **{"X-Locale": "en-US", "Accept-Language": "fr"}) == english
    assert document(client, **{"X-Locale": "fr-FR", "Accept-Language": "en"}) == french
    assert document(client, **{"X-Locale": "tlh", "Accept-Language": "fr"}) == french


def test_the_answer_says_its_language_and_what_it_varies_on(client):
    response = client.get(URL, headers={"X-Locale": "fr-FR"})

    assert response["Content-Language"] == "fr"
    assert {"x-locale", "accept-language"} <= {
        header.strip().lower() for header in response["Vary"].split(",")
    }


def test_the_french_document_is_the_english_one_with_only_its_prose_translated(english, french):
    assert shape(french) == shape(english)
    english_leaves = dict(leaves(english))
    changed = {path for path, value in leaves(french) if english_leaves[path] != value}

    assert changed, "something is translated"
    assert {path for path in changed if not is_prose(path)} == {("info", "title")}


def test_the_french_document_is_valid_openapi(french):
    schema = schemathesis.openapi.from_dict(french)
    schema.validate()  # against OpenAPI 3.1's own schema

    assert len([operation.ok() for operation in schema.get_all_operations()]) == 9


def test_no_english_prose_is_left_in_the_french_document(english, french):
    french_leaves = dict(leaves(french))
    prose = [(path, text) for path, text in leaves(english) if is_prose(path) and isinstance(text, str)]
    untranslated = [
        (path, text) for path, text in prose if french_leaves[path] == text and text not in SAME_IN_FRENCH
    ]

    # Operations, tags, parameters, schemas, properties, responses and the API: all of them.
    assert len(prose) > 100
    assert {path[0] for path, _ in prose} == {"info", "paths", "components", "tags"}
    assert not untranslated, "\n".join(f"{'/'.join(map(str, path))}: {text!r}" for path, text in untranslated)


def named_by(document: dict, path: tuple) -> str | None:
    """The name a title at `path` comes from: its component's or property's, or its parameter's."""
    if path[-3] in {"schemas", "properties"}:
        return path[-2]
    if path[-2] == "schema" and path[-4] == "parameters":
        node = document
        for key in path[:-2]:
            node = node[key]
        return node["name"]
    return None


def test_the_titles_left_in_english_are_names_not_prose(english, french):
    # pydantic titles each component and property by its name, as a client's code reads it.
    french_leaves = dict(leaves(french))
    titles = [(path, title) for path, title in leaves(english) if path[-1] == "title" and len(path) > 3]

    assert len(titles) > 100
    for path, title in titles:
        name = named_by(english, path)
        assert name is not None and title in {name, name.replace("_", " ").title()}, (path, title)
        assert french_leaves[path] == title


def test_the_french_prose_follows_french_typography(french):
    prose = [text for path, text in leaves(french) if is_prose(path) and isinstance(text, str)]
    prose.append(french["info"]["title"])

    for text in prose:
        assert "'" not in text, text  # the apostrophe is ’
        # A no-break space before ":", a narrow one before ";", "?" and "!".
        assert not re.search(f"[^{NBSP}]:(\\s|$)", text), text
        assert not re.search(f"[^{NNBSP}][;?!](\\s|$)", text), text


def test_each_language_s_document_is_built_once():
    with translation.override("fr"):
        french = api.get_openapi_schema(path_prefix="/api/")
        assert api.get_openapi_schema(path_prefix="/api/") is french
    with translation.override("en"):
        assert api.get_openapi_schema(path_prefix="/api/") is not french


@pytest.mark.parametrize(
    ("cookie", "accept", "language", "title"),
    [
        (None, None, "en", "Partner Center (offline)"),
        (None, "fr-FR,fr;q=0.9", "fr", "Espace partenaires (hors ligne)"),
        ("fr", "en-US,en;q=0.9", "fr", "Espace partenaires (hors ligne)"),
        ("en", "fr-FR,fr;q=0.9", "en", "Partner Center (offline)"),
    ],
)
def test_the_docs_page_is_in_the_site_s_language_and_its_script_passes_it_on(
    client, settings, cookie, accept, language, title
):
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.get("/api/docs", headers={"Accept-Language": accept} if accept else {})
    html = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in html
    assert f"<title>{title}</title>" in html
    # api-docs.js sends <html lang> as X-Locale with the document's fetch (docs/api.md).
    assert '<script src="/static/js/api-docs.js">' in html
    assert re.search(
        r'<script id="swagger-settings" type="application/json">\{.*"url": "/api/openapi.json"', html
    )
