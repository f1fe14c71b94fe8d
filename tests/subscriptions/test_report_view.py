"""The report's default view: what needs doing first, the facts every moved account shares said
once above the table, and codes and addresses that wrap where a reader would break them
(docs/domain.md §5)."""

from django.urls import reverse

from subscriptions import reasons, report
from subscriptions.templatetags.wrapping import breakable
from tests import html
from tests.subscriptions.test_views import operation_url, upgrade


def test_the_default_view_keeps_the_shared_facts_out_of_the_table_and_says_them_once(agent_client, world):
    operation = upgrade(world, users=2, without_usage_location=1)
    rows = report.affected_rows(operation)
    added = [change["name"] for change in operation.service_changes["added"]]
    assert len(added) > 3

    response = agent_client.get(operation_url(operation))

    shown = list(response.context["page"].object_list)
    assert shown and {row.kind for row in shown} == {reasons.ERROR, reasons.ACTION}
    assert len(shown) == sum(row.kind != reasons.INFO for row in rows)
    page = html.parse(response.content)
    facts = page.find(id="shared-facts")
    assert facts.text.startswith(f"Every account that moved gains {', '.join(added)}.")
    assert "Microsoft Forms (Plan E1) becomes Microsoft Forms (Plan E3)" in facts.text
    links = page.find("nav", aria_label="Filter by kind")
    assert links.find("a", href="?kind=all").text == f"All ({len(rows)})"
    assert links.find("a", aria_current="true").text.startswith("Errors and actions (")


def test_every_line_is_one_click_away_and_the_csv_follows_the_view(agent_client, world):
    operation = upgrade(world, users=2, without_usage_location=1)
    rows = report.affected_rows(operation)
    csv_url = reverse("subscriptions:operation-csv", args=[operation.pk])

    every = agent_client.get(operation_url(operation), {"kind": "all"})
    infos = agent_client.get(operation_url(operation), {"kind": "info"})

    assert every.context["page"].paginator.count == len(rows)
    assert html.find(every.content, "a", download=True).attrs["href"] == csv_url
    assert html.find(infos.content, "a", download=True).attrs["href"] == f"{csv_url}?kind=info"
    assert {row.kind for row in infos.context["page"].object_list} == {reasons.INFO}


def test_error_codes_and_addresses_break_only_at_sensible_points():
    assert str(breakable("ProhibitedInUsageLocationViolation")) == (
        "Prohibited<wbr>In<wbr>Usage<wbr>Location<wbr>Violation"
    )
    assert str(breakable("adele.vance@litware.example")) == "adele<wbr>.vance<wbr>@litware<wbr>.example"
    assert str(breakable("<b>Évé</b>")) == "&lt;b&gt;Évé&lt;/b&gt;", "escaped, never trusted"


def test_the_report_page_marks_the_break_points(agent_client, world):
    operation = upgrade(world, users=1, without_usage_location=1)

    content = agent_client.get(operation_url(operation)).content.decode()

    assert "Prohibited<wbr>In<wbr>Usage<wbr>Location<wbr>Violation" in content
    account = operation.affected_accounts.exclude(error_code="").get()
    assert str(breakable(account.user_principal_name)) in content
