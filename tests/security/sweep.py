"""Every URL of the project as the viewer's own object: the roles and CSRF sweeps post to these."""

from dataclasses import dataclass

from django.urls import reverse

from tests.security.patterns import UrlPattern, accepts_post, url_patterns
from tests.security.registry import TENANCY_REGISTRY
from tests.security.world import Tenancy

# Views of the account rather than of the partner's data: any signed-in user, whatever its role,
# may sign in, sign out, choose a language and a time zone, and be redirected from / (a
# RedirectView answers a POST with the same redirect). They are still CSRF-protected.
ACCOUNT_VIEWS = {"login", "logout", "set_language", "account_settings", "home"}


@dataclass(frozen=True)
class OwnUrl:
    pattern: UrlPattern
    path: str
    data: dict

    @property
    def name(self) -> str:
        return self.pattern.name


def own_urls(tenancy: Tenancy) -> list[OwnUrl]:
    """Each pattern pointed at the viewer's own object (or none), with a plausible POST body."""
    urls = []
    for pattern in url_patterns():
        route = TENANCY_REGISTRY.get(pattern.name)
        assert route is not None or not pattern.parameters, (
            f"{pattern.name} takes an object id: register it in tests/security/registry.py"
        )
        if route is None:
            urls.append(OwnUrl(pattern, reverse(pattern.name), {}))
        else:
            path = reverse(pattern.name, kwargs=route.own(tenancy))
            urls.append(OwnUrl(pattern, path, route.data(tenancy)))
    return urls


def urls_taking_post(client, tenancy: Tenancy) -> list[OwnUrl]:
    return [url for url in own_urls(tenancy) if accepts_post(client, url.path)]


def text_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def shows_none_of(content: str, markers: list[str]) -> list[str]:
    """The markers found in `content`, raw or HTML-escaped."""
    escaped = {marker: marker.replace("'", "&#x27;").replace("&", "&amp;") for marker in markers}
    return [marker for marker in markers if marker in content or escaped[marker] in content]
