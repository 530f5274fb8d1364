"""The page's inline style and script, and the headers that let the browser run those two and nothing else.

Inline, not files: no build step and no second request, and the package needs no data files to serve them. The
Content-Security-Policy names each by its SHA-256, so even a client's text that escaped escaping could not run, and
``connect-src 'self'`` keeps the page's own requests on the mock's origin.
"""

from __future__ import annotations

import base64
import hashlib

STYLE = """
:root { color-scheme: light dark; --line: #8884; --muted: #777; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: baseline; padding: .75rem 1.25rem;
  border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.15rem; margin: 0; }
header nav { display: flex; gap: 1rem; flex-wrap: wrap; }
main { display: grid; grid-template-columns: minmax(0, 11fr) minmax(0, 9fr); gap: 1.25rem; padding: 1rem 1.25rem; }
@media (max-width: 1000px) { main { grid-template-columns: minmax(0, 1fr); } }
h2 { font-size: 1rem; margin: 1rem 0 .4rem; }
h3 { font-size: .9rem; margin: .9rem 0 .3rem; }
form#filters { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; margin-bottom: .5rem; }
fieldset { border: 0; padding: 0; margin: 0; display: flex; gap: .6rem; }
input[type=number] { width: 5.5rem; }
button { font: inherit; cursor: pointer; }
.live { color: var(--muted); font-size: .85rem; }
.live.down { color: var(--bad); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
#journal td, #journal th, table.headers td:first-child { white-space: nowrap; }
#journal td.path { white-space: normal; overflow-wrap: break-word; min-width: 9rem; }
table.headers td:last-child { overflow-wrap: anywhere; }
table.problems td:not(:nth-child(3)) { white-space: nowrap; }
.scroll { overflow-x: auto; }
table.preview td, table.preview th { white-space: nowrap; overflow-wrap: normal; font-size: .8rem; }
th { font-weight: 600; font-size: .85rem; }
td.num, th.num { text-align: right; white-space: nowrap; }
#journal tbody tr { cursor: pointer; }
#journal tbody tr:hover, #journal tbody tr.open { background: #8882; }
.outcome-accepted .status { color: var(--ok); font-weight: 600; }
.outcome-rejected .status { color: var(--warn); font-weight: 600; }
.outcome-failed .status { color: var(--bad); font-weight: 600; }
code, pre { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: #8881; padding: .5rem .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all;
  margin: .2rem 0 .6rem; }
.note { color: var(--muted); overflow-wrap: anywhere; }
.message { font-weight: 600; }
dl.settings { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem 1rem; margin: 0; }
dl.settings dt { color: var(--muted); }
dl.settings dd { margin: 0; word-break: break-all; }
dl.settings .changed { font-weight: 600; }
.snippet { position: relative; }
.snippet button { position: absolute; right: .3rem; top: .3rem; font-size: .75rem; }
"""

SCRIPT = """
"use strict";
(() => {
  const admin = document.body.dataset.admin;
  const form = document.getElementById("filters");
  const list = document.getElementById("journal");
  const detail = document.getElementById("entry");
  const live = document.getElementById("live");
  const placeholder = detail.dataset.placeholder;
  let opened = new URLSearchParams(location.search).get("entry");
  let shown = null;
  let busy = false;

  const filters = () => {
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (value) query.set(name, value);
    return query;
  };
  const remember = () => {
    const query = filters();
    if (opened) query.set("entry", opened);
    const search = query.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
  };
  const localTimes = (root) => {
    for (const time of root.querySelectorAll("time[datetime]")) {
      const at = new Date(time.dateTime);
      if (isNaN(at)) continue;
      const clock = at.toLocaleTimeString([], {hour12: false});
      time.textContent = clock + "." + String(at.getMilliseconds()).padStart(3, "0");
      time.title = time.dateTime;
    }
  };
  const mark = () => {
    for (const row of list.querySelectorAll("tr[data-id]")) row.classList.toggle("open", row.dataset.id === opened);
  };
  const say = (text) => {
    const note = document.createElement("p");
    note.className = "note";
    note.textContent = text;
    detail.replaceChildren(note);
  };

  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(admin + "/page/requests?" + filters(), {cache: "no-store"});
      if (!response.ok) throw new Error("HTTP " + response.status);
      const html = await response.text();
      if (html !== shown) {
        list.innerHTML = html;
        shown = html;
        localTimes(list);
        mark();
      }
      live.textContent = "live: updated " + new Date().toLocaleTimeString([], {hour12: false});
      live.classList.remove("down");
    } catch (error) {
      live.textContent = "the mock does not answer (" + error.message + "); trying again";
      live.classList.add("down");
    } finally {
      busy = false;
    }
  }

  async function openEntry(id) {
    opened = id;
    remember();
    mark();
    const response = await fetch(admin + "/page/requests/" + encodeURIComponent(id), {cache: "no-store"});
    if (response.ok) {
      detail.innerHTML = await response.text();
      localTimes(detail);
      return;
    }
    let message = "HTTP " + response.status;
    try { message = (await response.json()).error.message; } catch (ignored) { /* not our Error shape */ }
    say(message);
  }

  list.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-id]");
    if (!row || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    openEntry(row.dataset.id);
  });
  form.addEventListener("change", () => { remember(); refresh(); });
  form.addEventListener("submit", (event) => { event.preventDefault(); remember(); refresh(); });
  document.getElementById("clear").addEventListener("click", async () => {
    const response = await fetch(admin + "/requests", {method: "DELETE"});
    if (!response.ok) { live.textContent = "clearing failed: HTTP " + response.status; return; }
    opened = null;
    remember();
    say(placeholder);
    refresh();
  });
  detail.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const text = document.getElementById(button.dataset.copy).textContent;
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "copied";
    } catch (ignored) {
      getSelection().selectAllChildren(document.getElementById(button.dataset.copy));
      button.textContent = "selected: press Ctrl-C";
    }
  });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
  localTimes(document);
  mark();
  setInterval(() => { if (!document.hidden) refresh(); }, 1000);
})();
"""


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        f"script-src '{_sha256(SCRIPT)}'",
        f"style-src '{_sha256(STYLE)}'",
        "connect-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
