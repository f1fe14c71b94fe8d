"""The demo's API applications, with fixed credentials printed beside the demo sign-ins
(docs/api.md): well-known secrets, so `seed_demo` refuses them when DEBUG is off, as it does
the demo passwords."""

from dataclasses import dataclass

from api.models import ApiApplication
from customers.models import Partner, PartnerUser
from subscriptions.demo_data import FABRIKAM, NORTHWIND


@dataclass(frozen=True)
class DemoApplication:
    client_id: str
    secret: str
    partner: str
    role: str
    name: str


DEMO_APPLICATIONS = [
    DemoApplication(
        "fabrikam-demo-app",
        "fabrikam-demo-secret",
        FABRIKAM,
        PartnerUser.Role.ADMIN_AGENT,
        "Fabrikam demo script",
    ),
    DemoApplication(
        "fabrikam-billing-app",
        "fabrikam-billing-secret",
        FABRIKAM,
        PartnerUser.Role.BILLING_ADMIN,
        "Fabrikam billing report",
    ),
    DemoApplication(
        "northwind-demo-app",
        "northwind-demo-secret",
        NORTHWIND,
        PartnerUser.Role.ADMIN_AGENT,
        "Northwind demo script",
    ),
]


def seed_api_applications() -> None:
    """Create the demo applications that are missing; an existing one keeps its secret."""
    partners = {partner.name: partner for partner in Partner.objects.filter(name__in={FABRIKAM, NORTHWIND})}
    for demo in DEMO_APPLICATIONS:
        if ApiApplication.objects.filter(client_id=demo.client_id).exists():
            continue
        application = ApiApplication(
            partner=partners[demo.partner], name=demo.name, client_id=demo.client_id, role=demo.role
        )
        application.set_secret(demo.secret)
        application.save()
