"""Who acts: a partner user today, later an API application or a system process (docs/domain.md §1).

Services take an `Actor`, never a request or a bare user, so every door (a page, the API, a
bulk job, a command) hands the engine the same thing. Each door builds its actor with one
function of its own; the operation log records the actor's kind and, for a person, the user.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import Partner, PartnerUser

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class ActorKind(models.TextChoices):
    PARTNER_USER = "partner_user", _("Partner user")
    API_APPLICATION = "api_application", _("API application")
    SYSTEM = "system", _("System")


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    partner: Partner
    # A Partner Center role (`PartnerUser.Role`): what the actor may do.
    role: str
    # The signed-in person; None for an application or a system process.
    user: "AbstractBaseUser | None" = None
    # The API application's name, as the log shows it ("via API: ..."); blank for a person.
    application_name: str = ""

    @property
    def may_change(self) -> bool:
        return self.role in PartnerUser.ROLES_THAT_MAY_CHANGE

    @property
    def sees_margin(self) -> bool:
        return self.role in PartnerUser.ROLES_THAT_SEE_MARGIN


def actor_for_partner_user(partner_user: PartnerUser) -> Actor:
    """A signed-in partner user acting through the pages."""
    return Actor(
        kind=ActorKind.PARTNER_USER,
        partner=partner_user.partner,
        role=partner_user.role,
        user=partner_user.user,
    )
