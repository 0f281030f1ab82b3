// Shared helpers for Alex's pages: API calls with the CSRF token, and drawing charts with Plotly.
// No inline scripts anywhere (the CSP forbids them): pages load these modules, and data arrives in
// <script type="application/json"> blocks, which browsers never execute.

import { drawFan } from "./fan.js";

const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

/** JSON request to our API, authenticated by the session cookie; throws Error(message) on failure,
 * with the answer's field errors (a 422's ``errors``, else none) as its ``fields``. */
export async function api(method, path, body) {
  const headers = { "X-CSRF-Token": csrf(), Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = data.errors?.map((e) => `${e.field ?? ""} ${e.message ?? ""}`.trim()).join("; ");
    const failure = new Error(detail || data.detail || `Request failed (${response.status})`);
    failure.fields = Array.isArray(data.errors) ? data.errors : [];
    throw failure;
  }
  return data;
}

/** The JSON a page embedded for its scripts. */
export function pageData(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

const LAYOUT = {
  margin: { t: 10, r: 10, b: 40, l: 50 },
  paper_bgcolor: "rgba(0,0,0,0)",
  plot_bgcolor: "rgba(0,0,0,0)",
  font: { family: "system-ui, sans-serif", size: 13 },
  showlegend: true,
  legend: { orientation: "h" },
  xaxis: { automargin: true },
  yaxis: { automargin: true },
};
const CONFIG = { displayModeBar: false, responsive: true };

/** Draw one chart of the charts payload ({title, type, data: [{name, value, color}], series?}). */
export function drawChart(element, chart, typeOverride) {
  if (!window.Plotly || !chart || !chart.data?.length) {
    element.textContent = "No data to chart yet.";
    return;
  }
  if (chart.series?.length) {
    drawFan(element, chart); // percentile bands: the fan chart's own drawing
    return;
  }
  const type = typeOverride ?? chart.type;
  const names = chart.data.map((p) => p.name);
  const values = chart.data.map((p) => p.value);
  const colors = chart.data.map((p) => p.color);
  let traces;
  if (type === "pie" || type === "donut") {
    traces = [{ type: "pie", labels: names, values, marker: { colors }, hole: type === "donut" ? 0.5 : 0, sort: false }];
  } else {
    const horizontal = type === "horizontalBar";
    traces = [{
      type: "bar",
      x: horizontal ? values : names,
      y: horizontal ? names : values,
      orientation: horizontal ? "h" : "v",
      marker: { color: colors },
    }];
  }
  // A deep copy: Plotly writes axis ranges back into the layout it is given.
  window.Plotly.react(element, traces, { ...structuredClone(LAYOUT), showlegend: type === "pie" || type === "donut" }, CONFIG);
}

/** Draw every [data-chart] element of the page from a charts payload. */
export function drawCharts(charts, root = document) {
  for (const element of root.querySelectorAll("[data-chart]")) {
    drawChart(element, charts?.[element.dataset.chart], element.dataset.type);
  }
}

/** Confirm before submitting forms marked data-confirm (deletes). */
document.addEventListener("submit", (event) => {
  const message = event.target?.dataset?.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
