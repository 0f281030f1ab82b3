// The analysis page: a live timeline from the job's Server-Sent Events while it runs, then
// keyboard-usable tabs (arrow keys, Home/End) and the charts of the finished job.
import { api, drawChart, pageData } from "./common.js";
import { drawFan } from "./fan.js";

// The timeline's CSS class of each event kind comes with the page (web/analysis.py EVENT_CLASSES),
// so the server-rendered history and the live events are styled from one table.
const FINAL = new Set(["job_completed", "job_failed"]);

function appendEvent(list, event, classes) {
  const item = document.createElement("li");
  item.className = classes[event.kind] ?? "";
  item.dataset.kind = event.kind;
  if (event.step) {
    const step = document.createElement("strong");
    step.textContent = event.step;
    item.append(step, " ");
  }
  item.append(event.message ?? event.kind);
  list.append(item);
}

function follow(job) {
  const list = document.getElementById("timeline");
  const status = document.getElementById("timeline-status");
  if (!list || !window.EventSource) return;
  const source = new EventSource(`/api/jobs/${encodeURIComponent(job.id)}/events`);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    source.close();
    if (status) status.textContent = "Finished: loading the results…";
    window.location.reload();
  };
  const classes = pageData("event-classes") ?? {};
  for (const kind of Object.keys(classes)) {
    source.addEventListener(kind, (message) => {
      const event = JSON.parse(message.data);
      appendEvent(list, event, classes);
      if (FINAL.has(event.kind)) finish();
    });
  }
  // The server ends the stream when the job has ended; the browser would then reconnect. Ask the
  // job's status instead, and reload once it is final.
  source.addEventListener("error", async () => {
    if (done) return;
    try {
      const current = await api("GET", `/api/jobs/${encodeURIComponent(job.id)}`);
      if (current.status === "completed" || current.status === "failed") finish();
    } catch (error) {
      if (status) status.textContent = `Connection problem: ${error.message}. Retrying…`;
    }
  });
}

const drawn = new Set();
function drawPanel(panel) {
  if (!panel || !window.Plotly) return;
  const charts = pageData("charts-data") ?? {};
  for (const element of panel.querySelectorAll("[data-chart]")) {
    if (drawn.has(element)) window.Plotly.Plots.resize(element);
    else drawChart(element, charts[element.dataset.chart], element.dataset.type);
    drawn.add(element);
  }
  for (const element of panel.querySelectorAll("[data-fan]")) {
    if (drawn.has(element)) window.Plotly.Plots.resize(element);
    else drawFan(element, pageData("fan-data"));
    drawn.add(element);
  }
}

function setUpTabs(root) {
  const tabs = [...root.querySelectorAll('[role="tab"]')];
  const select = (tab, focus) => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    if (focus) tab.focus();
    drawPanel(document.getElementById(tab.getAttribute("aria-controls")));
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab, false));
    tab.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      select(tabs[(moves[event.key] + tabs.length) % tabs.length], true);
    });
  });
  // A link to something in another tab (a recommendation's "See the suggested trades", or an
  // address ending in its #id) opens that tab first.
  const reveal = () => {
    let id = "";
    try {
      id = decodeURIComponent(window.location.hash.slice(1));
    } catch {
      return;
    }
    const target = id ? document.getElementById(id) : null;
    const panel = target?.closest('[role="tabpanel"]');
    const tab = panel && tabs.find((t) => t.getAttribute("aria-controls") === panel.id);
    if (!tab) return;
    if (panel.hidden) select(tab, false);
    target.scrollIntoView();
    if (target.tabIndex === -1 && target.hasAttribute("tabindex")) target.focus({ preventScroll: true });
  };
  window.addEventListener("hashchange", reveal);
  reveal();
  const start = () => drawPanel(document.getElementById(tabs.find((t) => t.getAttribute("aria-selected") === "true")?.getAttribute("aria-controls")));
  if (window.Plotly) start();
  else window.addEventListener("load", start);
  root.dataset.ready = "true"; // the tabs answer clicks from now on (tests wait for this)
}

const job = pageData("job-data");
if (job && !job.finished) follow(job);
const results = document.getElementById("results");
if (results) setUpTabs(results);
