/* Comments for any page: <div data-comments data-post-id="slug"></div> and this script.
   No dependencies. Everything a reader wrote is set with textContent, never parsed as markup. */
(function () {
  "use strict";
  // document.currentScript is null once an async script has finished its first run: read it now.
  var self = document.currentScript || document.querySelector('script[src$="/embed.js"]');
  var ORIGIN = self && self.src ? new URL(self.src, location.href).origin : location.origin;
  var WEEK = 7 * 24 * 3600 * 1000;
  var MAX_DEPTH = 4;
  var PAGE = 20;
  var RETRIES = 3;
  // A form token older than this is renewed when the reader starts writing (tabs stay open for days).
  var TOKEN_RENEW_MS = 3600 * 1000;

  var TEXT = {
    en: {
      title: "Comments", loading: "Loading comments…", empty: "No comments yet. Be the first.",
      loadFailed: "The comments could not be loaded.", retry: "Try again",
      more: "Load more comments", moreReplies: "Show more replies ({n})", reply: "Reply", replyTo: "Reply to {name}",
      name: "Name", email: "E-mail (optional, never shown)", body: "Comment", post: "Post comment",
      replyingTo: "Replying to {name}", cancel: "Cancel", sending: "Sending…",
      published: "Thank you, your comment is published.",
      held: "Thank you. Your comment will appear once a moderator has approved it.",
      awaiting: "Awaiting moderation — only you can see this.",
      rejected: "Your comment was not published: it {reasons}. Your text is still here if you want to change it.",
      nudge: "Your comment may come across as {labels}. Edit it, or post it anyway.",
      edit: "Edit", postAnyway: "Post anyway",
      wait: "You are commenting too fast. Please try again in {n} seconds.",
      duplicate: "You already posted this comment.",
      closed: "Comments are closed on this post.",
      parentGone: "The comment you replied to is no longer there.",
      invalid: "Please check the form: {fields}.",
      tooLarge: "This comment is too long.",
      offline: "The comment could not be sent. Check your connection; your text is still here.",
      unavailable: "Comments are unavailable just now. Please try again in {n} seconds.",
      failed: "Something went wrong; your text is still here. Please try again.",
      and: " and ",
      labels: {
        toxicity: "toxic", severe_toxicity: "very toxic", obscene: "obscene", threat: "threatening",
        insult: "insulting", identity_attack: "an attack on who someone is", sexual_explicit: "sexually explicit"
      },
      rules: {
        banned_word: "uses a word this site does not allow",
        suspect_word: "uses a word this site reviews first",
        too_many_links: "has too many links",
        score: "may come across as {label}"
      },
      other: "breaks the site's rules"
    },
    de: {
      title: "Kommentare", loading: "Kommentare werden geladen…", empty: "Noch keine Kommentare. Schreiben Sie den ersten.",
      loadFailed: "Die Kommentare konnten nicht geladen werden.", retry: "Erneut versuchen",
      more: "Weitere Kommentare laden", moreReplies: "Weitere Antworten zeigen ({n})", reply: "Antworten", replyTo: "{name} antworten",
      name: "Name", email: "E-Mail (freiwillig, wird nie angezeigt)", body: "Kommentar", post: "Kommentar senden",
      replyingTo: "Antwort an {name}", cancel: "Abbrechen", sending: "Wird gesendet…",
      published: "Danke, Ihr Kommentar ist veröffentlicht.",
      held: "Danke. Ihr Kommentar erscheint, sobald ihn jemand aus der Moderation freigegeben hat.",
      awaiting: "Wartet auf Freigabe — nur Sie sehen ihn.",
      rejected: "Ihr Kommentar wurde nicht veröffentlicht: er {reasons}. Ihr Text steht noch im Formular, falls Sie ihn ändern möchten.",
      nudge: "Ihr Kommentar könnte als {labels} ankommen. Bearbeiten Sie ihn oder senden Sie ihn trotzdem.",
      edit: "Bearbeiten", postAnyway: "Trotzdem senden",
      wait: "Sie kommentieren zu schnell. Bitte versuchen Sie es in {n} Sekunden erneut.",
      duplicate: "Diesen Kommentar haben Sie schon gesendet.",
      closed: "Die Kommentare zu diesem Beitrag sind geschlossen.",
      parentGone: "Der Kommentar, auf den Sie antworten, ist nicht mehr da.",
      invalid: "Bitte prüfen Sie das Formular: {fields}.",
      tooLarge: "Dieser Kommentar ist zu lang.",
      offline: "Der Kommentar konnte nicht gesendet werden. Prüfen Sie die Verbindung; Ihr Text steht noch hier.",
      unavailable: "Kommentare sind gerade nicht verfügbar. Bitte versuchen Sie es in {n} Sekunden erneut.",
      failed: "Etwas ist schiefgegangen; Ihr Text steht noch hier. Bitte versuchen Sie es erneut.",
      and: " und ",
      labels: {
        toxicity: "toxisch", severe_toxicity: "sehr toxisch", obscene: "obszön", threat: "bedrohlich",
        insult: "beleidigend", identity_attack: "Angriff auf die Identität anderer", sexual_explicit: "sexuell explizit"
      },
      rules: {
        banned_word: "enthält ein Wort, das hier nicht erlaubt ist",
        suspect_word: "enthält ein Wort, das hier zuerst geprüft wird",
        too_many_links: "enthält zu viele Links",
        score: "könnte als {label} ankommen"
      },
      other: "verstößt gegen die Regeln der Seite"
    }
  };

  var CSS = [
    ":host{display:block;--_fg:var(--comments-text,#1f2328);--_muted:var(--comments-muted,#59636e);",
    "--_bg:var(--comments-background,#fff);--_surface:var(--comments-surface,#f6f8fa);",
    "--_line:var(--comments-border,#d1d9e0);--_accent:var(--comments-accent,#0969da);",
    "--_on-accent:var(--comments-accent-text,#fff);--_warn:var(--comments-warning,#9a6700);",
    "--_bad:var(--comments-danger,#cf222e);--_radius:var(--comments-radius,6px);",
    "font:var(--comments-font,inherit);color:var(--_fg);line-height:1.5}",
    "@media (prefers-color-scheme:dark){:host{--_fg:var(--comments-text,#e6edf3);--_muted:var(--comments-muted,#9198a1);",
    "--_bg:var(--comments-background,#0d1117);--_surface:var(--comments-surface,#151b23);",
    "--_line:var(--comments-border,#3d444d);--_accent:var(--comments-accent,#4493f8);",
    "--_on-accent:var(--comments-accent-text,#0d1117);--_warn:var(--comments-warning,#d29922);",
    "--_bad:var(--comments-danger,#f85149)}}",
    ".c-root{background:var(--_bg);color:var(--_fg)}",
    "h2{font-size:1.25em;margin:0 0 .75em}",
    "ol{list-style:none;margin:0;padding:0}",
    "li.c-comment{margin:.75em 0}",
    ".c-card{background:var(--_surface);border:1px solid var(--_line);border-radius:var(--_radius);padding:.6em .8em}",
    ".c-replies{margin-left:1.25em;padding-left:.75em;border-left:2px solid var(--_line)}",
    ".c-flat{margin-left:0;padding-left:0;border-left:0}.c-replies:empty{display:none}",
    ".c-meta{font-size:.875em;color:var(--_muted);margin:0 0 .25em}",
    ".c-author{font-weight:600;color:var(--_fg);margin-right:.5em}",
    ".c-body{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".c-awaiting{border-style:dashed;opacity:.85}",
    ".c-badge{display:block;font-size:.8em;color:var(--_warn);margin-top:.25em}",
    "button{font:inherit;cursor:pointer;border-radius:var(--_radius);border:1px solid var(--_line);",
    "background:var(--_bg);color:var(--_fg);padding:.3em .8em}",
    "button.c-primary{background:var(--_accent);color:var(--_on-accent);border-color:var(--_accent)}",
    "button.c-link{border:0;background:none;color:var(--_accent);padding:.2em 0}",
    "button:disabled{opacity:.6;cursor:default}",
    ":focus-visible{outline:2px solid var(--_accent);outline-offset:2px}",
    "form{display:grid;gap:.6em;margin:1em 0}",
    "label{display:grid;gap:.2em;font-size:.9em}",
    "input,textarea{font:inherit;color:var(--_fg);background:var(--_bg);border:1px solid var(--_line);",
    "border-radius:var(--_radius);padding:.4em .5em}",
    "textarea{min-height:6em;resize:vertical}",
    ".c-status{margin:.5em 0;padding:.5em .75em;border-radius:var(--_radius);border-left:3px solid var(--_accent);",
    "background:var(--_surface)}",
    ".c-status:empty{display:none}",
    ".c-status.c-bad{border-color:var(--_bad)}.c-status.c-warn{border-color:var(--_warn)}",
    ".c-actions{display:flex;gap:.5em;margin-top:.4em}",
    // The honeypot: off-screen rather than display:none, which some bots skip as a trap.
    ".c-hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}",
    "[hidden]{display:none!important}"
  ].join("");

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (name === "text") node.textContent = value;
      else if (name === "on") Object.keys(value).forEach(function (type) { node.addEventListener(type, value[type]); });
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function Widget(host) {
    this.host = host;
    this.postId = host.getAttribute("data-post-id") || "";
    this.api = (host.getAttribute("data-api") || ORIGIN).replace(/\/+$/, "");
    var lang = (host.getAttribute("data-lang") || document.documentElement.lang || navigator.language || "en")
      .toLowerCase().split("-")[0];
    this.lang = TEXT[lang] ? lang : "en";
    this.t = TEXT[this.lang];
    this.storageKey = "comments:awaiting:" + this.api + ":" + this.postId;
    // The key the API gave this browser: the reader's standing (trust, a ban) goes with it, not with the address.
    this.readerKeyName = "comments:reader:" + this.api;
    this.elements = {};
    this.parentId = null;
    this.formToken = null;
    this.render();
    this.load(null);
    this.fetchFormToken();
  }

  Widget.prototype.url = function (path) {
    return this.api + "/posts/" + encodeURIComponent(this.postId) + path;
  };

  Widget.prototype.render = function () {
    var t = this.t, w = this;
    var root = this.host.attachShadow({ mode: "open" });
    // A constructed sheet is not inline style, so a blog's Content-Security-Policy need not allow it.
    if (root.adoptedStyleSheets !== undefined && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", { text: CSS }));
    }
    var uid = "c" + Math.random().toString(36).slice(2, 8);
    this.list = el("ol", { "class": "c-list", "aria-labelledby": uid + "-title" });
    this.listStatus = el("p", { "class": "c-status", role: "status", "aria-live": "polite", text: t.loading });
    this.moreButton = el("button", { type: "button", hidden: true, text: t.more, on: { click: function () { w.load(w.cursor); } } });
    this.notice = el("p", { "class": "c-status", role: "status", "aria-live": "polite" });
    this.replying = el("span");
    this.replyBar = el("p", { hidden: true }, [
      this.replying, document.createTextNode(" "),
      el("button", { type: "button", "class": "c-link", text: t.cancel, on: { click: function () { w.replyTo(null); } } })
    ]);
    this.form = el("form", { novalidate: true, on: {
      submit: function (event) { event.preventDefault(); w.submit(true); },
      focusin: function () { if (Date.now() - w.formTokenAt > TOKEN_RENEW_MS) w.fetchFormToken(); }
    } }, [
      this.field(t.name, el("input", { name: "author_name", maxlength: "80", required: true, autocomplete: "name" })),
      this.field(t.email, el("input", { name: "author_email", type: "email", autocomplete: "email" })),
      this.replyBar,
      this.field(t.body, el("textarea", { name: "body", rows: "5", maxlength: "5000", required: true })),
      // A field people never see, hear or reach: only a bot fills it in (a spam signal, not a refusal).
      el("div", { "class": "c-hp", "aria-hidden": "true" }, [
        el("label", {}, [el("span", { text: "Website" }),
          el("input", { name: "website", type: "text", tabindex: "-1", autocomplete: "off" })])
      ]),
      el("div", {}, [el("button", { type: "submit", "class": "c-primary", text: t.post })])
    ]);
    root.appendChild(el("section", { "class": "c-root", lang: this.lang }, [
      el("h2", { id: uid + "-title", text: t.title }),
      this.listStatus, this.list, this.moreButton, this.form, this.notice
    ]));
  };

  Widget.prototype.field = function (text, input) {
    return el("label", {}, [el("span", { text: text }), input]);
  };

  Widget.prototype.say = function (text, tone, actions) {
    this.notice.textContent = text;
    this.notice.className = "c-status" + (tone ? " c-" + tone : "");
    if (actions) this.notice.appendChild(el("span", { "class": "c-actions" }, actions));
  };

  // When the form was shown, signed by the server: a comment sent back within seconds, or with a
  // token used before, is a spam signal. Without one (the request failed) the comment still goes.
  Widget.prototype.fetchFormToken = function () {
    var w = this;
    this.formTokenAt = Date.now();
    return this.getJson(this.url("/form")).then(function (answer) { w.formToken = answer.token; }, function () {
      w.formToken = null;
    });
  };

  Widget.prototype.getJson = function (url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  };

  Widget.prototype.load = function (cursor) {
    var w = this;
    var query = "?view=threads&limit=" + PAGE + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    this.moreButton.disabled = true;
    return this.getJson(this.url("/comments" + query)).then(function (page) {
      page.items.forEach(function (item) { w.list.appendChild(w.comment(item, 0)); });
      w.cursor = page.next_cursor;
      w.moreButton.hidden = !page.next_cursor;
      w.moreButton.disabled = false;
      w.showAwaiting();
      w.listStatus.textContent = w.list.querySelector("[data-comment-id]") ? "" : w.t.empty;
    }, function () {
      w.moreButton.disabled = false;
      w.listStatus.textContent = w.t.loadFailed;
      w.listStatus.appendChild(el("button", { type: "button", "class": "c-link", text: " " + w.t.retry, on: { click: function () { w.listStatus.textContent = w.t.loading; w.load(cursor); } } }));
    });
  };

  // One comment and its loaded replies; a reply's element always sits inside its parent's.
  Widget.prototype.comment = function (item, depth) {
    var w = this, t = this.t;
    var stale = this.find(item.id);
    if (stale) stale.remove();
    if (!item.awaiting) this.forget(item.id);
    var when = new Date(item.created_at);
    var replies = el("ol", { "class": "c-replies" + (depth + 1 >= MAX_DEPTH ? " c-flat" : "") });
    var node = el("li", { "class": "c-comment", "data-comment-id": item.id }, [
      el("article", { "class": "c-card" + (item.awaiting ? " c-awaiting" : "") }, [
        el("p", { "class": "c-meta" }, [
          el("span", { "class": "c-author", text: item.author_name }),
          el("time", { datetime: item.created_at, text: isNaN(when) ? "" : when.toLocaleString(this.lang) })
        ]),
        el("p", { "class": "c-body", text: item.body }),
        item.awaiting ? el("span", { "class": "c-badge", text: t.awaiting }) : null,
        item.awaiting ? null : el("button", { type: "button", "class": "c-link", text: t.reply, "aria-label": format(t.replyTo, { name: item.author_name }), on: { click: function () { w.replyTo(item); } } })
      ]),
      replies
    ]);
    node.depth = depth;
    (item.replies || []).forEach(function (reply) { replies.appendChild(w.comment(reply, depth + 1)); });
    var shown = (item.replies || []).length;
    if (item.reply_count > shown) replies.appendChild(this.moreReplies(item, depth, replies, null, item.reply_count - shown));
    return node;
  };

  Widget.prototype.moreReplies = function (item, depth, replies, cursor, remaining) {
    var w = this;
    var button = el("button", { type: "button", "class": "c-link", text: format(this.t.moreReplies, { n: remaining }) });
    var row = el("li", {}, [button]);
    button.addEventListener("click", function () {
      button.disabled = true;
      var query = "?limit=" + PAGE + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
      w.getJson(w.url("/comments/" + encodeURIComponent(item.id) + "/replies" + query)).then(function (page) {
        row.remove();
        var fresh = page.items.filter(function (reply) {
          return !replies.querySelector(":scope > [data-comment-id='" + CSS_escape(reply.id) + "']");
        });
        fresh.forEach(function (reply) { replies.appendChild(w.comment(reply, depth + 1)); });
        var left = remaining - fresh.length;
        if (page.next_cursor && left > 0) replies.appendChild(w.moreReplies(item, depth, replies, page.next_cursor, left));
      }, function () { button.disabled = false; });
    });
    return row;
  };

  function CSS_escape(value) { return window.CSS && CSS.escape ? CSS.escape(value) : value.replace(/[^\w-]/g, ""); }

  Widget.prototype.find = function (id) {
    return this.list.querySelector("[data-comment-id='" + CSS_escape(id) + "']");
  };

  Widget.prototype.replyTo = function (item) {
    this.parentId = item ? item.id : null;
    this.replyBar.hidden = !item;
    this.replying.textContent = item ? format(this.t.replyingTo, { name: item.author_name }) : "";
    if (item) this.form.elements.body.focus();
  };

  // The reader's own held comments, kept until they are published or a week has passed.
  Widget.prototype.awaiting = function (update) {
    var kept = [];
    try { kept = JSON.parse(localStorage.getItem(this.storageKey) || "[]"); } catch (e) { kept = []; }
    var now = Date.now();
    kept = kept.filter(function (item) { return item && now - item.saved_at < WEEK; });
    if (update) kept = update(kept);
    try {
      if (kept.length) localStorage.setItem(this.storageKey, JSON.stringify(kept));
      else localStorage.removeItem(this.storageKey);
    } catch (e) { /* storage may be full or blocked; the preview then lasts for this page view */ }
    return kept;
  };

  Widget.prototype.forget = function (id) {
    this.awaiting(function (kept) { return kept.filter(function (item) { return item.id !== id; }); });
  };

  Widget.prototype.showAwaiting = function () {
    var w = this;
    this.awaiting().forEach(function (item) { if (!w.find(item.id)) w.place(Object.assign({}, item, { awaiting: true })); });
  };

  Widget.prototype.place = function (item) {
    var parent = item.parent_id && this.find(item.parent_id);
    var node = this.comment(item, parent ? parent.depth + 1 : 0);
    var into = parent ? parent.querySelector(":scope > .c-replies") : this.list;
    var more = into.querySelector(":scope > li:not([data-comment-id])");
    into.insertBefore(node, more);
    this.listStatus.textContent = "";
    return node;
  };

  Widget.prototype.values = function (nudge) {
    var fields = this.form.elements;
    var payload = { author_name: fields.author_name.value.trim(), body: fields.body.value };
    if (fields.author_email.value.trim()) payload.author_email = fields.author_email.value.trim();
    if (this.parentId) payload.parent_id = this.parentId;
    if (nudge) payload.nudge = true;
    var readerKey = this.readerKey();
    if (readerKey) payload.reader_key = readerKey;
    payload.website = fields.website.value;
    if (this.formToken) payload.form_token = this.formToken;
    return payload;
  };

  Widget.prototype.readerKey = function (fresh) {
    try {
      if (fresh) localStorage.setItem(this.readerKeyName, fresh);
      return localStorage.getItem(this.readerKeyName);
    } catch (e) { return fresh || null; /* storage blocked: each comment is then a first one */ }
  };

  Widget.prototype.submit = function (nudge) {
    var w = this;
    if (this.busy) return;
    if (!this.form.reportValidity()) return;
    var payload = this.values(nudge);
    var key = newKey();
    var button = this.form.querySelector("button[type=submit]");
    this.busy = true;
    button.disabled = true;
    this.say(this.t.sending);
    this.send(payload, key, 0).then(function (answer) {
      // A stored comment used up its form token: the next comment gets a fresh one.
      if (answer.status === 201 || answer.status === 202 || answer.status === 422) w.fetchFormToken();
      w.answer(answer.status, answer.body, answer.retryAfter);
    }, function () {
      w.say(w.t.offline, "bad");
    }).then(function () {
      w.busy = false;
      button.disabled = false;
    });
  };

  // A network failure is retried with the same Idempotency-Key: the server answers a repeat as it did the first.
  Widget.prototype.send = function (payload, key, attempt) {
    var w = this;
    return fetch(this.url("/comments"), {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": key, Accept: "application/json" },
      body: JSON.stringify(payload)
    }).then(function (response) {
      var readerKey = response.headers.get("Reader-Key");
      if (readerKey) w.readerKey(readerKey);
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body, retryAfter: parseInt(response.headers.get("Retry-After"), 10) || 0 };
      });
    }, function (error) {
      if (attempt + 1 >= RETRIES) throw error;
      return sleep(500 * Math.pow(2, attempt)).then(function () { return w.send(payload, key, attempt + 1); });
    });
  };

  Widget.prototype.words = function (list) {
    return list.length > 1 ? list.slice(0, -1).join(", ") + this.t.and + list[list.length - 1] : list.join("");
  };

  Widget.prototype.reasons = function (reasons) {
    var t = this.t, seen = {};
    var words = (reasons || []).map(function (reason) {
      var parts = reason.split(":");
      if (parts[0] === "score") return format(t.rules.score, { label: t.labels[parts[1]] || parts[1] });
      return t.rules[reason] || t.other;
    }).filter(function (text) { return !seen[text] && (seen[text] = true); });
    return this.words(words.length ? words : [t.other]);
  };

  Widget.prototype.answer = function (status, body, retryAfter) {
    var w = this, t = this.t, error = (body && body.error) || {};
    var fields = this.form.elements;
    if (status === 200 && body.nudge) {
      var labels = body.nudge.labels.map(function (label) { return t.labels[label] || label; });
      this.say(format(t.nudge, { labels: this.words(labels) }), "warn", [
        el("button", { type: "button", text: t.edit, on: { click: function () { w.say(""); fields.body.focus(); } } }),
        el("button", { type: "button", "class": "c-primary", text: t.postAnyway, on: { click: function () { w.submit(false); } } })
      ]);
      return;
    }
    if (status === 201 || status === 202) {
      if (status === 202) {
        var kept = { id: body.id, post_id: body.post_id, parent_id: body.parent_id, author_name: body.author_name,
          body: body.body, created_at: body.created_at, saved_at: Date.now() };
        this.awaiting(function (list) { return list.filter(function (item) { return item.id !== kept.id; }).concat([kept]); });
        body = Object.assign({}, body, { awaiting: true });
      }
      this.place(body).scrollIntoView({ block: "nearest" });
      fields.body.value = "";
      this.replyTo(null);
      this.say(status === 201 ? t.published : t.held);
      return;
    }
    var message = {
      comment_rejected: function () { return format(t.rejected, { reasons: w.reasons(error.details && error.details.reasons) }); },
      rate_limited: function () { return format(t.wait, { n: retryAfter || 60 }); },
      duplicate_comment: function () { return t.duplicate; },
      comments_closed: function () { return t.closed; },
      parent_not_found: function () { w.replyTo(null); return t.parentGone; },
      payload_too_large: function () { return t.tooLarge; },
      service_unavailable: function () { return format(t.unavailable, { n: retryAfter || 30 }); },
      invalid_request: function () {
        var names = (Array.isArray(error.details) ? error.details : []).map(function (problem) {
          var field = String(problem.field || "").split(".").pop();
          return { author_name: t.name, author_email: t.email, body: t.body }[field] || field;
        });
        return format(t.invalid, { fields: names.length ? w.words(names) : error.message || "" });
      }
    }[error.code];
    // Whatever went wrong, the reader's text stays in the form.
    this.say(message ? message() : t.failed, "bad");
  };

  function mount() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-comments]"), function (host) {
      if (host.commentsWidget) return;
      host.commentsWidget = new Widget(host);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
