"""What the page header shows on every page that does not change while the process runs.

The header's links and the language switcher's languages are the same for every request, so
they are worked out once, not reversed and looked up again on each page: that was a third of
the signed-in floor's template time (`make bench`, BENCHMARKS.md). What does change per request
(the user, the current page, the current language, the CSRF token) stays in the template.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import capfirst
from django.utils.translation import get_language_info


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in itself: "English", "Français"


@dataclass(frozen=True)
class Header:
    customers_url: str
    activity_url: str
    settings_url: str
    sign_out_url: str
    set_language_url: str
    languages: tuple[Language, ...]


@cache
def _header(script_prefix: str, urlconf: str) -> Header:
    return Header(
        customers_url=reverse("customers:list", urlconf=urlconf),
        activity_url=reverse("subscriptions:activity", urlconf=urlconf),
        settings_url=reverse("account_settings", urlconf=urlconf),
        sign_out_url=reverse("logout", urlconf=urlconf),
        set_language_url=reverse("set_language", urlconf=urlconf),
        languages=tuple(
            Language(code, capfirst(get_language_info(code)["name_local"])) for code, _ in settings.LANGUAGES
        ),
    )


def page_header(request):
    """The template context processor: `header`, the same object for every request."""
    return {"header": _header(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)}
