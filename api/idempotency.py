"""`MS-RequestId`, the idempotency key of a write (docs/api.md, "Retries"): one mechanism for
every door.

The key becomes the engine's one-time token (`one_time_token`), so the engine itself never makes
a change twice for it, whichever worker or host a retry reaches. On top of it, the answer is
kept (`StoredAnswer`) so that a retry gets exactly the first answer:

- a write with a key first claims it: one INSERT, which a second request with the same key
  cannot make;
- a success is stored by the engine's `on_success` callback, in the change's own transaction
  (`answer_once`), so the change and its answer commit together; a business refusal (4xx) is
  stored once the engine has answered; a conflict (409), a throttled request (429) and a failure
  (5xx) give the key back, so the retry runs again;
- a retry with the same key and body gets the stored answer and changes nothing; with another
  body, 409; while the first is still in flight, it waits for its answer up to
  `API_IN_FLIGHT_WAIT_SECONDS`, then 409 with `Retry-After`.
"""

import functools
import hashlib
import json
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from http import HTTPStatus

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api import errors
from api.models import StoredAnswer

# A claim older than this is a request that died (a killed worker): its key may be taken over.
# Longer than any write runs, so a slow one is never run twice.
CLAIM_LEASE = timedelta(minutes=2)
_POLL_SECONDS = 0.05
# Not stored: the retry must run again (docs/api.md, "Retries").
_RETRIED_STATUSES = {HTTPStatus.CONFLICT, HTTPStatus.TOO_MANY_REQUESTS}


def one_time_token(request) -> uuid.UUID:
    """The engine's token for this request: its `MS-RequestId`, per partner (two partners'
    scripts may pick the same key); a fresh one without it (no replay protection)."""
    key = request.headers.get("MS-RequestId", "").strip()
    if not key:
        return uuid.uuid4()
    return uuid.uuid5(request.partner.tenant_id, key)


def keyed(view):
    """A write whose answer is kept for the retries of its `MS-RequestId`."""

    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        if not request.headers.get("MS-RequestId", "").strip():
            return view(request, *args, **kwargs)
        claim = _claim(request, one_time_token(request), _fingerprint(request))
        if claim.status is not None:
            return _replay(claim, kwargs.get("response"))
        request.api_claim = claim
        try:
            result = view(request, *args, **kwargs)
        except errors.ApiError as error:
            if HTTPStatus(error.status).is_client_error and error.status not in _RETRIED_STATUSES:
                _store(claim, error.status, errors.envelope_body(error.code, error.description, error.data))
            else:
                _give_back(claim)
            raise
        except BaseException:
            _give_back(claim)
            raise
        if claim.status is None:  # answered without a change (nothing to do, or refused)
            _store(claim, HTTPStatus.OK, result)
        return result

    return answer


def answer_once(request, change: Callable, answer: Callable) -> dict:
    """Run `change(on_success)`, an engine service given its callback, and return
    `answer(operation)`; under a key, the callback stores that answer in the change's own
    transaction, so a retry finds it whatever happens after the commit."""
    answered = {}

    def on_success(operation) -> None:
        answered["body"] = answer(operation)
        claim = getattr(request, "api_claim", None)
        if claim is not None:
            _store(claim, HTTPStatus.OK, answered["body"])

    change(on_success)
    return answered["body"]


def _fingerprint(request) -> str:
    """The request as a retry would send it again: method, path, and the body's JSON, whatever
    the order of its keys and its spacing (clients re-serialize what they echo)."""
    try:
        body = json.dumps(json.loads(request.body or b"null"), sort_keys=True, separators=(",", ":"))
    except ValueError:
        body = request.body.decode("utf-8", "replace")
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def _claim(request, token: uuid.UUID, fingerprint: str) -> StoredAnswer:
    """The key's row: a new claim for this request, an abandoned one taken over, or the stored
    answer of an earlier request with the same key (waiting for it while it is in flight)."""
    deadline = time.monotonic() + settings.API_IN_FLIGHT_WAIT_SECONDS
    partner = request.partner
    while True:
        now = timezone.now()
        try:
            with transaction.atomic():
                claim = StoredAnswer.objects.create(
                    partner=partner, token=token, fingerprint=fingerprint, claimed_until=now + CLAIM_LEASE
                )
            _forget_old_answers(partner, now)
            return claim
        except IntegrityError:
            claim = StoredAnswer.objects.filter(token=token, partner=partner).first()
        if claim is None:  # given back meanwhile: claim it afresh
            continue
        if claim.fingerprint != fingerprint:
            raise _key_reused()
        if claim.status is not None:
            return claim
        if claim.claimed_until <= now and _take_over(claim, now):
            return claim
        if time.monotonic() >= deadline:
            raise _still_in_flight()
        time.sleep(_POLL_SECONDS)


def _take_over(claim: StoredAnswer, now) -> bool:
    taken = StoredAnswer.objects.filter(
        pk=claim.pk, status__isnull=True, claimed_until=claim.claimed_until
    ).update(claimed_until=now + CLAIM_LEASE)
    claim.claimed_until = now + CLAIM_LEASE
    return bool(taken)


def _store(claim: StoredAnswer, status: int, body: dict) -> None:
    claim.status, claim.body, claim.claimed_until = int(status), body, None
    claim.save(update_fields=["status", "body", "claimed_until"])


def _give_back(claim: StoredAnswer) -> None:
    StoredAnswer.objects.filter(pk=claim.pk, status__isnull=True).delete()


def _replay(claim: StoredAnswer, response):
    """The stored answer, as the first request got it."""
    if claim.status != HTTPStatus.OK:
        body = claim.body
        raise errors.ApiError(claim.status, body["code"], body["description"], body["data"])
    etag = (claim.body.get("attributes") or {}).get("etag")
    if response is not None and etag:
        response["ETag"] = f'"{etag}"'
    return claim.body


def _forget_old_answers(partner, now) -> None:
    """Keys are kept `API_IDEMPOTENCY_HOURS`, then forgotten, with the partner's next new key."""
    cutoff = now - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    StoredAnswer.objects.filter(partner=partner, created_at__lt=cutoff).delete()


def _key_reused() -> errors.ApiError:
    return errors.ApiError(
        HTTPStatus.CONFLICT,
        HTTPStatus.CONFLICT,
        _("This MS-RequestId was already used for another request. Send a new one for a new change."),
    )


def _still_in_flight() -> errors.ApiError:
    return errors.ApiError(
        HTTPStatus.CONFLICT,
        HTTPStatus.CONFLICT,
        _("A request with this MS-RequestId is still in progress: retry after Retry-After seconds."),
        headers={"Retry-After": "1"},
    )
