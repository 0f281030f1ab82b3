// The what-if page: it opens on the person's plan (the server fills in whatever a request leaves
// out, as the analysis reads it), then sends only what the person moved, debounced, to
// POST /api/retirement/simulate, and redraws the fan chart and the assumptions behind the answer.
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
const METHOD_NAMES = { parametric: "Parametric", historical: "Historical", bootstrap: "Bootstrap" };
const start = pageData("whatif-data");
const $ = (id) => document.getElementById(id);
const money = (value) => `$${Math.round(Number(value)).toLocaleString("en-US")}`;
const percent = (value, places = 1) => `${Number(value).toFixed(places)}%`;
const allocationInputs = [...document.querySelectorAll("[data-asset-class]")];

// What the person moved: only these are sent; the server takes everything else from the plan.
// Without a portfolio the page shows example values, which are not the plan's: they are sent too.
const touched = new Set(start?.from_portfolio ? [] : ["current_value", "allocation"]);
// The first answer's seed, sent with every later request: changes are compared on the same markets.
let seed = null;

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
  const contribution = touched.has("annual_contribution") ? $("whatif-contribution").value : start.annual_contribution;
  $("whatif-contribution-out").textContent = money(contribution);
  $("whatif-years-out").textContent = $("whatif-years").value;
  const age = $("whatif-age-out");
  if (age && start.current_age !== null) age.textContent = String(start.current_age + Number($("whatif-years").value));
  $("whatif-rate-out").textContent = percent($("whatif-rate").value);
  for (const input of allocationInputs) $(`${input.id}-out`).textContent = `${input.value}%`;
}

const spending = () => document.querySelector('input[name="spending"]:checked')?.value ?? start.spending;

function request() {
  const body = { withdrawal_strategy: $("whatif-strategy").value };
  if (touched.has("current_value")) body.current_value = $("whatif-value").value.trim() || "0";
  if (touched.has("allocation")) {
    body.allocation = {};
    for (const input of allocationInputs) {
      if (Number(input.value) > 0) body.allocation[input.dataset.assetClass] = Number(input.value);
    }
  }
  if (touched.has("years_until_retirement")) body.years_until_retirement = Number($("whatif-years").value);
  if (touched.has("annual_contribution")) body.annual_contribution = Number($("whatif-contribution").value).toFixed(2);
  if (spending() === "rate") body.withdrawal_rate = Number($("whatif-rate").value);
  else if (touched.has("target_income")) body.target_income = $("whatif-target").value.trim() || "0";
  if (touched.has("method")) body.method = $("whatif-method").value;
  if (seed !== null) body.seed = seed;
  return body;
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

/** What the answer rests on, beside it: the method, its data, the inputs it simulated. */
function showAssumptions(result) {
  const used = result.assumptions;
  const params = result.params;
  const rows = [["Method", `${METHOD_NAMES[used.method] ?? used.method}: ${used.description}`]];
  if (used.data) rows.push(["Data", used.data]);
  if (used.history_years) rows.push(["Years of history", `${used.history_years[0]}–${used.history_years[1]}`]);
  if (used.start_years) rows.push(["Start years", `${used.start_years[0]}–${used.start_years[1]}`]);
  if (used.block_years) rows.push(["Block length", `${used.block_years} years`]);
  for (const [key, text] of Object.entries(used.proxies ?? {})) rows.push([`Simulated ${key.replaceAll("_", " ")}`, text]);
  rows.push([used.history_years ? "Inflation (history's average)" : "Inflation (assumed)", percent(used.inflation, 2)]);
  rows.push(["Futures simulated", Number(used.paths).toLocaleString("en-US")]);
  const spend = params.target_income !== null
    ? `${money(params.target_income)} a year` +
      (Number(params.other_income) > 0
        ? `, ${money(params.other_income)} of it from other income` +
          (params.other_income_delay_years > 0 ? ` after ${params.other_income_delay_years} years of retirement` : "")
        : "")
    : `${percent(params.withdrawal_rate ?? 4)} of the value at retirement`;
  rows.push(["Spending", spend]);
  rows.push(["Savings", `${money(params.annual_contribution)} a year` +
    (params.contribution_growth ? `, growing ${percent(params.contribution_growth)} a year` : "")]);
  if (params.retirement_allocation) {
    const mix = Object.entries(params.retirement_allocation).map(([key, share]) => `${key.replaceAll("_", " ")} ${percent(share)}`);
    rows.push(["Glide path to", mix.join(", ")]);
  }
  rows.push(["Worst case", `${percent(result.worst_case_withdrawal_rate, 2)} lasted in every future` +
    (result.worst_start_year ? ` (worst start: ${result.worst_start_year})` : "")]);
  const list = $("whatif-assumptions");
  list.replaceChildren();
  for (const [term, description] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = description;
    list.append(dt, dd);
  }
}

/** Mark the fields an answer refused, with its words next to them. */
function showFieldErrors(fields) {
  for (const [name, input, message] of [
    ["current_value", $("whatif-value"), $("whatif-value-error")],
    ["target_income", $("whatif-target"), $("whatif-target-error")],
  ]) {
    const problem = fields.find((error) => error.field === name);
    if (problem) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    message.textContent = problem ? problem.message : "";
    message.hidden = !problem;
  }
}

let latest = 0;
async function simulate() {
  const ticket = ++latest;
  const error = $("whatif-error");
  try {
    const result = await api("POST", "/api/retirement/simulate", request());
    if (ticket !== latest) return; // a newer request is on its way
    seed ??= result.seed;
    error.hidden = true;
    showFieldErrors([]);
    $("whatif-success").textContent = percent(result.success_rate);
    $("whatif-details").textContent =
      `Median value at retirement ${money(result.median_value_at_retirement)}; ` +
      `safe withdrawal rate ${percent(result.safe_withdrawal_rate, 2)}; ` +
      `median at the end ${money(result.median_ending_value)}.`;
    drawFan($("whatif-chart"), fanChart(result));
    showAssumptions(result);
  } catch (failure) {
    if (ticket !== latest) return;
    showFieldErrors(failure.fields ?? []);
    error.textContent = failure.message;
    error.hidden = false;
  }
}

const FIELDS = {
  "whatif-value": "current_value",
  "whatif-contribution": "annual_contribution",
  "whatif-years": "years_until_retirement",
  "whatif-target": "target_income",
  "whatif-method": "method",
};

let timer;
function changed(event) {
  const target = event?.target;
  if (target?.dataset?.assetClass) {
    rebalance(target);
    touched.add("allocation");
  }
  if (target?.id && FIELDS[target.id]) touched.add(FIELDS[target.id]);
  // Moving the rate or typing an income chooses that way of spending.
  if (target?.id === "whatif-rate") $("whatif-spend-rate").checked = true;
  if (target?.id === "whatif-target") $("whatif-spend-target").checked = true;
  showValues();
  clearTimeout(timer);
  timer = setTimeout(simulate, DEBOUNCE_MS);
}

const form = $("whatif-form");
if (form && start) {
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => event.preventDefault());
  showValues();
  if (window.Plotly) simulate();
  else window.addEventListener("load", simulate);
}
