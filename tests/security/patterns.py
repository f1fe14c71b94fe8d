"""The project's URL patterns, walked from the root resolver, so new URLs join the sweeps by themselves."""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver

# Django admin has its own staff login and is outside the partner tenancy.
EXCLUDED_NAMESPACES = {"admin"}
# The REST API signs in with bearer tokens, not the session, and answers in its envelope: it has
# its own sweep, driven by its OpenAPI document (tests/api/test_sweep.py).
EXCLUDED_PREFIXES = ("api/",)


@dataclass(frozen=True)
class UrlPattern:
    name: str  # namespaced: "subscriptions:upgrade"
    route: str  # "subscriptions/<int:subscription_id>/upgrade/"
    parameters: tuple[str, ...]

    def path(self, **values) -> str:
        """The path with raw `values` put in, even ones `reverse()` would refuse (hostile input)."""

        def put(match):
            return quote(str(values[match.group(1)]), safe="")

        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", put, self.route)


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            name = entry.name or f"<unnamed {route}>"
            full_name = f"{namespace}:{name}" if namespace and entry.name else name
            parameters = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route)) or tuple(
                entry.pattern.regex.groupindex
            )
            yield UrlPattern(full_name, route, parameters)


def url_patterns() -> list[UrlPattern]:
    """Every URL pattern but Django admin's and the REST API's."""
    return list(_walk(get_resolver().url_patterns))


def accepts_post(client, path: str) -> bool:
    """Whether the view behind `path` takes a POST, asked with OPTIONS.

    Views wrapped in `require_GET`/`require_POST`/`require_http_methods` answer an OPTIONS with
    405 and the methods allowed, class-based views with 200 and the same header. A view that
    names no methods takes any, POST included (the safe assumption for the sweeps).
    """
    response = client.options(path)
    if "Allow" not in response:
        return True
    return "POST" in {method.strip().upper() for method in response["Allow"].split(",")}
