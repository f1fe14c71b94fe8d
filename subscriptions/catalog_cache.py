"""The catalog, read once per process and kept for as long as its version stamp stays the same.

Every page that answers eligibility needs the catalog (offers with their service plans and
prices, the upgrade paths), and the catalog changes rarely. Each process keeps one `Catalog`
with the `CatalogVersion` token it was read at, and reads the token (one query, once a request)
before using it: another token means the catalog changed, here or in another process, and it is
read again. Every catalog write gives the token a new random value in the write's own
transaction (the signals below; `bump` for writes that send none). The rule and its reasons are
in docs/architecture.md "The catalog cache".

The kept instances are shared by every request of the process: read them, never set an
attribute on them nor change their prefetched lists.
"""

import uuid
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType

from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import m2m_changed, post_delete, post_save

from subscriptions.models import CatalogVersion, Offer, OfferPrice, ServicePlan, UpgradePath

# The primary key of the one stamp row (migration 0006 writes it).
STAMP_ROW = 1

CATALOG_MODELS = (Offer, ServicePlan, OfferPrice, UpgradePath)


@dataclass(frozen=True)
class Catalog:
    """The whole catalog as one read saw it, at the stamp read just before (None: no stamp row)."""

    stamp: str | None
    # Every offer by pk, its `service_plans`, `prices` and `base_offers` prefetched (`.all()`
    # reads no table).
    offers: Mapping[int, Offer]
    # Source offer pk -> the pks of its possible upgrades, unordered (eligibility sorts by rank).
    paths: Mapping[int, tuple[int, ...]]


@dataclass
class _Request:
    """What one request knows of the stamp: checked once, trusted for the rest of the request."""

    catalog: Catalog | None = None
    # A catalog write in this request: from then on every use checks the stamp again, since the
    # write's transaction may still roll back.
    wrote: bool = False


_kept: Catalog | None = None
_request: ContextVar[_Request | None] = ContextVar("catalog_request", default=None)


def current(*, needing: Iterable[int] = ()) -> Catalog:
    """The catalog the database holds now, checked by its stamp; with every offer of `needing`.

    An offer of `needing` missing from the kept catalog cannot happen while every write bumps the
    stamp in its own transaction; it is read again once rather than failing on the kept one.
    """
    request = _request.get()
    catalog = request.catalog if request is not None else None
    if catalog is None:
        catalog = _checked()
    if not catalog.offers.keys() >= set(needing):
        catalog = _load(_read_stamp())
    if request is not None and not request.wrote:
        request.catalog = catalog
    return catalog


def offer(pk: int) -> Offer:
    """The kept offer `pk`, with its service plans and prices; KeyError if there is none."""
    return current(needing={pk}).offers[pk]


def bump(*, using: str = DEFAULT_DB_ALIAS, model=CatalogVersion) -> None:
    """Give the stamp a new random token, inside the caller's transaction.

    `model` is a migration's historical `CatalogVersion` where a data migration writes the
    catalog. A random token rather than a counter: a bump rolled back with its transaction must
    never come back as the stamp of a later edit, or a process that read the catalog inside
    that transaction would trust what was rolled back.
    """
    token = uuid.uuid4().hex
    rows = model.objects.using(using).filter(pk=STAMP_ROW)
    if not rows.update(token=token):
        # No row: a flushed test database. The first write puts it back.
        model.objects.using(using).bulk_create([model(pk=STAMP_ROW, token=token)], ignore_conflicts=True)
        rows.update(token=token)
    request = _request.get()
    if request is not None:
        request.catalog, request.wrote = None, True


def forget() -> None:
    """Drop the kept catalog: the next use reads it again (tests start from a cold process)."""
    global _kept
    _kept = None
    _request.set(None)


def _read_stamp() -> str | None:
    return CatalogVersion.objects.filter(pk=STAMP_ROW).values_list("token", flat=True).first()


def _checked() -> Catalog:
    stamp = _read_stamp()
    kept = _kept
    if kept is not None and stamp is not None and kept.stamp == stamp:
        return kept
    return _load(stamp)


def _load(stamp: str | None) -> Catalog:
    """Read the catalog, after `stamp` was read: it holds at least every edit made up to `stamp`.

    It may hold a later one too; the next check then sees a newer stamp and reads it again.
    """
    global _kept
    paths: dict[int, list[int]] = {}
    # Unordered: the default ordering would join the offers twice only to sort the pairs.
    pairs = UpgradePath.objects.order_by().values_list("source_offer_id", "target_offer_id")
    for source_id, target_id in pairs:
        paths.setdefault(source_id, []).append(target_id)
    offers = {
        offer.pk: offer for offer in Offer.objects.prefetch_related("service_plans", "prices", "base_offers")
    }
    catalog = Catalog(
        stamp=stamp,
        offers=MappingProxyType(offers),
        # Paths are read first, so their offers are there but for one deleted in between.
        paths=MappingProxyType(
            {source: tuple(t for t in targets if t in offers) for source, targets in paths.items()}
        ),
    )
    # Without a stamp row nothing says when the catalog changes: it is read at every use then.
    _kept = catalog if stamp is not None else None
    return catalog


def _catalog_written(*, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    bump(using=using)


def _plans_changed(*, action: str, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    if action.startswith("post_"):
        bump(using=using)


def _request_started(**kwargs) -> None:
    _request.set(_Request())


def _request_finished(**kwargs) -> None:
    _request.set(None)


for _model in CATALOG_MODELS:
    post_save.connect(_catalog_written, sender=_model, dispatch_uid=f"catalog-saved-{_model.__name__}")
    post_delete.connect(_catalog_written, sender=_model, dispatch_uid=f"catalog-deleted-{_model.__name__}")
# Both directions (offer.service_plans, plan.offers) send it with the through model as sender.
m2m_changed.connect(_plans_changed, sender=Offer.service_plans.through, dispatch_uid="catalog-plans-changed")
m2m_changed.connect(_plans_changed, sender=Offer.base_offers.through, dispatch_uid="catalog-bases-changed")
request_started.connect(_request_started, dispatch_uid="catalog-request-started")
request_finished.connect(_request_finished, dispatch_uid="catalog-request-finished")
