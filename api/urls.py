"""`/api/`: Partner Center's REST API, shaped like Microsoft's, on this app's engine (docs/api.md).

Paths are Partner Center's verbatim under `/api` (`/api/v1/...`), so a client's base URL is
`http://host/api`. The OpenAPI document and its Swagger UI come from the same schemas, served
from django-ninja's own static files (no CDN).
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from ninja import NinjaAPI

from api import errors
from api.auth import BearerToken
from api.throttling import PartnerThrottle
from api.token import token
from api.v1 import catalog, customers, subscriptions, upgrades

api = NinjaAPI(
    title="Partner Center (offline)",
    version="v1",
    description=_("Partner Center's REST API for integrators' scripts, run against this app."),
    auth=BearerToken(),
    throttle=[PartnerThrottle()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=require_GET,
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
