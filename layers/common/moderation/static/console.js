// The moderators' console: a plain ES module, no build step. Everything a reader wrote is put
// on the page with textContent, never as HTML.

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
  status: "pending",
  postId: "",
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
    const message = data?.error?.message ?? "Sign in again.";
    signOut(response.status === 403 ? message : `Your sign-in was not accepted: ${message}`);
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

function tokenName(token) {
  // A JWT's payload names the moderator; the local stack's token is opaque.
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/")));
    return payload.username ?? payload["cognito:username"] ?? payload.email ?? "moderator";
  } catch {
    return "moderator";
  }
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
  notice(message, message ? "error" : "info");
  showSignIn();
}

// --- the queue -----------------------------------------------------------------------------

function queuePath(cursor) {
  const query = new URLSearchParams({ status: state.status, limit: "25" });
  if (state.postId) query.set("post_id", state.postId);
  if (cursor) query.set("cursor", cursor);
  return `/moderation/queue?${query}`;
}

async function loadQueue({ more = false } = {}) {
  const { status, data } = await api("GET", queuePath(more ? state.cursor : null));
  if (status !== 200) {
    notice(data?.error?.message ?? `The queue did not load (${status}).`, "error");
    return;
  }
  state.items = more ? state.items.concat(data.items) : data.items;
  state.cursor = data.next_cursor;
  if (!more) state.selected = 0;
  render();
  await loadCounts();
}

async function loadCounts() {
  const query = state.postId ? `?post_id=${encodeURIComponent(state.postId)}` : "";
  const { status, data } = await api("GET", `/moderation/counts${query}`);
  if (status !== 200) return;
  for (const cell of document.querySelectorAll("#counts dd")) {
    cell.textContent = String(data.counts[cell.dataset.status] ?? 0);
  }
}

function drivers(item) {
  // The labels the decision named (reasons like "score:insult"), else any score that would hold.
  const named = new Set(item.reasons.filter((r) => r.startsWith("score:")).map((r) => r.slice(6)));
  return (label, value) => named.has(label) || value >= HOLD_SCORE;
}

function renderItem(item, index) {
  const node = $("#item-template").content.firstElementChild.cloneNode(true);
  node.dataset.id = item.id;
  node.querySelector(".author").textContent = item.author_name;
  node.querySelector(".post").textContent = item.post_id;
  const created = node.querySelector(".created");
  created.dateTime = item.created_at;
  created.textContent = new Date(item.created_at).toLocaleString();
  node.querySelector(".status").textContent = item.status;
  node.querySelector(".version").textContent = String(item.version);
  if (item.claimed_by) {
    node.querySelector(".claim").textContent =
      `· claimed by ${item.claimed_by} until ${new Date(item.claimed_until).toLocaleTimeString()}`;
  }
  node.querySelector(".body").textContent = item.body;
  const drove = drivers(item);
  const scores = node.querySelector(".scores");
  for (const [label, value] of Object.entries(item.scores).sort((a, b) => b[1] - a[1])) {
    const score = document.createElement("li");
    score.textContent = `${label} ${value.toFixed(2)}`;
    if (drove(label, value)) score.classList.add("drove");
    scores.append(score);
  }
  node.querySelector(".reasons").textContent =
    item.reasons.length ? `Reasons: ${item.reasons.join(", ")}` : "No reasons recorded.";
  node.querySelector(".approve").addEventListener("click", () => decide(index, "approve"));
  node.querySelector(".reject").addEventListener("click", () => decide(index, "reject"));
  node.addEventListener("click", () => select(index, { focus: false }));
  return node;
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
  const note = node.querySelector(".note").value.trim();
  const body = { action, version: item.version, ...(note ? { note } : {}) };
  const { status, data } = await api("POST", `/moderation/comments/${encodeURIComponent(item.id)}/decision`, body);
  if (status === 200) {
    notice(`${action === "approve" ? "Approved" : "Rejected"}: the comment by ${item.author_name}.`);
    if (data.status === state.status) {
      state.items[index] = data;
    } else {
      state.items.splice(index, 1);
    }
    render();
    await loadCounts();
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
  state.status = "pending";
  $("#filters").elements.status.value = "pending";
  await loadQueue();
}

// --- wiring --------------------------------------------------------------------------------

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || $("#work").hidden) return;
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
  };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
}

async function start() {
  $("#sign-in").hidden = true;
  $("#work").hidden = false;
  $("#who").hidden = false;
  $("#who-name").textContent = tokenName(state.token);
  try {
    await loadQueue();
  } catch (error) {
    if (!(error instanceof SignedOut)) throw error;
  }
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
    state.status = form.elements.status.value;
    state.postId = form.elements.post_id.value.trim();
    await loadQueue();
  }));
  $("#claim").addEventListener("click", guard(claim));
  $("#more").addEventListener("click", guard(() => loadQueue({ more: true })));
  document.addEventListener("keydown", (event) => guard(async () => onKey(event))());

  if (state.token) await start();
  else showSignIn();
}

main();
