// Small SVG charts for the console's Insights: no library, no build step. Every chart is a <figure>
// with a caption, an SVG that names itself (role="img", a title and a one-line summary) and the
// same numbers in a table under <details>, so nothing is reachable only by looking. Colours come
// from classes in console.css: the console's policy forbids inline styles.

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 640;
const LEFT = 48;
const RIGHT = 16;
const PLOT = WIDTH - LEFT - RIGHT;

let figures = 0;

function node(tag, attributes = {}, children = [], namespace = SVG) {
  const made = namespace ? document.createElementNS(namespace, tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, String(value));
  made.append(...children);
  return made;
}

const html = (tag, attributes = {}, children = []) => node(tag, attributes, children, null);
const round = (value) => Math.round(value * 100) / 100;
const x = (t) => round(LEFT + t * PLOT);

export const percent = (rate) => (rate === null || rate === undefined ? "–" : `${Math.round(rate * 1000) / 10}%`);
export const score = (value) => value.toFixed(2);

function table(caption, head, rows) {
  return html("details", {}, [
    html("summary", {}, [`${caption}: the numbers`]),
    html("table", {}, [
      html("thead", {}, [html("tr", {}, head.map((cell) => html("th", { scope: "col" }, [cell])))]),
      html("tbody", {}, rows.map((row) => html("tr", {}, row.map((cell) => html("td", {}, [String(cell)]))))),
    ]),
  ]);
}

function figure({ kind, caption, summary, height, drawing, numbers }) {
  figures += 1;
  const id = `chart-${figures}`;
  const svg = node("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-labelledby": `${id}-title ${id}-desc`, class: "chart",
  }, [node("title", { id: `${id}-title` }, [caption]), node("desc", { id: `${id}-desc` }, [summary]), ...drawing]);
  return html("figure", { class: "chart-figure", "data-chart": kind }, [
    html("figcaption", {}, [caption]),
    svg,
    html("p", { class: "chart-summary" }, [summary]),
    numbers,
  ]);
}

function xAxis(bottom) {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => node("text", { x: x(t), y: bottom + 16, class: "tick", "text-anchor": "middle" }, [score(t)]));
  return node("g", { class: "axis" }, [node("line", { x1: LEFT, x2: LEFT + PLOT, y1: bottom, y2: bottom }), ...ticks]);
}

function yAxis(top, bottom, labels) {
  return node("g", { class: "axis" }, [
    node("line", { x1: LEFT, x2: LEFT, y1: top, y2: bottom }),
    node("text", { x: LEFT - 6, y: top + 4, class: "tick", "text-anchor": "end" }, [labels[1]]),
    node("text", { x: LEFT - 6, y: bottom, class: "tick", "text-anchor": "end" }, [labels[0]]),
  ]);
}

// A vertical line at a threshold, named in words above the plot (one row per marker, so that
// markers close together stay legible).
function marker({ kind, value, text }, row, bottom) {
  const right = value > 0.8;
  return node("g", { class: `marker ${kind}`, "data-kind": kind, "data-threshold": value }, [
    node("line", { x1: x(value), x2: x(value), y1: 16 + row * 13, y2: bottom }),
    node("text", {
      x: x(value) + (right ? -3 : 3), y: 14 + row * 13, class: "marker-label", "text-anchor": right ? "end" : "start",
    }, [`${text} ${score(value)}`]),
  ]);
}

const MARKER_ROWS = 2;

function binRange(bin, binCount) {
  return `${score(bin / binCount)}–${score((bin + 1) / binCount)}`;
}

// Where most of a histogram lies: the bin holding its median.
function medianBin(counts) {
  const total = counts.reduce((a, b) => a + b, 0);
  let seen = 0;
  return counts.findIndex((count) => (seen += count) * 2 >= total);
}

/**
 * Grouped bars per score bin, one colour per series, on one scale so heights compare across series.
 * series: [{key, name, counts}]; markers: [{kind, value, text}].
 */
export function histogram({ caption, series, markers }) {
  const binCount = series[0].counts.length;
  const top = 16 + MARKER_ROWS * 13;
  const bottom = top + 140;
  const most = Math.max(1, ...series.flatMap((s) => s.counts));
  const slot = PLOT / binCount;
  const bar = (slot - 2) / series.length;
  const bars = series.flatMap((s, k) => s.counts.map((count, bin) => {
    const height = round((count / most) * (bottom - top));
    return node("rect", {
      class: `bar ${s.key}`, "data-series": s.key, "data-bin": bin, "data-count": count,
      x: round(LEFT + bin * slot + 1 + k * bar), width: round(bar), y: round(bottom - height), height,
    }, [node("title", {}, [`${s.name}, scores ${binRange(bin, binCount)}: ${count}`])]);
  }));
  const legend = series.map((s, k) => node("g", { class: "legend" }, [
    node("rect", { class: `bar ${s.key}`, x: LEFT + k * 120, y: bottom + 28, width: 10, height: 10 }),
    node("text", { x: LEFT + 14 + k * 120, y: bottom + 37 }, [s.name]),
  ]));
  const summary = series.map((s) => {
    const total = s.counts.reduce((a, b) => a + b, 0);
    return total ? `${total} ${s.name.toLowerCase()}, half of them scoring below ${score((medianBin(s.counts) + 1) / binCount)}` : `none ${s.name.toLowerCase()}`;
  }).join("; ") + `. ${markers.map((m) => `${m.text} at ${score(m.value)}`).join(", ")}.`;
  return figure({
    kind: "histogram", caption, summary, height: bottom + 44,
    drawing: [
      ...legend, ...bars, xAxis(bottom), yAxis(top, bottom, ["0", String(most)]),
      ...markers.map((m, row) => marker(m, row, bottom)),
    ],
    numbers: table(caption, ["scores", ...series.map((s) => s.name)],
      series[0].counts.map((_, bin) => [binRange(bin, binCount), ...series.map((s) => s.counts[bin])])),
  });
}

function polyline(points, key) {
  const drawn = points.filter((p) => p.y !== null);
  return node("g", { class: `series ${key}`, "data-series": key }, [
    node("polyline", { points: drawn.map((p) => `${p.x},${p.y}`).join(" ") }),
    ...drawn.map((p) => node("circle", { cx: p.x, cy: p.y, r: 3, ...p.data }, [node("title", {}, [p.label])])),
  ]);
}

/**
 * The queue against missed abuse as the review threshold moves: two panels on one x axis, the
 * queue above, the share of rejected comments let through below (with the target as a line).
 * curve: the contract's points; markers: [{kind, value, text}]; target: a rate in (0, 1).
 */
export function thresholdCurve({ caption, curve, markers, target, summary }) {
  const queueTop = 16 + MARKER_ROWS * 13 + 16;
  const queueBottom = queueTop + 100;
  const missTop = queueBottom + 28;
  const missBottom = missTop + 100;
  const most = Math.max(1, ...curve.map((p) => p.queue));
  const yQueue = (queue) => round(queueBottom - (queue / most) * (queueBottom - queueTop));
  const yMiss = (rate) => (rate === null ? null : round(missBottom - rate * (missBottom - missTop)));
  const queue = curve.map((p) => ({
    x: x(p.review_threshold), y: yQueue(p.queue),
    data: { "data-t": p.review_threshold, "data-queue": p.queue },
    label: `review at ${score(p.review_threshold)}: ${p.queue} held`,
  }));
  const missed = curve.map((p) => ({
    x: x(p.review_threshold), y: yMiss(p.miss_rate),
    data: { "data-t": p.review_threshold, "data-miss-rate": p.miss_rate },
    label: `review at ${score(p.review_threshold)}: ${p.missed} rejected let through (${percent(p.miss_rate)})`,
  }));
  return figure({
    kind: "curve", caption, summary, height: missBottom + 24,
    drawing: [
      node("text", { x: LEFT + 8, y: queueTop - 6, class: "panel-label" }, ["comments held for review"]),
      polyline(queue, "queue"), yAxis(queueTop, queueBottom, ["0", String(most)]),
      node("text", { x: LEFT + 8, y: missTop - 6, class: "panel-label" }, ["share of rejected comments let through"]),
      node("g", { class: "target", "data-target": target }, [
        node("line", { x1: LEFT, x2: LEFT + PLOT, y1: yMiss(target), y2: yMiss(target) }),
        node("text", { x: LEFT + PLOT - 4, y: yMiss(target) - 4, "text-anchor": "end", class: "marker-label" }, [`target ${percent(target)}`]),
      ]),
      polyline(missed, "missed"), yAxis(missTop, missBottom, ["0%", "100%"]), xAxis(missBottom),
      ...markers.map((m, row) => marker(m, row, missBottom)),
    ],
    numbers: table(caption, ["review threshold", "held", "rejected let through", "share"],
      curve.map((p) => [score(p.review_threshold), p.queue, p.missed, percent(p.miss_rate)])),
  });
}

export { html };
