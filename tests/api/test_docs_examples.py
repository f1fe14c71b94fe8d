"""Every example of docs/api.md, run as written against the live server, so that the page cannot
drift from the API: the shell ones with the real `curl`, the Python one with Partner Center's SDK.

A reader types the shell examples in order in one terminal, so a block runs after the
assignments it relies on from the blocks before it (`TOKEN=`, `SUB=`). Only the page's
placeholders are filled in: the host of `make run`, and `$CUSTOMER`, `$SUBSCRIPTION` and `$OFFER`,
which the page tells the reader to pick. `curl` is wrapped in a shell function that calls the
real one with `-D` added and keeps each answer, so that every command's status and body can be
checked; an answer comment (`# {"token_type": "Bearer", ...}`) is checked against the answer of
the command above it: `…` is any value, and ends an object or list that has more.
"""

import ast
import builtins
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils.dateparse import parse_datetime

from customers.models import Customer
from subscriptions import eligibility
from subscriptions.activity import operations_for
from subscriptions.demo_data import ESSENTIALS
from subscriptions.models import Offer, Operation, Subscription
from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db(transaction=True)

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
# Where the page's examples send their requests: the address `make run` serves.
DOC_HOST = "http://127.0.0.1:8000"
APPLICATION = "Fabrikam demo script"  # the name of the application the examples sign in as
ANY = "…"


@dataclass(frozen=True)
class Example:
    id: str
    language: str
    text: str
    line: int  # of the opening fence, for the failure messages


def _slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


def _examples() -> list[Example]:
    examples, section, fence = [], "top", None
    for number, line in enumerate(DOC.read_text().splitlines(), start=1):
        if fence is None and re.match(r"#+ ", line):
            section = _slug(line.lstrip("#"))
        elif fence is None and line.startswith("```"):
            fence, language, body = number, line[3:].strip(), []
        elif fence is not None and line.startswith("```"):
            same = sum(example.id.split("[")[0] == section for example in examples)
            ident = section if not same else f"{section}[{same + 1}]"
            examples.append(Example(ident, language, "\n".join(body) + "\n", fence))
            fence = None
        elif fence is not None:
            body.append(line)
    assert fence is None, f"docs/api.md:{fence}: a code block is never closed"
    return examples


EXAMPLES = _examples()
SHELL = {"sh", "bash", "shell"}


# --- Reading a shell example --------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    text: str  # one logical line: continuations joined
    curls: int  # the curl invocations before it in its block, itself included


_CURL = re.compile(r"(?:^|[\s;|&(])curl\s")
_ASSIGNMENT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)=")
_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?")


CODE, COMMENT, HEREDOC, HEREDOC_END = "code", "comment", "here-document", "here-document's end"


def _logical_lines(text: str) -> list[tuple[str, str]]:
    """Each logical line (continuations joined), as code, a comment or a here-document's line."""
    lines, pending, heredoc = [], "", None
    for line in text.splitlines():
        if heredoc is not None:
            end = line.strip() == heredoc
            lines.append((line, HEREDOC_END if end else HEREDOC))
            heredoc = None if end else heredoc
            continue
        pending += line
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        if pending.strip():
            kind = COMMENT if pending.lstrip().startswith("#") else CODE
            lines.append((pending, kind))
            if kind == CODE and (opened := _HEREDOC.search(pending)):
                heredoc = opened.group(1)
        pending = ""
    return lines


def _commands(text: str) -> list[Command]:
    commands, curls = [], 0
    for line, kind in _logical_lines(text):
        if kind == CODE:
            curls += len(_CURL.findall(line))
            commands.append(Command(line, curls))
    return commands


def _curls(text: str) -> int:
    commands = _commands(text)
    return commands[-1].curls if commands else 0


def _assigned(text: str) -> dict[str, str]:
    """The variables a shell example sets, each with the line that sets it."""
    return {
        match.group(1): command.text
        for command in _commands(text)
        if (match := _ASSIGNMENT.match(command.text))
    }


def _referenced(text: str) -> set[str]:
    return {
        name for line, kind in _logical_lines(text) if kind != COMMENT for name in _REFERENCE.findall(line)
    }


def _carried(names: set[str], before: list[Example]) -> str:
    """The assignments of the earlier shell examples that `names` rely on, in the page's order."""
    lines: dict[str, tuple[int, str]] = {}
    wanted = set(names)
    while wanted:
        name = wanted.pop()
        for position, example in reversed(list(enumerate(before))):
            if name in (assigned := _assigned(example.text)):
                lines[name] = (position, assigned[name])
                wanted |= _referenced(assigned[name]) - lines.keys()
                break
    return "".join(f"{line}\n" for _, line in sorted(lines.values(), key=lambda item: item[0]))


@dataclass(frozen=True)
class Answer:
    """What the page says a command answers: its status (2xx unless written) and, partly, its body."""

    command: int  # the index of the curl invocation it describes
    status: int | None
    body: object
    comment: str


def _expected(comment: str) -> tuple[int | None, object]:
    status, _, shown = comment.partition(" ") if comment[:3].isdigit() else (None, "", comment)
    # `…` closing an object: the object has other members. Written as a member the parser reads.
    shown = re.sub(r"(,|(?<={))\s*…\s*}", f'\\1 "{ANY}": "{ANY}"}}', shown)
    shown = re.sub(r'(?<!")…(?!")', f'"{ANY}"', shown)
    return (int(status) if status else None), json.loads(shown)


def _answers(text: str) -> list[Answer]:
    answers, curls = [], 0
    for line, kind in _logical_lines(text):
        if kind == CODE:
            curls += len(_CURL.findall(line))
            continue
        comment = line.strip().removeprefix("#").strip()
        if kind == COMMENT and re.match(r"^(\d{3} )?[{\[]", comment):
            assert curls, f"the answer comment {comment!r} follows no curl command"
            answers.append(Answer(curls - 1, *_expected(comment), comment))
    return answers


def _mismatches(expected, actual, where: str = "answer") -> list[str]:
    if expected == ANY:
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: {actual!r} is not an object"]
        found = [f"{where}: no {key!r}" for key in expected if key != ANY and key not in actual]
        if ANY not in expected:
            found += [f"{where}: {key!r} is not shown" for key in actual if key not in expected]
        return found + [
            mismatch
            for key, value in expected.items()
            if key != ANY and key in actual
            for mismatch in _mismatches(value, actual[key], f"{where}.{key}")
        ]
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: {actual!r} is not a list"]
        more = bool(expected) and expected[-1] == ANY
        shown = expected[:-1] if more else expected
        if len(actual) < len(shown) or (not more and len(actual) != len(shown)):
            return [f"{where}: {len(actual)} items, the page shows {len(shown)}{' or more' if more else ''}"]
        return [
            mismatch
            for index, value in enumerate(shown)
            for mismatch in _mismatches(value, actual[index], f"{where}[{index}]")
        ]
    return [] if expected == actual else [f"{where}: {actual!r}, the page shows {expected!r}"]


# --- Running it ---------------------------------------------------------------------------------


@dataclass
class Call:
    status: int
    headers: dict[str, str]
    raw: bytes

    @property
    def body(self):
        raw = self.raw
        while raw.startswith(b"HTTP/"):  # `curl -i`: the headers come first
            raw = raw.split(b"\r\n\r\n", 1)[1]
        return json.loads(raw)


@dataclass
class Run:
    example: Example
    placeholders: dict[str, str]
    calls: list[Call] = field(default_factory=list)
    namespace: dict = field(default_factory=dict)


# Records each curl's headers (`-D`) and answer (`tee`) in $DOCS_CALLS, numbered in the order
# they run: an answer captured by `$(...)` or redirected to a file is kept too.
_PRELUDE = """\
set -euo pipefail
curl() {
  local n
  n=$(( $(cat "$DOCS_CALLS/count") + 1 ))
  echo "$n" > "$DOCS_CALLS/count"
  command curl -D "$DOCS_CALLS/$n.headers" "$@" | tee "$DOCS_CALLS/$n.body"
}
"""


def _calls_in(directory: Path) -> str:
    directory.mkdir()
    (directory / "count").write_text("0")
    return f"DOCS_CALLS={shlex.quote(str(directory))}\n"


def _bash(script: str, run_dir: Path, placeholders: dict[str, str]) -> subprocess.CompletedProcess:
    assert shutil.which("curl") and shutil.which("bash"), "the shell examples run with curl and bash"
    path = run_dir / "example.sh"
    path.write_text(script)
    # The examples' `python3`: this interpreter, sure to be there (they need only the standard library).
    env = {
        **os.environ,
        **placeholders,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    return subprocess.run(
        ["bash", str(path)], cwd=run_dir, env=env, capture_output=True, text=True, timeout=60
    )


def _on_live_server(text: str, live_server) -> str:
    return text.replace(DOC_HOST, live_server.url)


def _read_calls(directory: Path) -> list[Call]:
    calls = []
    for number in range(1, int((directory / "count").read_text()) + 1):
        head = (directory / f"{number}.headers").read_text().replace("\r\n", "\n").strip()
        last = head.split("\n\n")[-1].split("\n")  # after a `100 Continue`, the real answer
        headers = dict(line.split(": ", 1) for line in last[1:] if ": " in line)
        calls.append(Call(int(last[0].split()[1]), headers, (directory / f"{number}.body").read_bytes()))
    return calls


def _run_shell(run: Run, before: list[Example], live_server, run_dir: Path) -> None:
    text = _on_live_server(run.example.text, live_server)
    needed = _referenced(text) - _assigned(text).keys() - run.placeholders.keys()
    script = (
        _PRELUDE
        + _calls_in(run_dir / "carried")
        + _on_live_server(_carried(needed, before), live_server)
        + _calls_in(run_dir / "calls")
        + text
    )
    finished = _bash(script, run_dir, run.placeholders)
    assert finished.returncode == 0, f"docs/api.md:{run.example.line}: the example failed:\n{finished.stderr}"
    run.calls = _read_calls(run_dir / "calls")
    curls = _curls(text)
    assert curls, f"docs/api.md:{run.example.line}: a shell example that calls no API checks nothing"
    assert len(run.calls) == curls, f"{curls} curl commands in the example, {len(run.calls)} ran"
    answers = {answer.command: answer for answer in _answers(text)}
    for index, call in enumerate(run.calls):
        answer = answers.get(index)
        if answer is None or answer.status is None:
            assert 200 <= call.status < 300, f"curl #{index + 1} answered {call.status}: {call.raw[:500]!r}"
        else:
            assert call.status == answer.status, f"curl #{index + 1} answered {call.status}"
        problems = _mismatches(answer.body, call.body) if answer is not None else []
        assert not problems, f"curl #{index + 1} does not answer the page's `# {answer.comment}`: {problems}"


def _free_names(code: str) -> set[str]:
    tree = ast.parse(code)
    stored = {
        alias.asname or alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    stored |= {
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    loaded = {
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
    return loaded - stored - set(dir(builtins))


def _run_python(run: Run, before: list[Example], live_server, run_dir: Path) -> None:
    names = _free_names(run.example.text)
    from_shell = sorted(names - run.placeholders.keys())
    values = {name: run.placeholders[name] for name in names & run.placeholders.keys()}
    if from_shell:
        carried = _on_live_server(_carried(set(from_shell), before), live_server)
        missing = set(from_shell) - _assigned(carried).keys()
        assert not missing, f"the Python example uses {sorted(missing)}: no example sets them"
        printed = "".join(f'printf "%s\\0" "${name}"\n' for name in from_shell)
        script = _PRELUDE + _calls_in(run_dir / "carried") + carried + printed
        finished = _bash(script, run_dir, run.placeholders)
        assert finished.returncode == 0, finished.stderr
        values |= dict(zip(from_shell, finished.stdout.split("\0")[:-1], strict=True))
    run.namespace = dict(values)
    code = compile(run.example.text, f"docs/api.md:{run.example.line + 1}", "exec")
    exec(code, run.namespace)


# --- What each section's example must have done -------------------------------------------------


def _subscription(run: Run) -> Subscription:
    return Subscription.objects.select_related("offer", "upgraded_to__offer").get(
        subscription_id=run.placeholders["SUBSCRIPTION"]
    )


def _check_sign_in(run: Run, demo) -> None:
    (answer,) = run.calls
    assert ApiClient(answer.body["access_token"]).get("/api/v1/customers").status_code == 200


def _check_customers(run: Run, demo) -> None:
    _, listed, read = run.calls
    theirs = {
        str(tenant)
        for tenant in Customer.objects.for_partner(demo.fabrikam).values_list("tenant_id", flat=True)
    }
    assert len(listed.body["items"]) == 2 and listed.body["totalCount"] == len(theirs) > 2
    assert {item["id"] for item in listed.body["items"]} <= theirs
    assert read.body["id"] == run.placeholders["CUSTOMER"]
    assert read.body["companyProfile"]["companyName"] == "Contoso Ltd"


def _check_subscriptions(run: Run, demo) -> None:
    listed, read = run.calls
    assert run.placeholders["SUBSCRIPTION"] in {item["id"] for item in listed.body["items"]}
    assert read.body["id"] == run.placeholders["SUBSCRIPTION"]
    assert read.headers["ETag"] == f'"{read.body["attributes"]["etag"]}"'
    assert read.body["quantity"] == _subscription(run).quantity


def _check_quantity(run: Run, demo) -> None:
    read, changed = run.calls
    subscription = _subscription(run)
    assert subscription.quantity == changed.body["quantity"] == read.body["quantity"] + 1
    assert changed.headers["ETag"] == f'"{changed.body["attributes"]["etag"]}"' != read.headers["ETag"]
    change = Operation.objects.get(subscription=subscription, kind=Operation.Kind.QUANTITY_CHANGE)
    assert change.application_name == APPLICATION


def _posted(run: Run) -> dict:
    """The body the example sends in its here-document, its placeholders filled in."""
    body = "".join(line for line, kind in _logical_lines(run.example.text) if kind == HEREDOC)
    return json.loads(re.sub(r"\$(\w+)", lambda name: run.placeholders[name.group(1)], body))


def _check_upgrades(run: Run, demo) -> None:
    listed, upgraded = run.calls
    offer = run.placeholders["OFFER"]
    assert offer in {item["targetOffer"]["id"] for item in listed.body["items"] if item["isEligible"]}
    posted = _posted(run)
    subscription = _subscription(run)
    target = subscription.upgraded_to
    assert target is not None, "the upgrade example upgraded nothing"
    assert str(target.offer.sku_id).upper() == posted["targetOffer"]["id"] == offer
    assert target.quantity == posted["quantity"]
    assert upgraded.body["sourceSubscriptionId"] == str(subscription.subscription_id)
    assert upgraded.body["targetSubscriptionId"] == str(target.subscription_id)
    assert Operation.objects.get(subscription=subscription, kind=Operation.Kind.UPGRADE).application_name == (
        APPLICATION
    )


def _change_a_quantity(run: Run, demo) -> None:
    """Something for the audit records to show."""
    subscription = _subscription(run)
    api = ApiClient(token_for("fabrikam-demo-app"))
    path = f"/api/v1/customers/{run.placeholders['CUSTOMER']}/subscriptions/{subscription.subscription_id}"
    answer = api.patch(path, {"quantity": subscription.quantity + 1}, content_type="application/json")
    assert answer.status_code == 200, answer.content


def _check_offers_and_audit_records(run: Run, demo) -> None:
    offers, audit = run.calls
    sold_in_india = {str(offer.sku_id).upper() for offer in Offer.objects.all() if offer.is_sold_in("IN")}
    assert {item["id"] for item in offers.body["items"]} == sold_in_india
    url = re.search(r'"[^"]*auditrecords\?([^"]*)"', run.example.text).group(1)
    period = {key: parse_datetime(values[0]) for key, values in parse_qs(urlsplit(f"?{url}").query).items()}
    logged = operations_for(demo.fabrikam).filter(
        created_at__gte=period["startDate"], created_at__lte=period["endDate"]
    )
    assert {item["id"] for item in audit.body["items"]} == {
        str(pk) for pk in logged.values_list("pk", flat=True)
    }
    assert audit.body["totalCount"] == logged.count()


def _check_sdk(run: Run, demo) -> None:
    names = run.namespace
    assert names["customer"].id == run.placeholders["CUSTOMER"]
    assert run.placeholders["SUBSCRIPTION"] in {item.id for item in names["subscriptions"].items}
    assert names["subscription"].id == run.placeholders["SUBSCRIPTION"]
    subscription = _subscription(run)
    assert subscription.upgraded_to is not None, "the SDK example upgraded nothing"
    assert names["result"].source_subscription_id == run.placeholders["SUBSCRIPTION"]
    assert names["result"].target_subscription_id == str(subscription.upgraded_to.subscription_id)
    assert str(subscription.upgraded_to.offer.sku_id).upper() == names["target"].target_offer.id


CHECKS: dict[str, Callable[[Run, object], None]] = {
    "signing-in-client-credentials": _check_sign_in,
    "customers": _check_customers,
    "subscriptions": _check_subscriptions,
    "changing-the-quantity": _check_quantity,
    "upgrades": _check_upgrades,
    "offers-and-audit-records": _check_offers_and_audit_records,
    "from-python-with-partner-center-s-own-sdk": _check_sdk,
}
BEFORE = {"offers-and-audit-records": _change_a_quantity}


@pytest.fixture
def placeholders(demo) -> dict[str, str]:
    """The values the page tells the reader to pick: Contoso's subscription, which has upgrades."""
    subscription = Subscription.objects.select_related("customer").get(
        customer=demo.customers["Contoso Ltd"], sold_by=demo.fabrikam, offer__name=ESSENTIALS
    )
    offer = next(option for option in eligibility.upgrade_options(subscription) if option.is_eligible)
    return {
        "CUSTOMER": str(subscription.customer.tenant_id),
        "SUBSCRIPTION": str(subscription.subscription_id),
        "OFFER": str(offer.target_offer.sku_id).upper(),
    }


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.id for example in EXAMPLES])
def test_the_example_runs_as_written(example, live_server, demo, placeholders, tmp_path):
    before = [other for other in EXAMPLES[: EXAMPLES.index(example)] if other.language in SHELL]
    run = Run(example, placeholders)
    if example.id in BEFORE:
        BEFORE[example.id](run, demo)
    if example.language in SHELL:
        _run_shell(run, before, live_server, tmp_path)
    elif example.language == "python":
        _run_python(run, before, live_server, tmp_path)
    else:
        pytest.fail(f"docs/api.md:{example.line}: no way to run a ```{example.language} block")
    if example.id in CHECKS:
        CHECKS[example.id](run, demo)


def test_every_section_checked_still_has_its_example():
    assert set(CHECKS) - {example.id for example in EXAMPLES} == set()
