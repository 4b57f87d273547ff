// The console's Insights view: what the thresholds cost, from GET /moderation/insights. The
// console hands in its `api` (bearer token, sign-out on 401/403) and `notice`.

import { histogram, html, percent, score, thresholdCurve } from "./charts.js";

const $ = (selector) => document.querySelector(selector);
const DECISIONS = ["published", "held", "rejected"];
const TOTALS = [
  ["Decided automatically", [["automatic.published", "published"], ["automatic.held", "held for review"], ["automatic.rejected", "rejected"]]],
  ["Moderators' decisions", [["moderators.approved", "approved"], ["moderators.rejected", "rejected"]]],
  ["Held comments, decided", [["held.approved", "approved"], ["held.rejected", "rejected"]]],
  ["Overturned", [
    ["overturns.rejected_to_published", "rejected, then approved"],
    ["overturns.published_to_rejected", "published, then taken down"],
  ]],
];

const state = { data: null, generation: 0 };
let api;
let notice;

const plural = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
const sum = (counts) => counts.reduce((a, b) => a + b, 0);
const at = (figures, path) => path.split(".").reduce((value, key) => value[key], figures);

/** The query the filters ask for; the target is typed as a percentage and sent as a rate. */
export function insightsQuery(form) {
  const query = new URLSearchParams();
  const since = form.elements.since.value;
  const postId = form.elements.post_id.value.trim();
  if (since) query.set("since", since);
  if (postId) query.set("post_id", postId);
  query.set("target_miss_rate", String(Number((Number(form.elements.target.value) / 100).toFixed(4))));
  return query;
}

/** The suggested review threshold in words, or what is missing for one. It always meets the target
 * (reviewing from 0 misses nothing); `met` is about the reject threshold (see rejectText). */
export function suggestionText(suggested, target, current) {
  if (!suggested) {
    return "No suggestion yet: it needs comments your moderators rejected in this period, and there are none. " +
      "Reject the abusive ones in the queue, or pick an earlier “Since” date.";
  }
  const cost = `hold ${plural(suggested.queue, "comment")} and let ${percent(suggested.miss_rate)} of what you reject through`;
  if (Math.abs(suggested.review_threshold - current) < 1e-9) {
    return `Your review threshold of ${score(current)} is the highest that meets your ${percent(target)} target: ` +
      `it would ${cost}.`;
  }
  return `A review threshold of ${score(suggested.review_threshold)} would ${cost} — meets your ${percent(target)} target.`;
}

function rejectText(suggested, target) {
  if (!suggested) return "";
  if (!suggested.met) {
    return `No reject threshold meets your ${percent(target)} target: whichever you take from ` +
      `${score(suggested.review_threshold)} up, more than ${percent(target)} of the comments scoring that high or more ` +
      `were ones your moderators approved. The suggested ${score(suggested.reject_threshold)} rejects only a perfect ` +
      "score and holds the rest for review.";
  }
  return `A reject threshold of ${score(suggested.reject_threshold)}: of the comments scoring that high or more, ` +
    `no more than ${percent(target)} were ones your moderators approved.`;
}

function currentText(curve, current) {
  const point = curve.find((p) => Math.abs(p.review_threshold - current) < 1e-9);
  if (!point) return "";
  return `Today, reviewing from ${score(current)} holds ${plural(point.queue, "comment")}` +
    (point.miss_rate === null ? "." : ` and lets ${percent(point.miss_rate)} of what you reject through.`);
}

function totalText(figures, path) {
  const count = at(figures, path);
  if (!path.startsWith("overturns.")) return String(count);
  const rate = at(figures, `${path}_rate`);
  return rate === null ? String(count) : `${count} (${percent(rate)})`;
}

function renderTotals(figures) {
  $("#insights-totals").replaceChildren(...TOTALS.map(([title, entries]) => html("section", {}, [
    html("h4", {}, [title]),
    html("dl", {}, entries.flatMap(([path, name]) => [
      html("dt", {}, [name]),
      html("dd", { "data-total": path }, [totalText(figures, path)]),
    ])),
  ])));
}

function thresholdMarkers(thresholds) {
  return [
    { kind: "review", value: thresholds.review, text: "review" },
    { kind: "reject", value: thresholds.reject, text: "reject" },
  ];
}

function distribution(figures, thresholds, caption) {
  const { approved, rejected } = figures.histograms;
  if (sum(approved) + sum(rejected) === 0) {
    return html("p", { class: "empty", "data-empty": "distribution" }, [
      "No moderator decisions in this period yet: the scores of the comments you approve and reject in the queue will show here.",
    ]);
  }
  return histogram({
    caption,
    series: [
      { key: "approved", name: "Approved", counts: approved },
      { key: "rejected", name: "Rejected", counts: rejected },
    ],
    markers: thresholdMarkers(thresholds),
  });
}

function renderFigures(figures) {
  const data = state.data;
  const current = data.thresholds.review;
  const target = data.target_miss_rate;
  renderTotals(figures);
  $("#suggestion").textContent = suggestionText(figures.suggested, target, current);
  $("#suggestion-reject").textContent = rejectText(figures.suggested, target);
  $("#suggestion-reject").dataset.met = String(figures.suggested?.met ?? "none");
  $("#suggestion-now").textContent = currentText(figures.curve, current);
  const markers = [{ kind: "current", value: current, text: "now" }];
  if (figures.suggested) markers.push({ kind: "suggested", value: figures.suggested.review_threshold, text: "suggested" });
  $("#insights-charts").replaceChildren(
    distribution(figures, data.thresholds, "Scores of the comments moderators approved and rejected"),
    thresholdCurve({
      caption: "Comments held against rejected comments let through, as the review threshold moves",
      curve: figures.curve,
      markers,
      target,
      summary: `${$("#suggestion-now").textContent} ${$("#suggestion").textContent}`.trim(),
    }),
  );
}

function changesTable(changes) {
  return html("table", { class: "changes" }, [
    html("caption", {}, ["Live decision (rows) → the shadow model's decision (columns)"]),
    html("thead", {}, [html("tr", {}, [html("th", {}, ["live ↓ shadow →"]), ...DECISIONS.map((d) => html("th", { scope: "col" }, [d]))])]),
    html("tbody", {}, DECISIONS.map((live) => html("tr", {}, [
      html("th", { scope: "row" }, [live]),
      ...DECISIONS.map((shadow) => html("td", {
        "data-live": live, "data-shadow": shadow, class: live === shadow ? "same" : "changed",
      }, [String(changes[live]?.[shadow] ?? 0)])),
    ]))),
  ]);
}

function changesText(shadow) {
  const moves = DECISIONS.flatMap((live) => DECISIONS.filter((to) => to !== live)
    .map((to) => [live, to, shadow.changes[live]?.[to] ?? 0])).filter(([, , count]) => count > 0);
  const changed = sum(moves.map(([, , count]) => count));
  if (!changed) return `It would have decided all ${plural(shadow.scored, "comment")} it scored as the live model did.`;
  return `It would have changed ${changed} of ${plural(shadow.scored, "decision")}: ` +
    moves.map(([live, to, count]) => `${count} ${live} → ${to}`).join(", ") + ".";
}

function renderShadow(shadow, thresholds, target) {
  const panel = $("#shadow");
  panel.hidden = !shadow;
  $("#shadow-none").hidden = Boolean(shadow);
  if (!shadow) return;
  panel.querySelector(".model").textContent = shadow.model;
  panel.querySelector('[data-shadow-figure="scored"]').textContent = String(shadow.scored);
  panel.querySelector('[data-shadow-figure="agreement_with_live"]').textContent = percent(shadow.agreement_with_live);
  panel.querySelector('[data-shadow-figure="agreement_with_moderators"]').textContent = percent(shadow.agreement_with_moderators);
  panel.querySelector(".shadow-changes").textContent = changesText(shadow);
  panel.querySelector(".shadow-suggestion").textContent =
    `On its scores: ${suggestionText(shadow.overall.suggested, target, thresholds.review)}`;
  panel.querySelector(".shadow-detail").replaceChildren(
    changesTable(shadow.changes),
    distribution(shadow.overall, thresholds, "The shadow model's scores of the comments moderators approved and rejected"),
  );
}

function selectedFigures() {
  const label = $("#insights-label").value;
  return label ? state.data.labels[label] : state.data.overall;
}

function render() {
  const data = state.data;
  const where = data.post_id ? `on ${data.post_id}` : "on all posts";
  // The route names the live model once something has been submitted since insights began.
  const model = data.model ? `live model ${data.model}` : "no comment scored yet";
  $("#insights-period").textContent = `Comments from ${data.since} to ${data.until} ${where} · ${model} · ` +
    `review from ${score(data.thresholds.review)}, reject from ${score(data.thresholds.reject)}`;
  const picker = $("#insights-label");
  const chosen = picker.value;
  picker.replaceChildren(
    html("option", { value: "" }, ["overall (each comment's highest score)"]),
    ...Object.keys(data.labels).map((label) => html("option", { value: label }, [label.replaceAll("_", " ")])),
  );
  picker.value = chosen in data.labels ? chosen : "";
  const overall = data.overall;
  const empty = sum(overall.histograms.all) + sum(Object.values(overall.automatic)) === 0;
  $("#insights-empty").hidden = !empty;
  $("#insights-body").hidden = empty;
  if (empty) {
    $("#insights-empty").textContent = `No scored comments from ${data.since} to ${data.until} ${where} yet. ` +
      "Insights fill in as comments arrive and moderators decide them: try an earlier “Since” date, or all posts.";
    renderShadow(null, data.thresholds, data.target_miss_rate);
    return;
  }
  renderFigures(selectedFigures());
  renderShadow(data.shadow, data.thresholds, data.target_miss_rate);
}

async function load() {
  const form = $("#insights-filters");
  if (!form.reportValidity()) return;
  const generation = ++state.generation;
  const { status, data } = await api("GET", `/moderation/insights?${insightsQuery(form)}`);
  if (generation !== state.generation) return;
  if (status !== 200) {
    notice(data?.error?.message ?? `The insights did not load (${status}).`, "error");
    return;
  }
  notice("");
  state.data = data;
  render();
}

/** Shows the view with fresh figures: the moderator may have just decided comments in the queue. */
export async function showInsights() {
  await load();
}

/** Forgets everything shown: the moderator signed out. */
export function clearInsights() {
  state.generation += 1;
  state.data = null;
  for (const part of ["#insights-totals", "#insights-charts", "#shadow .shadow-detail"]) $(part).replaceChildren();
  for (const part of ["#insights-period", "#suggestion", "#suggestion-reject", "#suggestion-now", "#insights-empty"]) {
    $(part).textContent = "";
  }
  $("#shadow").hidden = true;
}

export function setupInsights(tools) {
  ({ api, notice } = tools);
  $("#insights-filters").addEventListener("submit", tools.guard(async (event) => {
    event.preventDefault();
    await load();
  }));
  $("#insights-label").addEventListener("change", () => {
    if (state.data) renderFigures(selectedFigures());
  });
}
