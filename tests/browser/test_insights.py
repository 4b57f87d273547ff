"""The console's Insights view in headless Chromium: the page is the local stack's, signed in with its
moderator token; GET /moderation/insights is answered with the synthetic answers in
tests/fixtures/insights (checked against the route's contract by tests/unit/test_insights_fixtures.py),
so every number on screen has a known right value. The last test reads the real route after decisions
made through the API."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.support.local_stack import LocalStackProcess

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parents[1] / "fixtures" / "insights"


def fixture(name: str) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return answer


@dataclass
class InsightsRoute:
    """Stands in for GET /moderation/insights: answers with `answer`, remembers what was asked."""

    answer: dict[str, Any]
    status: int = 200
    asked: list[dict[str, list[str]]] = field(default_factory=list)
    authorizations: list[str | None] = field(default_factory=list)

    def handle(self, route: Route) -> None:
        self.asked.append(parse_qs(urlsplit(route.request.url).query))
        self.authorizations.append(route.request.headers.get("authorization"))
        route.fulfill(status=self.status, content_type="application/json", body=json.dumps(self.answer))


def open_at_sign_in(page: Page, stack: LocalStackProcess, answer: dict[str, Any]) -> InsightsRoute:
    """The console with the moderator's token typed in, not yet used."""
    insights = InsightsRoute(answer)
    page.route("**/moderation/insights*", insights.handle)
    page.goto(f"{stack.base_url}/console")
    page.get_by_label("Token").fill(stack.token)
    return insights


def open_insights(page: Page, stack: LocalStackProcess, answer: dict[str, Any]) -> InsightsRoute:
    insights = open_at_sign_in(page, stack, answer)
    page.get_by_role("button", name="Use this token").click()
    page.get_by_role("link", name="Insights").click()
    expect(page.locator("#insights-period")).not_to_be_empty()
    return insights


def bars(chart: Locator, series: str) -> list[tuple[int, float]]:
    """(count, drawn height) of each bar of one series, by bin."""
    drawn: list[list[float]] = chart.locator(f'rect.bar[data-series="{series}"]').evaluate_all(
        "rects => rects.map(r => [Number(r.dataset.count), Number(r.getAttribute('height'))])"
    )
    return [(int(count), height) for count, height in drawn]


def number(locator: Locator, attribute: str) -> float:
    value = locator.get_attribute(attribute)
    assert value is not None, attribute
    return float(value)


def test_a_moderator_reads_the_totals_the_suggestion_and_both_charts(
    page: Page, stack: LocalStackProcess
) -> None:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )

    # GIVEN 160 scored comments, 20 approved and 21 rejected by moderators (fixtures/insights/decided.json)
    insights = open_insights(page, stack, fixture("decided"))

    # THEN the route was asked with the moderator's token and the default target
    assert insights.asked == [{"target_miss_rate": ["0.05"]}]
    assert insights.authorizations == [f"Bearer {stack.token}"]
    totals = {
        "automatic.published": "131",
        "automatic.held": "19",
        "automatic.rejected": "10",
        "moderators.approved": "20",
        "moderators.rejected": "21",
        "held.approved": "1",
        "held.rejected": "12",
        "overturns.rejected_to_published": "1 (10%)",
        "overturns.published_to_rejected": "1 (0.8%)",
    }
    for path, shown in totals.items():
        expect(page.locator(f'[data-total="{path}"]')).to_have_text(shown)
    expect(page.locator("#suggestion-now")).to_have_text(
        "Today, reviewing from 0.50 holds 29 comments and lets 4.8% of what you reject through."
    )
    expect(page.locator("#suggestion")).to_have_text(
        "A review threshold of 0.55 would hold 26 comments and let 4.8% of what you reject through"
        " — meets your 5% target."
    )

    # THEN the distributions: 20 bars per decision, heights in proportion to the counts on one scale
    histogram = page.locator('[data-chart="histogram"]')
    approved, rejected = bars(histogram, "approved"), bars(histogram, "rejected")
    assert [count for count, _ in approved] == fixture("decided")["overall"]["histograms"]["approved"]
    assert [count for count, _ in rejected] == fixture("decided")["overall"]["histograms"]["rejected"]
    tallest = max(height for _, height in approved + rejected)
    for count, height in approved + rejected:
        assert height == pytest.approx(tallest * count / 5, abs=0.05)
    # and the live thresholds marked between the bins they separate
    review = histogram.locator('.marker[data-kind="review"]')
    expect(review).to_have_attribute("data-threshold", "0.5")
    expect(histogram.locator('.marker[data-kind="reject"]')).to_have_attribute("data-threshold", "0.9")
    line = number(review.locator("line"), "x1")
    last_below = histogram.locator('rect[data-series="rejected"][data-bin="9"]')
    first_above = histogram.locator('rect[data-series="approved"][data-bin="10"]')
    assert number(last_below, "x") + number(last_below, "width") < line < number(first_above, "x")

    # THEN the curve: 21 points per panel, the queue shrinking as the threshold rises
    curve = page.locator('[data-chart="curve"]')
    queue = curve.locator(".series.queue circle")
    expect(queue).to_have_count(21)
    expect(curve.locator(".series.missed circle")).to_have_count(21)
    heights = queue.evaluate_all("points => points.map(p => Number(p.getAttribute('cy')))")
    assert heights == sorted(heights)
    assert heights[0] < heights[-1]
    expect(queue.first).to_have_attribute("data-queue", "160")
    # and the current and suggested review thresholds marked where their points are, with the target
    expect(curve.locator('.marker[data-kind="current"]')).to_have_attribute("data-threshold", "0.5")
    suggested = curve.locator('.marker[data-kind="suggested"]')
    expect(suggested).to_have_attribute("data-threshold", "0.55")
    assert number(suggested.locator("line"), "x1") == number(
        curve.locator('.queue circle[data-t="0.55"]'), "cx"
    )
    expect(curve.locator(".target")).to_have_attribute("data-target", "0.05")

    # THEN each chart names itself and its numbers are reachable without it
    for chart in (histogram, curve):
        svg = chart.locator("svg")
        expect(svg).to_have_attribute("role", "img")
        labelled_by = (svg.get_attribute("aria-labelledby") or "").split()
        assert len(labelled_by) == 2
        assert all(page.locator(f"[id='{part}']").text_content() for part in labelled_by)
    expect(histogram.locator("details tbody tr")).to_have_count(20)
    expect(curve.locator("details tbody tr")).to_have_count(21)
    expect(curve.locator("details tbody tr").nth(11).locator("td")).to_have_text(["0.55", "26", "1", "4.8%"])
    expect(histogram.locator(".chart-summary")).to_contain_text(
        "21 rejected, half of them scoring below 0.90"
    )

    # THEN no candidate model: no shadow panel, a word on how to run one
    expect(page.locator("#shadow")).to_be_hidden()
    expect(page.locator("#shadow-none")).to_be_visible()
    assert refused == []


def test_choosing_a_label_redraws_its_own_figures(page: Page, stack: LocalStackProcess) -> None:
    open_insights(page, stack, fixture("decided"))
    histogram = page.locator('[data-chart="histogram"]')

    # WHEN switching to the insult label
    page.get_by_label("Figures for").select_option("insult")

    # THEN totals, suggestion and charts are insult's
    expect(page.locator('[data-total="automatic.published"]')).to_have_text("156")
    expect(page.locator('[data-total="overturns.rejected_to_published"]')).to_have_text("0")
    expect(page.locator("#suggestion")).to_have_text(
        "A review threshold of 0.05 would hold 73 comments and let 3.8% of what you reject through"
        " — meets your 5% target."
    )
    assert [count for count, _ in bars(histogram, "approved")] == fixture("decided")["labels"]["insult"][
        "histograms"
    ]["approved"]
    expect(page.locator('[data-chart="curve"] .marker[data-kind="suggested"]')).to_have_attribute(
        "data-threshold", "0.05"
    )
    expect(page.locator('[data-chart="curve"] .queue circle').first).to_have_attribute("data-queue", "163")

    # WHEN going back to overall, THEN the overall figures return
    page.get_by_label("Figures for").select_option("")
    expect(page.locator('[data-total="automatic.published"]')).to_have_text("131")
    expect(page.get_by_label("Figures for").locator("option")).to_have_text(
        ["overall (each comment's highest score)", "toxicity", "insult"]
    )


def test_the_filters_ask_for_what_the_moderator_typed(page: Page, stack: LocalStackProcess) -> None:
    insights = open_insights(page, stack, fixture("decided"))
    filters = page.locator("#insights-filters")

    # WHEN asking for one post since the first of November, at most 2.5% let through
    filters.get_by_label("Since").fill("2026-11-01")
    filters.get_by_label("Post").fill("my-post")
    filters.get_by_label("Target miss rate").fill("2.5")
    # (the stand-in records what it was asked before it answers; the figures on screen are the
    # first load's until then)
    with page.expect_response("**/moderation/insights*"):
        filters.get_by_role("button", name="Apply").click()

    # THEN the route is asked exactly that
    expect(page.locator("#suggestion")).not_to_be_empty()
    assert insights.asked[-1] == {
        "since": ["2026-11-01"],
        "post_id": ["my-post"],
        "target_miss_rate": ["0.025"],
    }

    # WHEN the target is out of range, THEN nothing is asked
    asked = len(insights.asked)
    filters.get_by_label("Target miss rate").fill("0")
    filters.get_by_role("button", name="Apply").click()
    expect(filters.get_by_label("Target miss rate")).to_have_js_property("validity.valid", False)
    assert len(insights.asked) == asked

    # WHEN the route refuses, THEN its message is said and the last figures stay
    insights.status = 400
    insights.answer = {
        "error": {"code": "invalid_request", "message": "since must be a date, e.g. 2026-11-01."}
    }
    filters.get_by_label("Target miss rate").fill("5")
    filters.get_by_role("button", name="Apply").click()
    expect(page.locator("#notice")).to_have_text("since must be a date, e.g. 2026-11-01.")
    expect(page.locator('[data-total="automatic.published"]')).to_have_text("131")


def test_the_shadow_panel_compares_the_candidate_model(page: Page, stack: LocalStackProcess) -> None:
    # GIVEN a shadow model that scored 163 comments
    open_insights(page, stack, fixture("shadow"))

    shadow = page.locator("#shadow")
    expect(shadow).to_be_visible()
    expect(page.locator("#shadow-none")).to_be_hidden()
    expect(shadow.locator(".model")).to_have_text("detoxify-unbiased-small-2026-11-20")
    expect(shadow.locator('[data-shadow-figure="scored"]')).to_have_text("163")
    expect(shadow.locator('[data-shadow-figure="agreement_with_live"]')).to_have_text("92%")
    expect(shadow.locator('[data-shadow-figure="agreement_with_moderators"]')).to_have_text("90%")
    # THEN what it would have changed, in a table and in words
    cell = shadow.locator(".changes td")
    expect(cell).to_have_count(9)
    expect(shadow.locator('td[data-live="published"][data-shadow="held"]')).to_have_text("3")
    expect(shadow.locator('td[data-live="held"][data-shadow="published"]')).to_have_text("6")
    expect(shadow.locator('td[data-live="rejected"][data-shadow="rejected"]')).to_have_text("7")
    expect(shadow.locator(".shadow-changes")).to_have_text(
        "It would have changed 13 of 163 decisions: 3 published → held, 6 held → published,"
        " 3 held → rejected, 1 rejected → held."
    )
    # and its own distributions, against the live thresholds
    chart = shadow.locator('[data-chart="histogram"]')
    expect(chart.locator('rect.bar[data-series="rejected"]')).to_have_count(20)
    assert [count for count, _ in bars(chart, "approved")] == fixture("shadow")["shadow"]["overall"][
        "histograms"
    ]["approved"]
    expect(chart.locator('.marker[data-kind="review"]')).to_have_attribute("data-threshold", "0.5")


def test_before_any_comment_or_decision_the_page_says_what_to_do(
    page: Page, stack: LocalStackProcess
) -> None:
    # GIVEN no scored comment on the post in the period, nor any since insights began
    open_insights(page, stack, fixture("empty") | {"model": None})
    expect(page.locator("#insights-period")).to_contain_text("on quiet-post · no comment scored yet · review")
    expect(page.locator("#insights-empty")).to_have_text(
        "No scored comments from 2026-11-20 to 2026-11-27 on quiet-post yet. Insights fill in as comments"
        " arrive and moderators decide them: try an earlier “Since” date, or all posts."
    )
    expect(page.locator("#insights-body")).to_be_hidden()
    expect(page.locator("#shadow")).to_be_hidden()


def test_scored_comments_but_no_decision_yet_give_no_suggestion(page: Page, stack: LocalStackProcess) -> None:
    # GIVEN 160 scored comments nobody has approved or rejected yet
    open_insights(page, stack, fixture("undecided"))
    expect(page.locator('[data-total="automatic.published"]')).to_have_text("131")
    expect(page.locator("#suggestion")).to_have_text(
        "No suggestion yet: it needs comments your moderators rejected in this period, and there are none. "
        "Reject the abusive ones in the queue, or pick an earlier “Since” date."
    )
    expect(page.locator('[data-empty="distribution"]')).to_be_visible()
    curve = page.locator('[data-chart="curve"]')
    # the queue is drawn; the share let through has nothing to be a share of
    expect(curve.locator(".series.queue circle")).to_have_count(21)
    expect(curve.locator(".series.missed circle")).to_have_count(0)
    expect(curve.locator('.marker[data-kind="suggested"]')).to_have_count(0)


def test_a_target_no_reject_threshold_meets_is_said_of_the_reject_threshold(
    page: Page, stack: LocalStackProcess
) -> None:
    # GIVEN moderators approved more than 5% of the comments at every score: no reject threshold
    # meets the target, so the route suggests 1.0 and `met` is false (insights.suggest)
    answer = copy.deepcopy(fixture("decided"))
    answer["overall"]["suggested"] |= {"reject_threshold": 1.0, "met": False}
    open_insights(page, stack, answer)
    # THEN the review threshold, which always meets the target, is suggested as usual
    suggestion = page.locator("#suggestion")
    expect(suggestion).to_have_text(
        "A review threshold of 0.55 would hold 26 comments and let 4.8% of what you reject through"
        " — meets your 5% target."
    )
    expect(suggestion).not_to_have_attribute("data-met", "false")
    # and the warning is the reject threshold's
    reject = page.locator("#suggestion-reject")
    expect(reject).to_have_text(
        "No reject threshold meets your 5% target: whichever you take from 0.55 up, more than 5% of the"
        " comments scoring that high or more were ones your moderators approved. The suggested 1.00"
        " rejects only a perfect score and holds the rest for review."
    )
    expect(reject).to_have_attribute("data-met", "false")


def test_signing_out_leaves_no_figures_on_screen(page: Page, stack: LocalStackProcess) -> None:
    open_insights(page, stack, fixture("shadow"))
    expect(page.locator('[data-chart="curve"]')).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#insights-charts > *")).to_have_count(0)
    expect(page.locator("#insights-totals > *")).to_have_count(0)
    expect(page.locator("#shadow")).to_be_hidden()
    expect(page.locator("#insights-period")).to_be_empty()


def test_coming_back_from_the_queue_asks_for_fresh_figures(page: Page, stack: LocalStackProcess) -> None:
    insights = open_insights(page, stack, fixture("decided"))
    expect(page.locator("#queue-view")).to_be_hidden()

    # WHEN going to the queue (to decide comments) and back
    page.get_by_role("link", name="Queue").click()
    expect(page.locator("#queue-view")).to_be_visible()
    expect(page.locator("#insights-view")).to_be_hidden()
    insights.answer = fixture("shadow")
    page.get_by_role("link", name="Insights").click()

    # THEN the figures are asked for again, and the tab says where the moderator is
    expect(page.locator("#shadow")).to_be_visible()
    assert len(insights.asked) == 2
    expect(page.get_by_role("link", name="Insights")).to_have_attribute("aria-current", "page")


def test_going_to_insights_while_signing_in_asks_for_the_figures_once(
    page: Page, stack: LocalStackProcess
) -> None:
    insights = open_at_sign_in(page, stack, fixture("decided"))

    def navigate_meanwhile(me: Route) -> None:
        # WHEN the moderator goes to Insights (as a bookmark or the back button would) while the
        # console is still asking the API who they are
        page.evaluate("location.hash = '#insights'")
        me.continue_()

    page.route("**/moderation/me", navigate_meanwhile)
    page.get_by_role("button", name="Use this token").click()

    # THEN the figures are shown, asked for once: the sign-in's view and the navigation are one
    expect(page.locator("#who-name")).to_have_text("local-moderator")
    expect(page.locator("#insights-period")).not_to_be_empty()
    # (the queue's counts load after every request of the first view was sent)
    expect(page.locator('#counts dd[data-status="pending"]')).not_to_have_text("–")
    assert len(insights.asked) == 1


def test_the_real_route_shows_the_decisions_just_made(page: Page, stack: LocalStackProcess) -> None:
    # No stand-in here: the local stack's own route counts what was submitted and decided on it
    # (the other tests answer from fixtures and store nothing).
    post = "insights-live"

    moderator = {"Authorization": f"Bearer {stack.token}"}

    # GIVEN two clean comments published, one held (insult 0.62) and one rejected (insult 0.97)
    for author, body, status in [
        ("Ann", "Thanks, a clear post.", 201),
        ("Ann", "I learned something.", 201),
        ("Cy", "You fool [[insult=0.62]]", 202),
        ("Bo", "Vile [[insult=0.97]]", 422),
    ]:
        reply = stack.request("POST", f"/posts/{post}/comments", {"author_name": author, "body": body})
        assert reply.status == status, reply.body
    (held,) = stack.request("GET", f"/moderation/queue?post_id={post}", headers=moderator).body["items"]
    # WHEN a moderator rejects the held comment
    decided = stack.request(
        "POST", f"/moderation/comments/{held['id']}/decision", {"action": "reject"}, headers=moderator
    )
    assert decided.status == 200, decided.body

    page.goto(f"{stack.base_url}/console")
    page.get_by_label("Token").fill(stack.token)
    page.get_by_role("button", name="Use this token").click()
    page.get_by_role("link", name="Insights").click()

    # THEN the Insights tab shows those very counts, and the rejected comment in its score's bin
    expected = {
        "automatic.published": "2",
        "automatic.held": "1",
        "automatic.rejected": "1",
        "moderators.approved": "0",
        "moderators.rejected": "1",
        "held.rejected": "1",
    }
    for name, text in expected.items():
        expect(page.locator(f'[data-total="{name}"]')).to_have_text(text)
    rejected = bars(page.locator('#insights-charts [data-chart="histogram"]'), "rejected")
    assert [count for count, _ in rejected] == [0] * 12 + [1] + [0] * 7
