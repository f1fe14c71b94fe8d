"""`/api/`: Partner Center's REST API, shaped like Microsoft's, on this app's engine (docs/api.md).

Paths are Partner Center's verbatim under `/api` (`/api/v1/...`), so a client's base URL is
`http://host/api`. The OpenAPI document and its Swagger UI come from the same schemas, served
from django-ninja's own static files (no CDN).
"""

from django.urls import path
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from api import errors
from api.auth import BearerToken
from api.openapi import LocalizedNinjaAPI, LocalizedSwagger
from api.throttling import PartnerThrottle
from api.token import token
from api.v1 import catalog, customers, subscriptions, upgrades

# The document's tags, as the routers name them, with what each holds.
TAGS = [
    {"name": "customers", "description": gettext_noop("The partner's customers.")},
    {
        "name": "subscriptions",
        "description": gettext_noop("A customer's subscriptions: read them, change their quantity."),
    },
    {
        "name": "upgrades",
        "description": gettext_noop("A subscription's possible upgrades, and the upgrade itself."),
    },
    {
        "name": "catalog and audit",
        "description": gettext_noop("The offers of a market, and the partner's operation log."),
    },
]


def _docs_decorator(view):
    """Read-only, and in the language the request asks for (api/openapi.py): a cache must keep
    one copy per language."""
    return require_GET(vary_on_headers("X-Locale", "Accept-Language")(view))


# Its texts are msgids, translated as the document is served (api/openapi.py).
api = LocalizedNinjaAPI(
    title=gettext_noop("Partner Center (offline)"),
    version="v1",
    description=gettext_noop("Partner Center's REST API for integrators' scripts, run against this app."),
    auth=BearerToken(),
    throttle=[PartnerThrottle()],
    urls_namespace="api",
    docs=LocalizedSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    openapi_extra={"tags": TAGS},
    docs_decorator=_docs_decorator,
)
errors.install(api)


@api.get("/_hello", include_in_schema=False)
def hello(request):
    """The benchmark's API floor (`make bench`): a bearer token checked, a JSON answer, nothing else."""
    return {"hello": request.partner.name}


api.add_router("/v1/", customers.router)
api.add_router("/v1/", subscriptions.router)
api.add_router("/v1/", upgrades.router)
api.add_router("/v1/", catalog.router)

urlpatterns = [
    path("oauth2/token", token, name="oauth2-token"),
    path("", api.urls),
]
