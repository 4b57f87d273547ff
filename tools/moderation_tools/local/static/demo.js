// How a blog frontend calls the moderation API. Everything a reader wrote is set with
// textContent, never innerHTML, so a comment can't inject markup.
const postId = new URLSearchParams(location.search).get("post") || "hello-world";
const api = `/posts/${encodeURIComponent(postId)}/comments`;
const form = document.getElementById("comment-form");
const outcome = document.getElementById("outcome");
const list = document.getElementById("comments");
const more = document.getElementById("more");
const replying = document.getElementById("replying");
let nextCursor = null;
let pendingKey = null;

document.getElementById("post-id").textContent = postId;

function say(text, kind) {
  outcome.textContent = text;
  outcome.className = kind;
}

function commentItem(comment) {
  const item = document.createElement("li");
  item.id = `comment-${comment.id}`;
  if (comment.parent_id) item.classList.add("reply");
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = `${comment.author_name} · ${new Date(comment.created_at).toLocaleString()}`;
  const body = document.createElement("p");
  body.className = "body";
  body.textContent = comment.body;
  const reply = document.createElement("button");
  reply.type = "button";
  reply.textContent = "Reply";
  reply.addEventListener("click", () => {
    form.elements.parent_id.value = comment.id;
    replying.hidden = false;
    replying.querySelector("span").textContent = comment.author_name;
    form.elements.body.focus();
  });
  item.append(meta, body, reply);
  return item;
}

async function loadComments(reset) {
  const params = new URLSearchParams({ limit: "20" });
  if (!reset && nextCursor) params.set("cursor", nextCursor);
  const response = await fetch(`${api}?${params}`);
  const page = await response.json();
  if (!response.ok) { say(page.error.message, "error"); return; }
  if (reset) list.replaceChildren();
  page.items.forEach((comment) => list.append(commentItem(comment)));
  nextCursor = page.next_cursor;
  more.hidden = !nextCursor;
  document.getElementById("empty").hidden = list.children.length > 0;
}

document.getElementById("cancel-reply").addEventListener("click", () => {
  form.elements.parent_id.value = "";
  replying.hidden = true;
});

form.addEventListener("input", () => { pendingKey = null; });

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = Object.fromEntries(new FormData(form));
  for (const optional of ["author_email", "parent_id"]) if (!data[optional]) delete data[optional];
  // One key per comment: a retry after a network error can't post it twice.
  pendingKey ??= crypto.randomUUID();
  let response;
  try {
    response = await fetch(api, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": pendingKey },
      body: JSON.stringify(data),
    });
  } catch {
    say("Network trouble; press Post again to retry safely.", "error");
    return;
  }
  const result = await response.json();
  if (response.status === 201) {
    say("Thanks! Your comment is published.", "published");
  } else if (response.status === 202) {
    say("Thanks! Your comment will appear once a moderator has looked at it.", "pending");
  } else if (response.status === 422 && result.error.code === "comment_rejected") {
    say("Your comment breaks this site's rules and was not published.", "error");
  } else if (result.error) {
    const retry = response.headers.get("Retry-After");
    const fields = Array.isArray(result.error.details)
      ? ` (${result.error.details.map((d) => `${d.field}: ${d.message}`).join("; ")})` : "";
    say(`${result.error.message}${fields}${retry ? ` Try again in ${retry} s.` : ""}`, "error");
    return;
  }
  pendingKey = null;
  form.reset();
  replying.hidden = true;
  await loadComments(true);
});

more.addEventListener("click", () => loadComments(false));
loadComments(true);
