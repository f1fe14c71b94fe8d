"""Answers written straight to JSON, past ninja's check of what a view returns (docs/api.md,
"Every answer"; BENCHMARKS.md, "The API").

ninja validates a returned dict against the operation's `response=` schema, dumps the validated
model, then encodes it through Django's JSON encoder (a Python call per UUID and date): for a
page of 50 resources that was a third of the request. The customers' and subscriptions' GETs
build their resources from JSON's own types instead (ids and dates already strings, keys in the
schema's order) and answer them here, so the bytes are those ninja would write. The schema
stays declared for the OpenAPI document; tests/perf/test_api_answers.py checks that each answer
is what ninja's validation would have made of it, and schemathesis
(tests/api/test_schema_fuzzing.py) that it conforms to the document.
"""

import datetime
import json

from django.http import HttpResponse

CONTENT_TYPE = "application/json; charset=utf-8"  # ninja's JSONRenderer's


def json_answer(body: dict) -> HttpResponse:
    """`body`, made of str, int, bool, None, lists and dicts only, as a 200 in JSON."""
    # json.dumps's defaults (ensure_ascii, ", " and ": "), as ninja's renderer calls it.
    return HttpResponse(json.dumps(body, check_circular=False), content_type=CONTENT_TYPE)


def midnight_utc(day: datetime.date) -> str:
    """A date as Partner Center's date-time at midnight UTC (its clients cannot parse a date
    alone), as Django's JSON encoder writes an aware UTC datetime: `2026-08-24T00:00:00Z`."""
    return f"{day.isoformat()}T00:00:00Z"


def offer_id(sku_id) -> str:
    """An offer's id on the wire: its SKU id in upper case (any case is accepted back)."""
    return str(sku_id).upper()
