// The chat page. The access token lives in this module's memory only; the refresh token is the
// server's HttpOnly cookie (Path=/api/auth), so reloading the page asks /api/auth/refresh for a new
// access token and nothing is kept in localStorage. Answers stream as server-sent events read from
// fetch(); user text and file names go in as text, model answers through renderMarkdown (DOM nodes
// only). No inline script or style: the server's CSP allows this origin's files only.

import { renderMarkdown } from "/markdown.js";

const $ = (id) => document.getElementById(id);
const state = { token: null, user: null, conversationId: null, answering: null, conversations: [] };

// --- the API ---------------------------------------------------------------------------------

class APIError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

async function problem(response) {
  try {
    const body = await response.json();
    return new APIError(response.status, body.detail || body.title || response.statusText);
  } catch {
    return new APIError(response.status, response.statusText || `HTTP ${response.status}`);
  }
}

/** Refreshes the access token with the cookie; false when the session is gone. */
async function refresh() {
  const response = await fetch("/api/auth/refresh", { method: "POST", credentials: "same-origin" });
  if (!response.ok) return false;
  const body = await response.json();
  state.token = body.access_token;
  state.user = body.user;
  return true;
}

/** fetch() with the access token; one refresh and retry on a 401. */
async function api(path, options = {}, retried = false) {
  const headers = new Headers(options.headers || {});
  if (state.token) headers.set("Authorization", `Bearer ${state.token}`);
  if (options.json !== undefined) {
    headers.set("Content-Type", "application/json");
    options = { ...options, body: JSON.stringify(options.json) };
  }
  const response = await fetch(path, { ...options, headers, credentials: "same-origin" });
  if (response.status === 401 && !retried && await refresh()) return api(path, options, true);
  if (response.status === 401) { showLogin("Your session ended; log in again."); throw await problem(response); }
  if (!response.ok) throw await problem(response);
  return response;
}

// --- logging in and out ------------------------------------------------------------------------

function showLogin(message = "") {
  state.token = null;
  state.user = null;
  $("app").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message;
  $("username").focus();
}

async function showApp() {
  $("login").hidden = true;
  $("app").hidden = false;
  $("user-name").textContent = state.user ? state.user.name : "";
  newConversation();
  await Promise.all([loadConversations(), loadCollections()]);
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  $("login-button").disabled = true;
  try {
    const response = await fetch("/api/auth/login", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: $("username").value, password: $("password").value }),
    });
    if (!response.ok) throw await problem(response);
    const body = await response.json();
    state.token = body.access_token;
    state.user = body.user;
    $("password").value = "";
    await showApp();
  } catch (error) {
    $("login-error").textContent = error.status === 401 ? "Wrong user name or password." : error.message;
  } finally {
    $("login-button").disabled = false;
  }
});

$("logout").addEventListener("click", async () => {
  try { await fetch("/api/auth/logout", { method: "POST", credentials: "same-origin" }); } catch { /* offline */ }
  showLogin();
});

// --- conversations -----------------------------------------------------------------------------

async function loadConversations() {
  const query = $("filter").value.trim();
  const list = $("conversations");
  try {
    if (query) {
      const response = await api(`/api/conversations?limit=50&q=${encodeURIComponent(query)}`);
      const hits = (await response.json()).data;
      const seen = new Set();
      state.conversations = hits.filter((hit) => !seen.has(hit.conversation_id) && seen.add(hit.conversation_id))
        .map((hit) => ({ id: hit.conversation_id, title: hit.snippet }));
    } else {
      const response = await api("/api/conversations?limit=50");
      state.conversations = (await response.json()).data;
    }
  } catch (error) {
    $("chat-error").textContent = error.message;
    return;
  }
  list.replaceChildren(...state.conversations.map((conversation) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = conversation.title || "Untitled";
    button.title = conversation.title || "";
    button.dataset.id = conversation.id;
    if (conversation.id === state.conversationId) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => openConversation(conversation.id));
    item.append(button);
    return item;
  }));
}

let filterTimer = null;
$("filter").addEventListener("input", () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(loadConversations, 250);
});

const NEW_COLLECTION = "\u0000new"; // the "New collection…" entry; no collection name holds a NUL

function collectionOption(name, label = name) {
  const option = document.createElement("option");
  option.value = name;
  option.textContent = label;
  return option;
}

async function loadCollections(selected = $("collection").value) {
  const select = $("collection");
  try {
    const response = await api("/api/collections");
    const names = (await response.json()).data.map((collection) => collection.name);
    if (selected && selected !== NEW_COLLECTION && !names.includes(selected)) names.push(selected);
    select.replaceChildren(
      collectionOption("", "No collection"),
      ...names.map((name) => collectionOption(name)),
      collectionOption(NEW_COLLECTION, "New collection…"));
    select.value = names.includes(selected) ? selected : "";
  } catch {
    select.hidden = true; // no documents:read scope
  }
  collectionChanged();
}

function collectionChanged() {
  const value = $("collection").value;
  $("new-collection-form").hidden = value !== NEW_COLLECTION;
  $("upload-label").hidden = value === "" || value === NEW_COLLECTION;
  if (value === NEW_COLLECTION) $("new-collection").focus();
}
$("collection").addEventListener("change", collectionChanged);

// A new collection exists once its first document is uploaded (the server creates it then).
$("new-collection-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("new-collection").value.trim();
  const select = $("collection");
  if (![...select.options].some((option) => option.value === name)) {
    select.insertBefore(collectionOption(name), select.lastElementChild);
  }
  select.value = name;
  $("new-collection").value = "";
  collectionChanged();
});

// --- uploads: each file becomes a background job, followed until it ends -----------------------

const uploads = new Map(); // file name → its line in the status

function showUploads() {
  $("upload-status").textContent = [...uploads.values()].join("\n");
}

$("upload").addEventListener("change", async (event) => {
  const collection = $("collection").value;
  const files = [...event.target.files];
  event.target.value = "";
  uploads.clear();
  await Promise.all(files.map((file) => uploadOne(collection, file)));
  loadCollections(collection);
});

async function uploadOne(collection, file) {
  uploads.set(file.name, `${file.name}: uploading…`);
  showUploads();
  try {
    const path = `/api/collections/${encodeURIComponent(collection)}/documents?filename=${encodeURIComponent(file.name)}`;
    const response = await api(path, {
      method: "POST", body: file, headers: { "Content-Type": "application/octet-stream" },
    });
    let job = await response.json();
    while (job.status === "queued" || job.status === "running") {
      uploads.set(file.name, `${file.name}: ${job.progress && job.progress.message ? job.progress.message : job.status}…`);
      showUploads();
      await new Promise((resolve) => setTimeout(resolve, 500));
      job = await (await api(`/api/jobs/${encodeURIComponent(job.id)}`)).json();
    }
    const item = job.result && job.result.items ? job.result.items[0] : null;
    if (job.status === "succeeded" && item) {
      const detail = item.status === "duplicate" ? `a copy of ${item.duplicate_of}` : `${item.chunks} chunks`;
      uploads.set(file.name, `${file.name}: ${item.status} (${detail})`);
    } else {
      uploads.set(file.name, `${file.name}: ${job.status}${job.error ? ` — ${job.error}` : ""}`);
    }
  } catch (error) {
    uploads.set(file.name, `${file.name}: ${error.message}`);
  }
  showUploads();
}

function newConversation() {
  state.conversationId = null;
  $("title").textContent = "New conversation";
  $("messages").replaceChildren();
  $("chat-error").textContent = "";
  markCurrent();
  $("message").focus();
}
$("new-chat").addEventListener("click", newConversation);

function markCurrent() {
  for (const button of $("conversations").querySelectorAll("button")) {
    if (button.dataset.id === state.conversationId) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

async function openConversation(id) {
  if (state.answering) return;
  $("chat-error").textContent = "";
  try {
    const conversation = await (await api(`/api/conversations/${encodeURIComponent(id)}`)).json();
    state.conversationId = conversation.id;
    $("title").textContent = conversation.title || "Untitled";
    $("messages").replaceChildren();
    for (const message of conversation.messages || []) {
      if (message.role === "system") continue;
      const view = addMessage(message.role, message.content);
      if (message.role === "assistant") finishMessage(view, message);
    }
    markCurrent();
    scrollToEnd();
  } catch (error) {
    $("chat-error").textContent = error.message;
  }
}

// --- messages ----------------------------------------------------------------------------------

function addMessage(role, text) {
  const item = document.createElement("li");
  item.className = `message ${role}`;
  const label = document.createElement("div");
  label.className = "role";
  label.textContent = role === "user" ? (state.user ? state.user.name : "you") : "assistant";
  const body = document.createElement("div");
  body.className = "body";
  const meta = document.createElement("div");
  meta.className = "meta";
  item.append(label, body, meta);
  $("messages").append(item);
  const view = { item, body, meta, text: "" };
  setText(view, role, text);
  return view;
}

function setText(view, role, text) {
  view.text = text;
  if (role === "user") view.body.textContent = text;
  else view.body.replaceChildren(renderMarkdown(text));
}

function finishMessage(view, summary) {
  const parts = [];
  if (summary.status && summary.status !== "complete") {
    parts.push(summary.status);
    view.item.classList.add(summary.status);
  }
  if (summary.model) parts.push(summary.provider ? `${summary.provider}:${summary.model}` : summary.model);
  if (summary.completion_tokens != null) parts.push(`${summary.prompt_tokens ?? 0}+${summary.completion_tokens} tokens`);
  if (summary.latency_ms != null) parts.push(`${(summary.latency_ms / 1000).toFixed(1)} s`);
  view.meta.textContent = parts.join(" · ");
}

function addSources(view, event) {
  if (!event.sources || event.sources.length === 0) return;
  const list = document.createElement("ol");
  list.className = "sources";
  for (const source of event.sources) {
    const item = document.createElement("li");
    item.textContent = source.citation || source.source;
    list.append(item);
  }
  view.item.append(list);
}

function scrollToEnd() {
  const messages = $("messages");
  messages.scrollTop = messages.scrollHeight;
}

// --- asking ------------------------------------------------------------------------------------

/** Parses a server-sent-events body, calling onEvent(name, data) for each event. */
async function readEvents(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length > 0) onEvent(name, JSON.parse(data.join("\n")));
    }
  }
}

async function ask(text) {
  $("chat-error").textContent = "";
  addMessage("user", text);
  const answer = addMessage("assistant", "");
  answer.meta.textContent = "…";
  scrollToEnd();
  const body = { message: text };
  const collection = $("collection").value;
  if (collection && collection !== NEW_COLLECTION) body.collection = collection;
  const path = state.conversationId
    ? `/api/conversations/${encodeURIComponent(state.conversationId)}/messages`
    : "/api/conversations";
  setAnswering({ messageId: null });
  try {
    const response = await api(path, { method: "POST", json: body, headers: { Accept: "text/event-stream" } });
    await readEvents(response, (name, data) => {
      if (name === "conversation") {
        const isNew = state.conversationId !== data.conversation.id;
        state.conversationId = data.conversation.id;
        state.answering.messageId = data.message_id;
        $("title").textContent = data.conversation.title || "Untitled";
        if (isNew) loadConversations();
      } else if (name === "sources") {
        addSources(answer, data);
      } else if (name === "delta") {
        setText(answer, "assistant", answer.text + data.text);
        scrollToEnd();
      } else if (name === "error") {
        $("chat-error").textContent = data.detail;
      } else if (name === "done") {
        finishMessage(answer, data);
      }
    });
  } catch (error) {
    $("chat-error").textContent = error.message;
    answer.meta.textContent = "failed";
  } finally {
    setAnswering(null);
    loadConversations();
  }
}

function setAnswering(answering) {
  state.answering = answering;
  $("send").disabled = answering !== null;
  $("stop").hidden = answering === null;
  $("new-chat").disabled = answering !== null;
}

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("message").value.trim();
  if (!text || state.answering) return;
  $("message").value = "";
  ask(text);
});

$("message").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});

$("stop").addEventListener("click", async () => {
  const id = state.answering && state.answering.messageId;
  if (!id) return;
  try { await api(`/api/messages/${encodeURIComponent(id)}/cancel`, { method: "POST" }); } catch (error) {
    $("chat-error").textContent = error.message;
  }
});

// --- start -------------------------------------------------------------------------------------

(async () => {
  if (await refresh().catch(() => false)) await showApp();
  else showLogin();
})();
