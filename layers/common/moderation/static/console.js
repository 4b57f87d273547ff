// The moderators' console: a plain ES module, no build step. Everything a reader wrote is put
// on the page with textContent, never as HTML.

import { clearInsights, setupInsights, showInsights } from "./insights.js";

const TOKEN_KEY = "moderation.token";
const PKCE_KEY = "moderation.pkce";
const HOLD_SCORE = 0.5;

const $ = (selector) => document.querySelector(selector);
const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  cognito: null,
  items: [],
  selected: 0,
  cursor: null,
  view: "pending",
  postId: "",
  picked: new Set(),
  detail: null,
  // Whom blocking the open comment's address reaches, as the API counted it.
  reach: null,
  // Bumped when the view changes or the moderator signs out: answers to older requests are dropped.
  generation: 0,
};

// --- talking to the API --------------------------------------------------------------------

class SignedOut extends Error {}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${state.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (response.status === 401 || response.status === 403) {
    // 401: the token itself was refused (mistyped, expired, from elsewhere); 403 says why in words.
    const message = response.status === 401
      ? "That token was not accepted: it may be mistyped or expired. Check it and sign in again."
      : data?.error?.message ?? "Your account may not moderate comments.";
    signOut(message);
    throw new SignedOut(message);
  }
  return { status: response.status, data };
}

function notice(text, kind = "info") {
  const box = $("#notice");
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = !text;
}

// --- sign-in: a pasted token, or Cognito's hosted UI with code flow + PKCE ----------------

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function redirectUri() {
  return `${location.origin}${location.pathname}`;
}

async function startHostedSignIn() {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const stateValue = base64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state: stateValue }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: state.cognito.client_id,
    redirect_uri: redirectUri(),
    // moderation/api: the API's JWT authorizer requires this scope, which only access tokens carry.
    scope: "openid email profile moderation/api",
    state: stateValue,
    code_challenge_method: "S256",
    code_challenge: challenge,
  });
  location.assign(`${state.cognito.domain}/oauth2/authorize?${query}`);
}

async function finishHostedSignIn(params) {
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? "null");
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, "", redirectUri());
  if (!saved || saved.state !== params.get("state") || !state.cognito) {
    notice("That sign-in did not start here; please sign in again.", "error");
    return;
  }
  const response = await fetch(`${state.cognito.domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: state.cognito.client_id,
      code: params.get("code"),
      redirect_uri: redirectUri(),
      code_verifier: saved.verifier,
    }),
  });
  if (!response.ok) {
    notice("Cognito did not accept the sign-in; please try again.", "error");
    return;
  }
  // The access token, never the ID token: it carries the moderation/api scope the authorizer
  // requires, and cognito:groups and username, which the API checks.
  setToken((await response.json()).access_token);
}

function setToken(token) {
  state.token = token;
  sessionStorage.setItem(TOKEN_KEY, token);
}

function showSignIn() {
  $("#work").hidden = true;
  $("#who").hidden = true;
  $("#sign-in").hidden = false;
  $("#hosted-ui").hidden = !state.cognito;
  $("#token-form").elements.token.focus();
}

function signOut(message = "") {
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  clearWork();
  notice(message, message ? "error" : "info");
  showSignIn();
}

// --- the queue -----------------------------------------------------------------------------

function clearWork() {
  // Nothing of the last moderator's session stays on screen.
  state.generation += 1;
  state.items = [];
  state.cursor = null;
  state.picked.clear();
  closeDetail();
  $("#queue").replaceChildren();
  $("#empty").hidden = true;
  $("#more").hidden = true;
  $("#bulk").hidden = true;
  $("#post-settings").hidden = true;
  $("#who-name").textContent = "";
  clearInsights();
  for (const cell of document.querySelectorAll("#counts dd")) cell.textContent = "–";
}

function queuePath(cursor) {
  // "reported" is the pending queue's comments that readers sent back.
  const status = state.view === "reported" ? "pending" : state.view;
  const query = new URLSearchParams({ status, limit: "25" });
  if (state.view === "reported") query.set("reason", "reported");
  if (state.postId) query.set("post_id", state.postId);
  if (cursor) query.set("cursor", cursor);
  return `/moderation/queue?${query}`;
}

async function loadQueue({ more = false } = {}) {
  const generation = state.generation;
  const { status, data } = await api("GET", queuePath(more ? state.cursor : null));
  if (generation !== state.generation) return;
  if (status !== 200) {
    notice(data?.error?.message ?? `The queue did not load (${status}).`, "error");
    return;
  }
  state.items = more ? state.items.concat(data.items) : data.items;
  state.cursor = data.next_cursor;
  if (!more) state.selected = 0;
  const shown = new Set(state.items.map((item) => item.id));
  for (const id of state.picked) if (!shown.has(id)) state.picked.delete(id);
  render();
  renderBulk();
  await loadCounts();
}

async function loadCounts() {
  const generation = state.generation;
  const query = state.postId ? `?post_id=${encodeURIComponent(state.postId)}` : "";
  const { status, data } = await api("GET", `/moderation/counts${query}`);
  if (status !== 200 || generation !== state.generation) return;
  for (const cell of document.querySelectorAll("#counts dd")) {
    cell.textContent = String(data.counts[cell.dataset.status] ?? 0);
  }
}

function drivers(item) {
  // The labels the decision named (reasons like "score:insult"), else any score that would hold.
  // The spam score has thresholds of its own: it drove the decision when the spam filter's reason is there.
  const named = new Set(item.reasons.filter((r) => r.startsWith("score:")).map((r) => r.slice(6)));
  if (item.reasons.includes("spam:content")) named.add("spam");
  return (label, value) => named.has(label) || (label !== "spam" && value >= HOLD_SCORE);
}

function reasonText(reason, item) {
  // The rule that fired, in words, naming what it matched (moderators only ever see this).
  if (reason.startsWith("spam:")) return spamReasonText(reason.slice(5), item);
  if (reason.startsWith("score:")) {
    const label = reason.slice(6);
    const value = item.scores[label];
    return `The model scored it ${label.replaceAll("_", " ")} ${value === undefined ? "?" : value.toFixed(2)}.`;
  }
  const matched = item.matched?.[reason] ?? [];
  const naming = matched.length ? `: ${matched.join(", ")}` : "";
  const texts = {
    banned_word: `A banned word${naming}.`,
    suspect_word: `A suspect word${naming}.`,
    too_many_links: `Too many links${naming}.`,
    scoring_unavailable: "The model could not score it, so it was held to be safe.",
    spam_unavailable: "The spam filter could not score it, so it was held to be safe.",
    reported: `Readers reported it (${item.report_count} of them).`,
    new_author: "The author's first comment: new authors are pre-moderated.",
    premoderated: "Every comment here waits for a moderator (pre-moderation).",
    banned_author: "The author is banned.",
    blocked_address: "A moderator blocked the address it came from (every reader there waits, for 30 days after the block).",
  };
  return texts[reason] ?? reason;
}

// The spam filter's reasons: its score for the words, then each signal the edge saw.
const SPAM_SIGNALS = {
  honeypot: "the hidden form field was filled in",
  too_fast: "the form was sent too soon after it was shown",
  replayed_form: "the form was sent again",
  tampered_form: "the form's token was altered",
  missing_form: "the form's token was missing",
  link: "it carries a link",
  known_domain: "it links to a domain already marked as spam",
  contact_scheme: "it gives a phone number, messenger or e-mail to contact",
  duplicate: "the same text was posted before",
  first_comment: "the author's first comment",
};

function spamReasonText(signal, item) {
  if (signal === "content") {
    const value = item.scores.spam;
    return `Spam: the spam filter scored its words ${value === undefined ? "?" : value.toFixed(2)}.`;
  }
  return `Spam signal: ${SPAM_SIGNALS[signal] ?? signal.replaceAll("_", " ")}.`;
}

const DONE = { approve: "Approved", reject: "Rejected", spam: "Marked as spam" };

function fillComment(node, item) {
  // The parts the queue item and the detail view share.
  node.querySelector(".author").textContent = item.author_name;
  node.querySelector(".post").textContent = item.post_id;
  const created = node.querySelector(".created");
  created.dateTime = item.created_at;
  created.textContent = new Date(item.created_at).toLocaleString();
  node.querySelector(".status").textContent = item.status;
  node.querySelector(".version").textContent = String(item.version);
  node.querySelector(".body").textContent = item.body;
  const drove = drivers(item);
  const scores = node.querySelector(".scores");
  scores.replaceChildren();
  for (const [label, value] of Object.entries(item.scores).sort((a, b) => b[1] - a[1])) {
    const score = document.createElement("li");
    score.textContent = `${label} ${value.toFixed(2)}`;
    if (drove(label, value)) score.classList.add("drove");
    scores.append(score);
  }
  const reasons = node.querySelector(".reasons");
  const lines = item.reasons.length ? item.reasons.map((r) => reasonText(r, item)) : ["No reasons recorded."];
  reasons.replaceChildren(...lines.map((line) => {
    const entry = document.createElement("li");
    entry.textContent = line;
    return entry;
  }));
}

// What an author key was made from, and so whom ban and trust reach.
const KEY_KINDS = {
  email: ["e-mail key", "Ban and trust follow this reader's e-mail address."],
  browser: ["browser key", "Ban and trust follow this reader's browser (the key the comment widget keeps); " +
    "a reader who clears it comes back as someone new: block the address for that."],
  address: ["address key", "Stored before per-reader keys: everyone posting from that address shared this key. " +
    "Ban and trust reach only these older comments; to hold new ones, block the address."],
};
const NO_KEY = "No key: neither an e-mail nor a browser key, so this reader can't be recognised and " +
  "ban and trust can't reach them. Each of their comments is a first comment; block the address instead.";

function authorText(record) {
  if (!record) return "";
  const kind = KEY_KINDS[record.author_key_kind]?.[0] ?? "";
  const standing = [kind, record.banned ? "banned" : "", record.trusted ? "trusted" : ""].filter(Boolean);
  return `· author: ${record.published} published, ${record.pending} pending, ${record.rejected} rejected` +
    (standing.length ? ` · ${standing.join(", ")}` : "");
}

function renderItem(item, index) {
  const node = $("#item-template").content.firstElementChild.cloneNode(true);
  node.dataset.id = item.id;
  fillComment(node, item);
  node.querySelector(".author-record").textContent = authorText(item.author);
  if (item.claimed_by) {
    node.querySelector(".claim").textContent =
      `· claimed by ${item.claimed_by} until ${new Date(item.claimed_until).toLocaleTimeString()}`;
  }
  if (item.parent_id) {
    const replyTo = node.querySelector(".reply-to");
    replyTo.textContent = "A reply: open its details to see the comment it answers.";
    replyTo.hidden = false;
  }
  // A decision that would change nothing is not offered.
  node.querySelector(".approve").disabled = item.status === "published";
  node.querySelector(".reject").disabled = item.status === "rejected";
  const pick = node.querySelector(".pick");
  pick.checked = state.picked.has(item.id);
  pick.addEventListener("change", () => togglePick(item.id, pick.checked));
  node.querySelector(".approve").addEventListener("click", () => decide(index, "approve"));
  node.querySelector(".reject").addEventListener("click", () => decide(index, "reject"));
  node.querySelector(".spam").addEventListener("click", () => decide(index, "spam"));
  node.querySelector(".details").addEventListener("click", guard(() => openDetail(index)));
  node.addEventListener("click", () => select(index, { focus: false }));
  return node;
}

// --- one post's settings ------------------------------------------------------------------

async function loadPostSettings() {
  const form = $("#post-settings");
  form.hidden = !state.postId;
  if (!state.postId) return;
  const generation = state.generation;
  const { status, data } = await api("GET", `/moderation/posts/${encodeURIComponent(state.postId)}`);
  if (status !== 200 || generation !== state.generation) return;
  form.elements.premoderate.checked = data.premoderate;
  form.elements.closed.checked = data.closed;
}

async function changePostSetting(event) {
  const { name, checked } = event.target;
  const { status, data } = await api("POST", `/moderation/posts/${encodeURIComponent(state.postId)}`, { [name]: checked });
  if (status !== 200) {
    event.target.checked = !checked;
    notice(data?.error?.message ?? `The post's settings did not change (${status}).`, "error");
    return;
  }
  const said = {
    premoderate: data.premoderate ? "New comments on this post now wait for a moderator." : "New comments on this post are moderated as usual again.",
    closed: data.closed ? "This post is closed: new comments are refused." : "This post is open to new comments again.",
  };
  notice(said[name]);
}

// --- several at once -----------------------------------------------------------------------

function togglePick(id, on) {
  if (on) state.picked.add(id);
  else state.picked.delete(id);
  renderBulk();
}

function renderBulk() {
  const count = state.picked.size;
  $("#bulk").hidden = count === 0;
  $("#bulk-count").textContent = `${count} selected`;
}

async function decideSelected(action) {
  const ids = [...state.picked];
  if (!ids.length) return;
  const note = $("#bulk").elements.note.value.trim();
  const { status, data } = await api("POST", "/moderation/decisions", { ids, action, ...(note ? { note } : {}) });
  if (status !== 200) {
    notice(data?.error?.message ?? `The decisions failed (${status}); nothing was changed.`, "error");
    return;
  }
  const done = data.results.filter((result) => result.status).length;
  const refused = data.results.filter((result) => result.error);
  const verb = DONE[action];
  const why = [...new Set(refused.map((result) => result.error))].join(", ");
  notice(
    `${verb} ${done} of ${ids.length} comment(s).` + (refused.length ? ` Not changed: ${refused.length} (${why}).` : ""),
    refused.length ? "error" : "info",
  );
  state.picked.clear();
  $("#bulk").elements.note.value = "";
  await loadQueue();
}

// --- one comment in full -------------------------------------------------------------------

function listOf(list, entries, text) {
  list.replaceChildren(...entries.map((entry) => {
    const line = document.createElement("li");
    line.textContent = text(entry);
    return line;
  }));
}

async function openDetail(index) {
  const item = state.items[index];
  if (!item) return;
  const { status, data } = await api("GET", `/moderation/comments/${encodeURIComponent(item.id)}`);
  if (status !== 200) {
    notice(data?.error?.message ?? `The comment did not load (${status}).`, "error");
    return;
  }
  const panel = $("#detail");
  state.detail = data;
  fillComment(panel, data);
  panel.querySelector(".author-key").textContent = data.author_key ?? "none";
  panel.querySelector(".author-record").textContent = authorText(data.author);
  const kind = KEY_KINDS[data.author_key_kind];
  panel.querySelector(".author-kind").textContent = kind ? `${kind[0][0].toUpperCase()}${kind[0].slice(1)}: ${kind[1]}` : NO_KEY;
  await showAddress(data);
  const actions = panel.querySelector(".author-actions");
  actions.hidden = !data.author;
  if (data.author) {
    actions.querySelector('[data-action="unban"]').disabled = !data.author.banned;
    actions.querySelector('[data-action="trust"]').disabled = data.author.trusted;
    actions.querySelector('[data-action="untrust"]').disabled = !data.author.trusted;
    for (const button of actions.querySelectorAll('[data-action="ban"]')) button.disabled = data.author.banned;
  }
  const parent = panel.querySelector(".parent");
  parent.hidden = !data.parent;
  panel.querySelector(".thread").replaceChildren();
  if (data.parent) {
    panel.querySelector(".parent-author").textContent = data.parent.author_name;
    panel.querySelector(".parent-status").textContent = `(${data.parent.status})`;
    panel.querySelector(".parent-body").textContent = data.parent.body;
  }
  const when = (at) => new Date(at).toLocaleString();
  listOf(panel.querySelector(".reports"), data.reports, (r) => `${when(r.at)} · ${r.reason}${r.note ? `: ${r.note}` : ""}`);
  if (!data.reports.length) listOf(panel.querySelector(".reports"), ["No reader reported it."], (line) => line);
  listOf(
    panel.querySelector(".history"),
    data.history,
    (h) => `${when(h.at)} · ${h.by}: ${h.from} → ${h.to}${h.note ? ` — “${h.note}”` : ""}`,
  );
  if (!data.history.length) listOf(panel.querySelector(".history"), ["No decision yet."], (line) => line);
  panel.hidden = false;
  panel.querySelector(".close").focus();
}

async function showThread() {
  const detail = state.detail;
  if (!detail?.parent_id) return;
  const path = `/posts/${encodeURIComponent(detail.post_id)}/comments/${encodeURIComponent(detail.parent_id)}/replies?limit=100`;
  const { status, data } = await api("GET", path);
  const thread = $("#detail .thread");
  if (status !== 200) {
    listOf(thread, ["The thread is not public (its first comment is not published)."], (line) => line);
    return;
  }
  listOf(thread, data.items, (reply) => `${reply.author_name}: ${reply.body}`);
  if (!data.items.length) listOf(thread, ["No published replies yet."], (line) => line);
}

async function actOnAuthor(button) {
  const detail = state.detail;
  if (!detail?.author_key) return;
  const body = { action: button.dataset.action, ...(button.dataset.hide ? { hide_published: true } : {}) };
  const path = `/moderation/authors/${encodeURIComponent(detail.author_key)}/actions`;
  const { status, data } = await api("POST", path, body);
  if (status !== 200) {
    notice(data?.error?.message ?? `The action failed (${status}).`, "error");
    return;
  }
  notice(`${button.textContent}: done for ${detail.author_name}.`);
  await loadQueue();
  const index = state.items.findIndex((item) => item.id === detail.id);
  if (index >= 0) await openDetail(index);
  else closeDetail();
}

// --- a comment's address: blocking it reaches everyone there, so its reach is stated first ------

function addressPath(detail) {
  return `/moderation/comments/${encodeURIComponent(detail.id)}/address`;
}

function renderAddress(reach) {
  const section = $("#detail .address");
  section.querySelector(".address-confirm").hidden = true;
  section.querySelector(".address-block").hidden = !reach || reach.blocked;
  section.querySelector(".address-unblock").hidden = !reach?.blocked;
  section.querySelector(".address-state").textContent = !reach
    ? "No address is known for this comment (imported without one, or erased)."
    : reach.blocked
      ? `This address is blocked until ${new Date(reach.blocked_until).toLocaleString()}: ` +
        "every new comment from it waits for a moderator."
      : "";
}

async function showAddress(detail) {
  const { status, data } = await api("GET", addressPath(detail));
  if (state.detail?.id !== detail.id) return;
  renderAddress(status === 200 ? data : null);
  state.reach = status === 200 ? data : null;
}

function reachText(reach) {
  const readers = `${reach.authors_seen}${reach.complete ? "" : " or more"} author${reach.authors_seen === 1 ? "" : "s"}`;
  const unknown = reach.unrecognised_comments
    ? `, and ${reach.unrecognised_comments} comment(s) from readers with neither an e-mail nor a browser key,`
    : "";
  return `This blocks every reader posting from this address — ${readers} seen from it in the last ` +
    `${reach.window_days} days${unknown} (${reach.comments_seen}${reach.complete ? "" : "+"} comments). ` +
    "Their new comments from it will wait for a moderator for 30 days, whoever wrote them.";
}

function askToBlock() {
  if (!state.reach) return;
  const confirm = $("#detail .address-confirm");
  confirm.querySelector(".address-reach").textContent = reachText(state.reach);
  confirm.hidden = false;
  confirm.querySelector(".address-confirm-block").focus();
}

async function actOnAddress(action) {
  const detail = state.detail;
  if (!detail) return;
  const { status, data } = await api("POST", addressPath(detail), { action });
  if (status !== 200) {
    notice(data?.error?.message ?? `The address did not change (${status}).`, "error");
    return;
  }
  state.reach = data;
  renderAddress(data);
  notice(action === "block"
    ? `Blocked the address of the comment by ${detail.author_name} until ${new Date(data.blocked_until).toLocaleString()}.`
    : `Unblocked the address of the comment by ${detail.author_name}.`);
}

function closeDetail() {
  state.detail = null;
  $("#detail").hidden = true;
}

function render() {
  const list = $("#queue");
  list.replaceChildren(...state.items.map(renderItem));
  $("#empty").hidden = state.items.length > 0;
  $("#more").hidden = !state.cursor;
  state.selected = Math.min(state.selected, Math.max(0, state.items.length - 1));
  select(state.selected, { focus: false });
}

function select(index, { focus = true } = {}) {
  const nodes = document.querySelectorAll("#queue > li");
  if (!nodes.length) return;
  state.selected = Math.max(0, Math.min(index, nodes.length - 1));
  nodes.forEach((node, i) => {
    node.classList.toggle("selected", i === state.selected);
    node.setAttribute("aria-current", String(i === state.selected));
  });
  const current = nodes[state.selected];
  current.scrollIntoView({ block: "nearest" });
  if (focus) current.focus();
}

async function decide(index, action) {
  const item = state.items[index];
  if (!item) return;
  const node = document.querySelectorAll("#queue > li")[index];
  // Spam may still be marked on a rejected comment: it teaches the filter (the API says if it was already).
  if (action !== "spam" && item.status === (action === "approve" ? "published" : "rejected")) {
    notice(`The comment by ${item.author_name} is already ${item.status}; nothing to change.`);
    return;
  }
  const note = node.querySelector(".note").value.trim();
  const body = { action, version: item.version, ...(note ? { note } : {}) };
  const { status, data } = await api("POST", `/moderation/comments/${encodeURIComponent(item.id)}/decision`, body);
  if (status === 200) {
    notice(`${DONE[action]}: the comment by ${item.author_name}.`);
    if (data.status === state.view) {
      state.items[index] = data;
    } else {
      state.items.splice(index, 1);
    }
    render();
    await loadCounts();
  } else if (status === 409 && data?.error?.code === "no_change") {
    notice(`The comment by ${item.author_name} was already ${data.error.details?.status}; nothing was changed.`);
    await loadQueue();
  } else if (status === 409) {
    const now = data?.error?.details ?? {};
    notice(
      `Conflict: someone else decided the comment by ${item.author_name} first ` +
        `(it is now ${now.status ?? "changed"}, version ${now.current_version ?? "?"}). ` +
        "Nothing was changed; the queue has been refreshed.",
      "error",
    );
    await loadQueue();
  } else {
    notice(data?.error?.message ?? `The decision failed (${status}); nothing was changed.`, "error");
  }
}

async function claim() {
  const body = { count: 10, ...(state.postId ? { post_id: state.postId } : {}) };
  const { status, data } = await api("POST", "/moderation/claims", body);
  if (status !== 200) {
    notice(data?.error?.message ?? `Claiming failed (${status}).`, "error");
    return;
  }
  notice(data.items.length
    ? `You hold ${data.items.length} comment(s) until ${new Date(data.claimed_until).toLocaleTimeString()}.`
    : "No unclaimed pending comments left.");
  state.view = "pending";
  $("#filters").elements.status.value = "pending";
  await loadQueue();
}

// --- wiring --------------------------------------------------------------------------------

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || $("#work").hidden || $("#queue-view").hidden) return;
  const typing = event.target.closest?.("input, textarea, select");
  if (typing) {
    if (event.key === "Escape") typing.blur();
    return;
  }
  const actions = {
    j: () => select(state.selected + 1),
    k: () => select(state.selected - 1),
    a: () => decide(state.selected, "approve"),
    r: () => decide(state.selected, "reject"),
    s: () => decide(state.selected, "spam"),
    o: () => openDetail(state.selected),
    x: () => {
      const pick = document.querySelectorAll("#queue > li .pick")[state.selected];
      if (!pick) return;
      pick.checked = !pick.checked;
      togglePick(state.items[state.selected].id, pick.checked);
    },
    Escape: () => closeDetail(),
  };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
}

async function start() {
  $("#sign-in").hidden = true;
  try {
    // The name the API records in claims and history, so the header says the same.
    const token = state.token;
    const { status, data } = await api("GET", "/moderation/me");
    if (token !== state.token) return;
    // The views open with the first view's requests, in one step: a view shown while the API was
    // still asked who this is would load again here, asking twice for the same figures.
    $("#work").hidden = false;
    $("#who").hidden = false;
    $("#who-name").textContent = status === 200 ? data.name : "";
    await Promise.all([loadQueue(), showView()]);
  } catch (error) {
    if (!(error instanceof SignedOut)) throw error;
  }
}

// The queue or the insights, named by the address's #fragment so either can be bookmarked.
async function showView() {
  if ($("#work").hidden) return;
  const view = location.hash === "#insights" ? "insights" : "queue";
  $("#queue-view").hidden = view !== "queue";
  $("#insights-view").hidden = view !== "insights";
  for (const link of document.querySelectorAll(".views a")) {
    if (link.dataset.view === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (view === "insights") await showInsights();
}

async function loadConfig() {
  try {
    const response = await fetch("/console/config.json");
    if (response.ok) state.cognito = (await response.json()).cognito;
  } catch {
    state.cognito = null; // no config: a pasted token is the way in
  }
}

function guard(handler) {
  // A 401/403 already sent the moderator back to sign-in; nothing more to say.
  return (...args) => handler(...args).catch((error) => {
    if (!(error instanceof SignedOut)) notice(`Something went wrong: ${error.message}`, "error");
  });
}

async function main() {
  await loadConfig();
  const params = new URLSearchParams(location.search);
  if (params.has("code")) await finishHostedSignIn(params);

  $("#token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = event.target.elements.token.value.trim();
    if (!token) return;
    event.target.reset();
    setToken(token);
    notice("");
    start();
  });
  $("#hosted-sign-in").addEventListener("click", guard(startHostedSignIn));
  $("#sign-out").addEventListener("click", () => {
    signOut();
    if (state.cognito) {
      const query = new URLSearchParams({ client_id: state.cognito.client_id, logout_uri: redirectUri() });
      location.assign(`${state.cognito.domain}/logout?${query}`);
    }
  });
  $("#filters").addEventListener("submit", guard(async (event) => {
    event.preventDefault();
    const form = event.target;
    if (!form.reportValidity()) return;
    state.view = form.elements.status.value;
    state.postId = form.elements.post_id.value.trim();
    // A new view: what was said about the last one no longer applies.
    state.generation += 1;
    notice("");
    closeDetail();
    state.picked.clear();
    await Promise.all([loadQueue(), loadPostSettings()]);
  }));
  $("#claim").addEventListener("click", guard(claim));
  $("#bulk-approve").addEventListener("click", guard(() => decideSelected("approve")));
  $("#bulk-reject").addEventListener("click", guard(() => decideSelected("reject")));
  $("#bulk-spam").addEventListener("click", guard(() => decideSelected("spam")));
  $("#bulk").addEventListener("submit", (event) => event.preventDefault());
  $("#post-settings").addEventListener("change", guard(changePostSetting));
  $("#post-settings").addEventListener("submit", (event) => event.preventDefault());
  $("#detail .close").addEventListener("click", closeDetail);
  $("#detail .show-thread").addEventListener("click", guard(showThread));
  for (const button of document.querySelectorAll("#detail .author-actions button")) {
    button.addEventListener("click", guard(() => actOnAuthor(button)));
  }
  $("#detail .address-block").addEventListener("click", askToBlock);
  $("#detail .address-cancel").addEventListener("click", () => { $("#detail .address-confirm").hidden = true; });
  $("#detail .address-confirm-block").addEventListener("click", guard(() => actOnAddress("block")));
  $("#detail .address-unblock").addEventListener("click", guard(() => actOnAddress("unblock")));
  $("#more").addEventListener("click", guard(() => loadQueue({ more: true })));
  setupInsights({ api, notice, guard });
  // The sticky top grows while a notice shows; console.css keeps scrolled-to comments below it.
  new ResizeObserver(([top]) => {
    document.documentElement.style.setProperty("--top-height", `${top.target.getBoundingClientRect().height}px`);
  }).observe($(".top"));
  window.addEventListener("hashchange", () => {
    notice("");
    guard(showView)();
  });
  document.addEventListener("keydown", (event) => guard(async () => onKey(event))());

  if (state.token) await start();
  else showSignIn();
}

main();
