"""The catalogs of docs/domain.md §2, shipped as data: the legacy one of the source article, and
"Microsoft 365 (new commerce, 2026)" (`new_commerce_catalog_data`).

`load_catalog` writes it into the database. Migration 0002 calls it with the historical models so
a fresh database has the catalog; `seed_demo` and the test fixtures call it with the real models
(a flushed test database has lost the migration's rows). It is idempotent: each catalog row is
found by its natural key (offer name, service plan id, offer and currency, source and target) and
only written when it differs. Rows the catalog does not name (an offer, price or upgrade path an
admin added) are left alone; an offer's service plans are the catalog's exactly, since they define
the offer.
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from subscriptions import new_commerce_catalog_data as nce

# Partner Center has no public SKU ids for the India offers; these are ours, fixed forever so the
# demo and the tests can rely on them.
BUSINESS_INDIA_SKU_ID = "62ae2f53-0878-4d6f-99b9-d230d15ddd4c"
ESSENTIALS_INDIA_SKU_ID = "b90d96c9-afc3-4e11-950f-695dd38b5b5d"
PREMIUM_INDIA_SKU_ID = "1d5c626c-5257-427a-ac07-8a3fcad02a2f"

INDIA = "IN"
EVERY_MARKET = ""
ENTERPRISE_MAX = 10_000_000
BUSINESS_MAX = 300

# (plan id, friendly name, family). Two plans of one family never go to one user at once.
SERVICE_PLANS = [
    ("EXCHANGE_S_STANDARD", "Exchange Online (Plan 1)", "Exchange Online"),
    ("EXCHANGE_S_ENTERPRISE", "Exchange Online (Plan 2)", "Exchange Online"),
    ("ONEDRIVESTANDARD", "OneDrive for Business (Plan 1)", "SharePoint Online"),
    ("SHAREPOINTSTANDARD", "SharePoint Online (Plan 1)", "SharePoint Online"),
    ("SHAREPOINTENTERPRISE", "SharePoint Online (Plan 2)", "SharePoint Online"),
    ("SHAREPOINTWAC", "Office Online", "Office Online"),
    ("OFFICE_BUSINESS", "Office 365 Business desktop apps", "Office desktop apps"),
    ("OFFICESUBSCRIPTION", "Office 365 ProPlus desktop apps", "Office desktop apps"),
    ("MCOSTANDARD", "Skype for Business Online (Plan 2)", "Skype for Business Online"),
    ("TEAMS1", "Microsoft Teams", "Microsoft Teams"),
    ("YAMMER_ENTERPRISE", "Yammer Enterprise", "Yammer"),
    ("PROJECTWORKMANAGEMENT", "Microsoft Planner", "Microsoft Planner"),
    ("MICROSOFTBOOKINGS", "Microsoft Bookings", "Microsoft Bookings"),
    ("O365_SB_Relationship_Management", "Outlook Customer Manager", "Outlook Customer Manager"),
    ("Deskless", "Microsoft StaffHub", "Microsoft StaffHub"),
    ("STREAM_O365_E1", "Microsoft Stream for O365 E1", "Microsoft Stream"),
    ("STREAM_O365_E3", "Microsoft Stream for O365 E3", "Microsoft Stream"),
    ("STREAM_O365_E5", "Microsoft Stream for O365 E5", "Microsoft Stream"),
    ("RMS_S_ENTERPRISE", "Azure Rights Management", "Azure Rights Management"),
    ("BI_AZURE_P2", "Power BI Pro", "Power BI"),
    ("MCOEV", "Phone System", "Phone System"),
    ("MCOMEETADV", "Audio Conferencing", "Audio Conferencing"),
    ("THREAT_INTELLIGENCE", "Office 365 Advanced Threat Protection (Plan 2)", "Advanced Threat Protection"),
    ("SWAY", "Sway", "Sway"),
    ("FORMS_PLAN_E1", "Microsoft Forms (Plan E1)", "Microsoft Forms"),
    ("FORMS_PLAN_E3", "Microsoft Forms (Plan E3)", "Microsoft Forms"),
    ("FORMS_PLAN_E5", "Microsoft Forms (Plan E5)", "Microsoft Forms"),
]

BUSINESS_PLANS = ("ONEDRIVESTANDARD", "SHAREPOINTWAC", "OFFICE_BUSINESS", "SWAY", "FORMS_PLAN_E1")
ESSENTIALS_PLANS = (
    "EXCHANGE_S_STANDARD",
    "SHAREPOINTSTANDARD",
    "SHAREPOINTWAC",
    "MCOSTANDARD",
    "TEAMS1",
    "YAMMER_ENTERPRISE",
    "PROJECTWORKMANAGEMENT",
    "SWAY",
    "FORMS_PLAN_E1",
)
PREMIUM_PLANS = (
    *ESSENTIALS_PLANS,
    "OFFICE_BUSINESS",
    "MICROSOFTBOOKINGS",
    "O365_SB_Relationship_Management",
    "Deskless",
)
PROPLUS_PLANS = ("ONEDRIVESTANDARD", "SHAREPOINTWAC", "OFFICESUBSCRIPTION", "SWAY", "FORMS_PLAN_E1")
E1_PLANS = (*ESSENTIALS_PLANS, "Deskless", "STREAM_O365_E1")
E3_PLANS = (
    "EXCHANGE_S_ENTERPRISE",
    "SHAREPOINTENTERPRISE",
    "SHAREPOINTWAC",
    "OFFICESUBSCRIPTION",
    "MCOSTANDARD",
    "TEAMS1",
    "YAMMER_ENTERPRISE",
    "PROJECTWORKMANAGEMENT",
    "Deskless",
    "STREAM_O365_E3",
    "RMS_S_ENTERPRISE",
    "SWAY",
    "FORMS_PLAN_E3",
)
E5_PLANS = (
    *(plan for plan in E3_PLANS if plan not in {"STREAM_O365_E3", "FORMS_PLAN_E3"}),
    "STREAM_O365_E5",
    "FORMS_PLAN_E5",
    "BI_AZURE_P2",
    "MCOEV",
    "MCOMEETADV",
    "THREAT_INTELLIGENCE",
)


@dataclass(frozen=True)
class CatalogOffer:
    name: str
    sku_part_number: str
    sku_id: str
    sold_in: str
    not_sold_in: str
    max_quantity: int
    # Currency -> list price per license per month; a missing currency has no price.
    prices: dict[str, str]
    plans: tuple[str, ...]
    min_quantity: int = 1


def _offer(name, sku_part_number, sku_id, markets, max_quantity, plans, prices) -> CatalogOffer:
    sold_in, not_sold_in = markets
    return CatalogOffer(name, sku_part_number, sku_id, sold_in, not_sold_in, max_quantity, prices, plans)


ALL_BUT_INDIA = (EVERY_MARKET, INDIA)
ONLY_INDIA = (INDIA, "")
ALL = (EVERY_MARKET, "")

# fmt: off
OFFERS = [
    # name, SKU part number; SKU id, (sold in, not sold in), max seats, service plans; prices
    _offer("Office 365 Business", "O365_BUSINESS",
           "cdd28e44-67e3-425e-be4c-737fab2899d3", ALL_BUT_INDIA, BUSINESS_MAX, BUSINESS_PLANS,
           {"USD": "8.25", "EUR": "8.80"}),
    _offer("Office 365 Business Essentials", "O365_BUSINESS_ESSENTIALS",
           "3b555118-da6a-4418-894f-7df1e2096870", ALL_BUT_INDIA, BUSINESS_MAX, ESSENTIALS_PLANS,
           {"USD": "5.00", "EUR": "4.20"}),
    _offer("Office 365 Business Premium", "O365_BUSINESS_PREMIUM",
           "f245ecc8-75af-4f8e-b61f-27d8114de5f3", ALL_BUT_INDIA, BUSINESS_MAX, PREMIUM_PLANS,
           {"USD": "12.50", "EUR": "10.50"}),
    _offer("Office 365 Business India", "O365_BUSINESS (IN)",
           BUSINESS_INDIA_SKU_ID, ONLY_INDIA, BUSINESS_MAX, BUSINESS_PLANS,
           {"INR": "500.00"}),
    _offer("Office 365 Business Essentials India", "O365_BUSINESS_ESSENTIALS (IN)",
           ESSENTIALS_INDIA_SKU_ID, ONLY_INDIA, BUSINESS_MAX, ESSENTIALS_PLANS,
           {"INR": "300.00"}),
    _offer("Office 365 Business Premium India", "O365_BUSINESS_PREMIUM (IN)",
           PREMIUM_INDIA_SKU_ID, ONLY_INDIA, BUSINESS_MAX, PREMIUM_PLANS,
           {"INR": "750.00"}),
    _offer("Office 365 ProPlus", "OFFICESUBSCRIPTION",
           "c2273bd0-dff7-4215-9ef5-2c7bcfb06425", ALL, ENTERPRISE_MAX, PROPLUS_PLANS,
           {"USD": "12.00", "EUR": "10.50", "INR": "720.00"}),
    _offer("Office 365 Enterprise E1", "STANDARDPACK",
           "18181a46-0d4e-45cd-891e-60aabd171b4e", ALL, ENTERPRISE_MAX, E1_PLANS,
           {"USD": "8.00", "EUR": "6.70", "INR": "480.00"}),
    _offer("Office 365 Enterprise E3", "ENTERPRISEPACK",
           "6fd2c87f-b296-42f0-b197-1e91e994b900", ALL, ENTERPRISE_MAX, E3_PLANS,
           {"USD": "20.00", "EUR": "19.70", "INR": "1200.00"}),
    _offer("Office 365 Enterprise E5", "ENTERPRISEPREMIUM",
           "c7df2760-2c81-4ef7-b578-5b5392b571df", ALL, ENTERPRISE_MAX, E5_PLANS,
           {"USD": "35.00", "EUR": "33.70", "INR": "2100.00"}),
    _offer("Power BI Pro", "POWER_BI_PRO",
           "f8a1db68-be16-40ed-86d5-cb42ce701560", ALL, ENTERPRISE_MAX, ("BI_AZURE_P2",),
           {"USD": "9.99", "EUR": "8.40", "INR": "600.00"}),
    _offer("Exchange Online (Plan 1)", "EXCHANGESTANDARD",
           "4b9405b0-7788-4568-add1-99614e613b69", ALL, ENTERPRISE_MAX, ("EXCHANGE_S_STANDARD",),
           {"USD": "4.00", "EUR": "3.40", "INR": "240.00"}),
]
# fmt: on

# The catalog's order (`Offer.rank`): the source article's table, each offer's possible upgrades
# in the order it lists them; the India offers beside their global twins.
RANKS = {
    "Office 365 Business": 10,
    "Office 365 Business India": 11,
    "Office 365 Business Premium": 20,
    "Office 365 Business Premium India": 21,
    "Office 365 ProPlus": 30,
    "Office 365 Business Essentials": 40,
    "Office 365 Business Essentials India": 41,
    "Office 365 Enterprise E1": 50,
    "Office 365 Enterprise E3": 60,
    "Office 365 Enterprise E5": 70,
    "Power BI Pro": 80,
    "Exchange Online (Plan 1)": 90,
}

# Partner Center's table of supported upgrades (the seed article). The India rows go to Business
# Premium India, never to Business Premium (the article's footnote).
UPGRADE_PATHS = {
    "Office 365 Business": [
        "Office 365 Business Premium",
        "Office 365 ProPlus",
        "Office 365 Enterprise E3",
        "Office 365 Enterprise E5",
    ],
    "Office 365 Business Premium": ["Office 365 Enterprise E3", "Office 365 Enterprise E5"],
    "Office 365 Business Essentials": [
        "Office 365 Business Premium",
        "Office 365 Enterprise E1",
        "Office 365 Enterprise E3",
        "Office 365 Enterprise E5",
    ],
    "Office 365 Business India": [
        "Office 365 Business Premium India",
        "Office 365 ProPlus",
        "Office 365 Enterprise E3",
        "Office 365 Enterprise E5",
    ],
    "Office 365 Business Essentials India": [
        "Office 365 Business Premium India",
        "Office 365 Enterprise E1",
        "Office 365 Enterprise E3",
        "Office 365 Enterprise E5",
    ],
}


def _models(apps):
    if apps is None:
        from subscriptions.models import Offer, OfferPrice, ServicePlan, UpgradePath

        return Offer, OfferPrice, ServicePlan, UpgradePath
    return (
        apps.get_model("subscriptions", "Offer"),
        apps.get_model("subscriptions", "OfferPrice"),
        apps.get_model("subscriptions", "ServicePlan"),
        apps.get_model("subscriptions", "UpgradePath"),
    )


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def _has_rank(offer_model) -> bool:
    return _has_field(offer_model, "rank")


def _bump_stamp(apps) -> None:
    """A new catalog stamp for a write that sends no signal (docs/architecture.md "The catalog
    cache"): a queryset update, or any write through a migration's historical models."""
    from subscriptions import catalog_cache

    if apps is None:
        catalog_cache.bump()
        return
    try:
        model = apps.get_model("subscriptions", "CatalogVersion")
    except LookupError:
        return  # before migration 0006, which writes the first stamp itself
    catalog_cache.bump(model=model)


def set_ranks(apps=None) -> None:
    """Give the catalog's offers their rank; offers an admin added keep theirs."""
    Offer = _models(apps)[0]
    with transaction.atomic():
        if sum(Offer.objects.filter(name=name).update(rank=rank) for name, rank in RANKS.items()):
            _bump_stamp(apps)


def _ensure(model, lookup: dict, values: dict):
    """The row found by `lookup`, created or updated to `values`; saved only when it differs."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(row, field) != value]
    if changed:
        for field in changed:
            setattr(row, field, values[field])
        row.save(update_fields=changed)
    return row


def _legacy_offer_values(item: CatalogOffer, *, with_rank: bool = True) -> dict:
    return {
        "sku_part_number": item.sku_part_number,
        "sku_id": uuid.UUID(item.sku_id),
        "sold_in": item.sold_in,
        "not_sold_in": item.not_sold_in,
        "min_quantity": item.min_quantity,
        "max_quantity": item.max_quantity,
        # Migration 0002's historical offer predates the rank; migration 0005 sets it.
        **({"rank": RANKS[item.name]} if with_rank else {}),
    }


def _new_commerce_offer_values(item: nce.NewCommerceOffer) -> dict:
    return {
        "commerce_type": "new_commerce",
        "product_id": item.product_id,
        "sku_code": item.sku_code,
        "sku_part_number": item.sku_part_number,
        "sku_id": uuid.UUID(item.sku_id),
        "sold_in": EVERY_MARKET,
        "not_sold_in": "",
        "min_quantity": 1,
        "max_quantity": item.max_quantity,
        "rank": item.rank,
    }


def _load_into_empty(*, as_of) -> dict:
    """Both catalogs into a database that has none, in one bulk insert per table: the same rows
    as the row-by-row load, for a fraction of its queries (a flushed test database reloads it
    after every live-server test). The bulk writes send no signal: one new stamp at the end."""
    from partnercenter import clock
    from subscriptions.models import LEGACY_PRICES_FROM, Offer, OfferPrice, ServicePlan, UpgradePath

    as_of = as_of or clock.today()
    plans = {
        plan.plan_id: plan
        for plan in ServicePlan.objects.bulk_create(
            [
                ServicePlan(plan_id=plan_id, name=name, family=family)
                for plan_id, name, family in SERVICE_PLANS + nce.NEW_SERVICE_PLANS
            ]
        )
    }
    items = [*OFFERS, *nce.OFFERS]
    offers = {
        offer.name: offer
        for offer in Offer.objects.bulk_create(
            [Offer(name=item.name, **_legacy_offer_values(item)) for item in OFFERS]
            + [Offer(name=item.name, **_new_commerce_offer_values(item)) for item in nce.OFFERS]
        )
    }
    Included = Offer.service_plans.through
    Included.objects.bulk_create(
        [
            Included(offer=offers[item.name], serviceplan=plans[plan_id])
            for item in items
            for plan_id in item.plans
        ]
    )
    Base = Offer.base_offers.through
    Base.objects.bulk_create(
        [
            Base(from_offer=offers[item.name], to_offer=offers[base])
            for item in nce.OFFERS
            for base in item.bases
        ]
    )
    legacy_day = {"term_duration": "", "billing_cycle": "monthly", "effective_from": LEGACY_PRICES_FROM}
    OfferPrice.objects.bulk_create(
        [
            OfferPrice(offer=offers[item.name], currency=currency, price=Decimal(amount), **legacy_day)
            for item in OFFERS
            for currency, amount in item.prices.items()
        ]
        + [
            OfferPrice(
                offer=offers[item.name],
                currency=currency,
                term_duration=term,
                billing_cycle=cycle,
                effective_from=effective_from,
                price=price,
                cost=cost,
            )
            for item in nce.OFFERS
            for currency, term, cycle, effective_from, price, cost in new_commerce_price_rows(
                item, as_of=as_of
            )
        ]
    )
    UpgradePath.objects.bulk_create(
        [
            UpgradePath(source_offer=offers[source], target_offer=offers[target])
            for source, targets in (UPGRADE_PATHS | nce.TRANSITION_PATHS).items()
            for target in targets
        ]
    )
    _bump_stamp(None)
    return offers


def load_catalog(apps=None, *, as_of: datetime.date | None = None, redate: bool = False) -> dict:
    """Write the catalogs into the database; returns their offers by name.

    `apps` is a migration's historical app registry; None uses the real models. A registry from
    before the new-commerce fields (migration 0010) gets the legacy catalog only, in its own
    shape. The new-commerce prices take effect relative to `as_of` (business today by default);
    they are written where the price list has none for their offer, term and cycle, or, with
    `redate`, written again from `as_of` in place of the rows there (`seed_demo`, docs/domain.md §2).
    """
    Offer, OfferPrice, ServicePlan, UpgradePath = _models(apps)
    with_new_commerce = _has_field(Offer, "commerce_type")
    legacy_price = "price" if with_new_commerce else "monthly_price"
    legacy_day = {}
    if with_new_commerce:
        from subscriptions.models import LEGACY_PRICES_FROM

        legacy_day = {"term_duration": "", "billing_cycle": "monthly", "effective_from": LEGACY_PRICES_FROM}

    # One transaction: a half-written catalog would make every eligibility answer wrong.
    with transaction.atomic():
        if apps is None and not Offer.objects.exists() and not ServicePlan.objects.exists():
            return _load_into_empty(as_of=as_of)
        service_plans = SERVICE_PLANS + (nce.NEW_SERVICE_PLANS if with_new_commerce else [])
        plans = {
            plan_id: _ensure(ServicePlan, {"plan_id": plan_id}, {"name": name, "family": family})
            for plan_id, name, family in service_plans
        }
        offers = {}
        for item in OFFERS:
            offer = _ensure(
                Offer, {"name": item.name}, _legacy_offer_values(item, with_rank=_has_rank(Offer))
            )
            offer.service_plans.set([plans[plan_id] for plan_id in item.plans])
            for currency, amount in item.prices.items():
                # The legacy price list: one price per offer and currency, from one day on.
                _ensure(
                    OfferPrice,
                    {"offer": offer, "currency": currency, **legacy_day},
                    {legacy_price: Decimal(amount)},
                )
            offers[item.name] = offer
        _ensure_paths(UpgradePath, offers, UPGRADE_PATHS)
        prices_written = False
        if with_new_commerce:
            new_offers, prices_written = _load_new_commerce(
                Offer, OfferPrice, UpgradePath, plans, as_of=as_of, redate=redate
            )
            offers |= new_offers
        # The real models' writes bumped the stamp through their signals, but for the price rows'
        # bulk writes; historical ones send none.
        if apps is not None or prices_written:
            _bump_stamp(apps)
        return offers


def _ensure_paths(UpgradePath, offers: dict, paths: dict[str, list[str]]) -> None:
    for source, targets in paths.items():
        for target in targets:
            UpgradePath.objects.get_or_create(source_offer=offers[source], target_offer=offers[target])


def _load_new_commerce(Offer, OfferPrice, UpgradePath, plans, *, as_of, redate) -> tuple[dict, bool]:
    """The 2026 catalog's offers by name, and whether a price row was (bulk-)written."""
    from partnercenter import clock

    as_of = as_of or clock.today()
    offers, prices_written = {}, False
    for item in nce.OFFERS:
        offer = _ensure(Offer, {"name": item.name}, _new_commerce_offer_values(item))
        offer.service_plans.set([plans[plan_id] for plan_id in item.plans])
        offers[item.name] = offer
        prices_written |= _ensure_prices(OfferPrice, offer, item, as_of=as_of, redate=redate)
    for item in nce.OFFERS:
        offers[item.name].base_offers.set([offers[name] for name in item.bases])
    _ensure_paths(UpgradePath, offers, nce.TRANSITION_PATHS)
    return offers, prices_written


def new_commerce_price_rows(item: nce.NewCommerceOffer, *, as_of: datetime.date):
    """(currency, term, cycle, effective from, price, cost) of every row `item`'s figures make."""
    published = as_of + datetime.timedelta(days=nce.PUBLISHED_FROM_DAYS)
    rise = as_of + datetime.timedelta(days=nce.RISE_FROM_DAYS)
    for currency, figures in item.prices.items():
        for rule in nce.PRICE_RULES:
            if rule.term not in item.terms:
                continue
            for effective_from, figure in zip((published, rise), figures, strict=True):
                if effective_from == rise and figure == figures[0]:
                    continue  # no rise for this offer: one row says it
                price = _cents(Decimal(figure) * rule.factor * rule.months_per_period)
                cost = _cents(price * nce.DEMO_COST_SHARE) if item.has_cost else None
                yield currency, rule.term, rule.cycle, effective_from, price, cost


def _ensure_prices(OfferPrice, offer, item, *, as_of, redate) -> bool:
    """Write `item`'s price rows for every term and cycle the price list lacks, or, with `redate`,
    for every one whose rows differ from those `as_of` makes; True when a row was written."""
    wanted: dict[tuple, set] = {}
    for currency, term, cycle, effective_from, price, cost in new_commerce_price_rows(item, as_of=as_of):
        wanted.setdefault((currency, term, cycle), set()).add((effective_from, price, cost))
    existing = OfferPrice.objects.filter(offer=offer)
    stored: dict[tuple, set] = {}
    for currency, term, cycle, *row in existing.values_list(
        "currency", "term_duration", "billing_cycle", "effective_from", "price", "cost"
    ):
        stored.setdefault((currency, term, cycle), set()).add(tuple(row))
    stale = [key for key in wanted if key in stored and stored[key] != wanted[key]] if redate else []
    missing = [key for key in wanted if key not in stored] + stale
    for currency, term, cycle in stale:
        existing.filter(currency=currency, term_duration=term, billing_cycle=cycle).delete()
    OfferPrice.objects.bulk_create(
        [
            OfferPrice(
                offer=offer,
                currency=currency,
                term_duration=term,
                billing_cycle=cycle,
                effective_from=effective_from,
                price=price,
                cost=cost,
            )
            for currency, term, cycle in missing
            for effective_from, price, cost in wanted[(currency, term, cycle)]
        ]
    )
    return bool(missing)


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
