"""`/v1/customers/{c}/subscriptions/{s}/upgrades`: the upgrade list and the upgrade, on the
pages' own eligibility and engine (docs/api.md).

The list is `eligibility.upgrade_options` in Partner Center's shapes. The POST runs
`services.subscription_upgrade` with the request's `MS-RequestId` as its one-time token
(`api.idempotency`).
"""

from uuid import UUID

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Router

from api import errors, idempotency, schemas
from api.answers import offer_id
from api.v1.subscriptions import subscription_or_404
from subscriptions import eligibility, reasons, services
from subscriptions.models import AffectedAccount

router = Router(tags=["upgrades"])

PATH = "/customers/{customer_tenant_id}/subscriptions/{subscription_id}/upgrades"
# A per-user transfer failure, Partner Center's licenseErrors code (an integer: the SDK reads one).
LICENSE_MIGRATION_FAILED = 60000
NO_UPGRADE = "none"
# What an upgrade without `acceptUnlicensed` accepts to leave without a license: any number.
EVERY_ACCOUNT = 2**31 - 1


def offer_resource(offer, market: str) -> dict:
    sku = offer_id(offer.sku_id)
    new_commerce = offer.is_new_commerce
    return {
        "id": sku,
        "productId": offer.product_id if new_commerce else None,
        "skuId": offer.sku_code if new_commerce else None,
        "name": offer.name,
        "description": offer.name,
        "minimumQuantity": offer.min_quantity,
        "maximumQuantity": offer.max_quantity,
        "rank": offer.rank,
        "uri": f"/offers/{sku}",
        "locale": "en-US",
        "country": market,
        "isAddOn": bool(offer.base_offers.all()),
        # An add-on's eligible bases (docs/domain.md §2), as Partner Center's Offer lists them.
        "prerequisiteOffers": [offer_id(base.sku_id) for base in offer.base_offers.all()],
        "isAvailableForPurchase": True,
        "billing": "license",
        "supportedBillingCycles": sorted({price.billing_cycle for price in offer.prices.all()})
        or ["monthly"],
        "isAutoRenewable": True,
        "isTrial": False,
        "upgradeTargetOffers": [],
        "prices": [],
        "unitType": "Licenses",
        "links": {"self": {"uri": f"/offers/{sku}", "method": "GET", "headers": []}},
        "attributes": {"objectType": "Offer"},
    }


def upgrade_error(reason) -> dict:
    return {
        "code": reason.partner_center_code,
        "description": reason.message,
        "additionalDetails": reasons.describe_details(reason.code, reason.params) or "",
        "attributes": {"objectType": "UpgradeError"},
    }


@router.get(
    PATH,
    response=schemas.answers(schemas.UpgradeCollection),
    summary=gettext_noop("List a subscription's upgrades"),
    description=gettext_noop(
        "The upgrade page's targets, each with `isEligible`, `upgradeType` (`none` when not "
        "eligible), the default `quantity` and `upgradeErrors`: Partner Center's codes, this app's "
        "words in `description`."
    ),
)
def list_upgrades(request, customer_tenant_id: UUID, subscription_id: UUID):
    subscription = subscription_or_404(request, customer_tenant_id, subscription_id)
    market = subscription.customer.market
    items = [
        {
            "targetOffer": offer_resource(option.target_offer, market),
            "upgradeType": option.upgrade_type if option.is_eligible else NO_UPGRADE,
            "isEligible": option.is_eligible,
            "quantity": option.target_offer.default_quantity(subscription.quantity),
            "upgradeErrors": [upgrade_error(reason) for reason in option.reasons],
            "attributes": {"objectType": "Upgrade"},
        }
        for option in eligibility.upgrade_options(subscription)
    ]
    return {"totalCount": len(items), "items": items, "attributes": {"objectType": "Collection"}}


def _license_errors(operation) -> list[dict]:
    """Each account the upgrade did not move, as Partner Center's UserLicenseError."""
    accounts = operation.affected_accounts.exclude(outcome=AffectedAccount.Outcome.MOVED)
    return [
        {
            "userObjectId": account.user_object_id,
            "name": account.display_name,
            "email": account.user_principal_name,
            "errors": [
                {
                    "code": LICENSE_MIGRATION_FAILED,
                    "description": " ".join(
                        reasons.describe_account_entry(entry["code"], entry.get("params"))
                        for entry in account.services
                        if entry["code"] == account.error_code
                    )
                    or _("This account needs a license assigned by hand."),
                    "data": [account.error_code or account.outcome],
                    "source": errors.SOURCE,
                }
            ],
        }
        for account in accounts
    ]


def _result(subscription, upgrade_type: str, *, operation=None, refused=()) -> dict:
    """The UpgradeResult of an upgrade made (`operation`) or refused (its `refused` reasons)."""
    return {
        "sourceSubscriptionId": subscription.subscription_id,
        "targetSubscriptionId": operation.target_subscription.subscription_id if operation else None,
        "upgradeType": upgrade_type,
        "upgradeErrors": [upgrade_error(reason) for reason in refused],
        "licenseErrors": _license_errors(operation) if operation else [],
        "attributes": {"objectType": "UpgradeResult"},
    }


@router.post(
    PATH,
    response=schemas.answers(schemas.UpgradeResult, schemas.WRITE_ERRORS),
    summary=gettext_noop("Upgrade a subscription"),
    description=gettext_noop(
        "Send one item of the upgrade list back: only `targetOffer.id`, `quantity` and "
        "`acceptUnlicensed` are read. A refused target is a 200 with its `upgradeErrors`; a "
        "quantity outside the offer's limits is 400 with code 2002. A retry with the same "
        "`MS-RequestId` returns the first result; the same key with another body is 409."
    ),
)
@idempotency.keyed
def upgrade(request, customer_tenant_id: UUID, subscription_id: UUID, body: schemas.UpgradeIn):
    if not request.actor.may_change:
        raise errors.read_only()
    subscription = subscription_or_404(request, customer_tenant_id, subscription_id)
    options = {
        offer_id(option.target_offer.sku_id): option for option in eligibility.upgrade_options(subscription)
    }
    asked = body.targetOffer.id.strip().upper()
    option = options.get(asked)
    if option is None:  # like the page's form, a target it does not list: not an attempt
        params = {"offer": subscription.offer.name, "target": asked, "source_has_paths": bool(options)}
        return _result(subscription, NO_UPGRADE, refused=[reasons.Reason(reasons.NO_UPGRADE_PATH, params)])
    quantity = (
        body.quantity
        if body.quantity is not None
        else option.target_offer.default_quantity(subscription.quantity)
    )
    try:
        return idempotency.answer_once(
            request,
            lambda on_success: services.subscription_upgrade(
                subscription=subscription,
                target_offer=option.target_offer,
                quantity=quantity,
                actor=request.actor,
                token=idempotency.one_time_token(request),
                # Without the field, as Partner Center: whoever the quantity leaves out.
                accept_unlicensed=EVERY_ACCOUNT if body.acceptUnlicensed is None else body.acceptUnlicensed,
                on_success=on_success,
            ),
            lambda operation: _result(subscription, operation.upgrade_type, operation=operation),
        )
    except services.UpgradeRefused as refused:
        http = refused.reason.http_error  # an answer of its own, not an upgrade error (docs/domain.md §4)
        if http is not None:
            raise errors.ApiError(http.status, http.code, refused.reason.message) from None
        return _result(subscription, option.upgrade_type, refused=refused.reasons)
    except services.OutOfScope:
        raise errors.subscription_not_found(subscription_id) from None
