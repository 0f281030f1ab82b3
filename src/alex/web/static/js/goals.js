// Goals: linked range sliders that always add up to 100. Moving one (or typing in its number box)
// rescales the others in proportion. Values are kept in tenths of a percent as integers, and the
// rounding remainder goes to the largest fractions, so the total is exactly 100.0. The number
// inputs carry the values to the server, which checks the sums again. With both ages given, the
// years until retirement follow from them.

const TOTAL = 1000; // tenths of a percent

function tenths(value) {
  const number = Number.parseFloat(value);
  if (!Number.isFinite(number)) return 0;
  return Math.round(Math.min(100, Math.max(0, number)) * 10);
}

/** Rescale every key but `changed` so that all add up to TOTAL; returns the new map. */
export function rescale(values, changed, newValue) {
  const result = { ...values, [changed]: Math.min(TOTAL, Math.max(0, newValue)) };
  const others = Object.keys(values).filter((key) => key !== changed);
  const remaining = TOTAL - result[changed];
  const otherTotal = others.reduce((sum, key) => sum + values[key], 0);
  const exact = others.map((key) => ({
    key,
    share: otherTotal > 0 ? (values[key] * remaining) / otherTotal : remaining / others.length,
  }));
  let assigned = 0;
  for (const item of exact) {
    result[item.key] = Math.floor(item.share);
    assigned += result[item.key];
  }
  exact.sort((a, b) => (b.share - Math.floor(b.share)) - (a.share - Math.floor(a.share)));
  for (let i = 0; assigned < remaining && others.length; i = (i + 1) % exact.length) {
    result[exact[i].key] += 1;
    assigned += 1;
  }
  return result;
}

function setup(fieldset) {
  const prefix = fieldset.dataset.targets;
  const total = document.getElementById(`${prefix}-total`);
  const rows = {};
  for (const range of fieldset.querySelectorAll('input[type="range"][data-key]')) {
    const number = fieldset.querySelector(`input[type="number"][data-key="${range.dataset.key}"]`);
    if (number) rows[range.dataset.key] = { range, number };
  }
  const current = () => Object.fromEntries(Object.entries(rows).map(([key, row]) => [key, tenths(row.number.value)]));

  const show = (values) => {
    for (const [key, row] of Object.entries(rows)) {
      const text = (values[key] / 10).toFixed(1).replace(/\.0$/, "");
      row.range.value = text;
      row.number.value = text;
      row.range.setAttribute("aria-valuetext", `${text}%`);
    }
    const sum = Object.values(values).reduce((a, b) => a + b, 0);
    if (total) total.textContent = (sum / 10).toFixed(1).replace(/\.0$/, "");
  };

  const change = (key, value) => show(rescale(current(), key, tenths(value)));

  for (const [key, row] of Object.entries(rows)) {
    row.range.addEventListener("input", () => change(key, row.range.value));
    row.number.addEventListener("change", () => change(key, row.number.value));
  }
}

for (const fieldset of document.querySelectorAll("fieldset[data-targets]")) setup(fieldset);

/** With both ages given, the years until retirement follow from them (the server derives them too). */
function followAges() {
  const current = document.getElementById("current_age");
  const retirement = document.getElementById("retirement_age");
  const years = document.getElementById("years_until_retirement");
  if (!current || !retirement || !years) return;
  const update = () => {
    const from = Number.parseInt(current.value, 10);
    const to = Number.parseInt(retirement.value, 10);
    const both = Number.isFinite(from) && Number.isFinite(to);
    years.readOnly = both;
    if (both && to > from) years.value = String(to - from);
  };
  current.addEventListener("input", update);
  retirement.addEventListener("input", update);
  update();
}

followAges();
