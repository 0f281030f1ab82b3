// The what-if page: debounced slider changes → POST /api/retirement/simulate → fan chart redrawn.
import { api, pageData } from "./common.js";
import { drawFan } from "./fan.js";

const DEBOUNCE_MS = 150;
const BANDS = {
  p5: ["5th percentile", "#F87171"],
  p25: ["25th percentile", "#FBBF24"],
  p50: ["Median", "#209DD7"],
  p75: ["75th percentile", "#34D399"],
  p95: ["95th percentile", "#753991"],
};
const start = pageData("whatif-data");
const $ = (id) => document.getElementById(id);
const money = (value) => `$${Math.round(Number(value)).toLocaleString("en-US")}`;
const allocationInputs = [...document.querySelectorAll("[data-asset-class]")];

/** Keep the three allocation sliders at 100 %: the others share what the moved one leaves. */
function rebalance(moved) {
  const others = allocationInputs.filter((input) => input !== moved);
  const left = 100 - Number(moved.value);
  const current = others.map((input) => Number(input.value));
  const sum = current.reduce((a, b) => a + b, 0);
  const first = sum === 0 ? Math.round(left / 2) : Math.round((left * current[0]) / sum);
  others[0].value = String(first);
  others[1].value = String(left - first);
}

function showValues() {
  $("whatif-contribution-out").textContent = money($("whatif-contribution").value);
  $("whatif-years-out").textContent = $("whatif-years").value;
  $("whatif-rate-out").textContent = `${Number($("whatif-rate").value).toFixed(1)}%`;
  for (const input of allocationInputs) $(`${input.id}-out`).textContent = `${input.value}%`;
}

function request() {
  const allocation = {};
  for (const input of allocationInputs) {
    if (Number(input.value) > 0) allocation[input.dataset.assetClass] = Number(input.value);
  }
  const value = Number($("whatif-value").value);
  return {
    current_value: Number.isFinite(value) && value >= 0 ? value.toFixed(2) : "0.00",
    allocation,
    years_until_retirement: Number($("whatif-years").value),
    annual_contribution: Number($("whatif-contribution").value).toFixed(2),
    retirement_years: start.retirement_years,
    withdrawal_strategy: $("whatif-strategy").value,
    withdrawal_rate: Number($("whatif-rate").value),
    paths: start.paths,
    seed: start.seed,
  };
}

/** The simulation's percentiles as a chart in the charts-payload format (the fan chart's shape). */
function fanChart(result) {
  const keys = Object.keys(result.percentiles);
  return {
    title: "Retirement projection",
    type: "area",
    series: keys.map((key) => ({ key, name: BANDS[key]?.[0] ?? key, color: BANDS[key]?.[1] ?? "#209DD7" })),
    data: result.years.map((year, index) => {
      const point = { name: `Year ${year}`, year, color: "#209DD7" };
      for (const key of keys) point[key] = Number(result.percentiles[key][index]);
      point.value = point.p50 ?? 0;
      return point;
    }),
  };
}

let latest = 0;
async function simulate() {
  const ticket = ++latest;
  const error = $("whatif-error");
  try {
    const result = await api("POST", "/api/retirement/simulate", request());
    if (ticket !== latest) return; // a newer request is on its way
    error.hidden = true;
    $("whatif-success").textContent = `${result.success_rate.toFixed(1)}%`;
    $("whatif-details").textContent =
      `Median value at retirement ${money(result.median_value_at_retirement)}; ` +
      `safe withdrawal rate ${result.safe_withdrawal_rate.toFixed(2)}%; ` +
      `median at the end ${money(result.median_ending_value)}.`;
    drawFan($("whatif-chart"), fanChart(result));
  } catch (failure) {
    if (ticket !== latest) return;
    error.textContent = failure.message;
    error.hidden = false;
  }
}

let timer;
function changed(event) {
  if (event?.target?.dataset?.assetClass) rebalance(event.target);
  showValues();
  clearTimeout(timer);
  timer = setTimeout(simulate, DEBOUNCE_MS);
}

const form = $("whatif-form");
if (form && start) {
  form.addEventListener("input", changed);
  form.addEventListener("submit", (event) => event.preventDefault());
  showValues();
  if (window.Plotly) simulate();
  else window.addEventListener("load", simulate);
}
