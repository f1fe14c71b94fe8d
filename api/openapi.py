"""The OpenAPI document and its Swagger UI in the request's language (docs/api.md).

Every human text of the document (the API's title and description, tag and operation summaries
and descriptions, parameter and schema descriptions, the responses' reason phrases) is written in
English in the sources as a gettext msgid (`gettext_noop`): ninja builds the document from those
plain strings, then `translated` looks each one up in the active language, which the API's
middleware took from `X-Locale`, else `Accept-Language`. Building takes tens of milliseconds, so
each language's document is built once per process. Names (paths, tags, properties, components,
their titles derived from the names) and data (enums, defaults, examples) stay as they are: a
client's code reads them.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import render
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

# The keys whose string values are prose for a reader: each is a msgid.
TEXT_KEYS = frozenset({"summary", "description"})
# The keys whose values map names to objects, OpenAPI's (paths, status codes, media types,
# components) and JSON Schema's (properties): a name is never prose, even a property called
# "description".
NAME_MAPS = frozenset({"paths", "responses", "content", "schemas", "securitySchemes"}) | frozenset(
    {"properties", "patternProperties", "$defs"}
)
# The keys whose values are data a client sends or receives, not prose.
DATA_KEYS = frozenset({"default", "example", "examples", "enum", "const"})

# ninja describes each response by its status's reason phrase (http.client.responses): those of
# the statuses `schemas.answers` declares, as msgids.
REASON_PHRASES = (
    gettext_noop("OK"),
    gettext_noop("Bad Request"),
    gettext_noop("Unauthorized"),
    gettext_noop("Forbidden"),
    gettext_noop("Not Found"),
    gettext_noop("Method Not Allowed"),
    gettext_noop("Not Acceptable"),
    gettext_noop("Conflict"),
    gettext_noop("Precondition Failed"),
    gettext_noop("Unsupported Media Type"),
    gettext_noop("Too Many Requests"),
    gettext_noop("Internal Server Error"),
)


def translated(node):
    """A copy of an OpenAPI document (or any part of it) with its prose in the active language."""
    if isinstance(node, dict):
        return {key: _translated_value(key, value) for key, value in node.items()}
    if isinstance(node, list):
        return [translated(item) for item in node]
    return node


def _translated_value(key, value):
    if key in DATA_KEYS:
        return value
    if key in NAME_MAPS and isinstance(value, dict):
        return {name: translated(child) for name, child in value.items()}
    if key in TEXT_KEYS and isinstance(value, str | Promise):
        return _text(value)
    return translated(value)


def _text(msgid) -> str:
    msgid = str(msgid)
    # gettext("") is the catalog's header, not an empty text.
    return gettext(msgid) if msgid else msgid


class LocalizedNinjaAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document speaks the active language (this module's docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._documents: dict[tuple[str, str], dict] = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        language = translation.get_language() or settings.LANGUAGE_CODE
        document = self._documents.get((path_prefix, language))
        if document is None:
            document = translated(self._english_document(path_prefix))
            document["info"]["title"] = _text(self.title)
            self._documents[(path_prefix, language)] = document
        return document

    def _english_document(self, path_prefix: str) -> dict:
        """ninja's document with every msgid as written (a lazy one too), in plain JSON types."""
        with translation.override(None):
            built = super().get_openapi_schema(path_prefix=path_prefix)
            return json.loads(json.dumps(built, cls=DjangoJSONEncoder))


class LocalizedSwagger(Swagger):
    """The Swagger UI page, in the site's language as every page is (the language switcher's
    cookie, else the browser's): a person reads it. Its script sends that language as
    `X-Locale` with each request it makes, the document's and "Try it out"'s, since the API
    itself reads only headers (docs/api.md)."""

    template = "api/swagger.html"

    def render_page(self, request, api, **kwargs):
        language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        swagger_settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        with translation.override(language):
            response = render(
                request, self.template, {"swagger_settings": swagger_settings, "title": _text(api.title)}
            )
            response["Content-Language"] = language
        return response
