// Account page: save a position's quantity in place (PUT /api/positions/{id}) instead of reloading.
// Without JavaScript the same form posts to the page, which validates it the same way.
// Also: open a position's classification when the address points at it (#classify-ARKK, as an
// analysis' recommendation links it), and keep each percentage group's total up to date.
import { api } from "./common.js";

const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const status = document.getElementById("position-status");

function say(message, isError) {
  if (!status) return;
  status.hidden = false;
  status.className = isError ? "error" : "notice";
  status.setAttribute("role", isError ? "alert" : "status");
  status.textContent = message;
}

function refreshTotals() {
  const totalElement = document.getElementById("account-total");
  const investedElement = document.getElementById("account-invested");
  let invested = 0;
  for (const cell of document.querySelectorAll("#positions-table [data-value]")) {
    if (cell.dataset.amount) invested += Number(cell.dataset.amount);
  }
  if (investedElement) investedElement.textContent = money.format(invested);
  if (totalElement) totalElement.textContent = money.format(Number(totalElement.dataset.cash || 0) + invested);
}

for (const form of document.querySelectorAll("form.quantity-form")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = form.querySelector('input[name="quantity"]');
    const button = form.querySelector('button[type="submit"]');
    const row = form.closest("tr");
    const symbol = row?.querySelector("th")?.textContent ?? "";
    button.disabled = true;
    try {
      const position = await api("PUT", `/api/positions/${form.dataset.positionId}`, { quantity: input.value.trim() });
      input.removeAttribute("aria-invalid");
      const cell = row?.querySelector("[data-value]");
      if (cell && position.current_price !== null) {
        const value = Math.round(Number(position.quantity) * Number(position.current_price) * 100) / 100;
        cell.dataset.amount = String(value);
        cell.textContent = money.format(value);
      }
      refreshTotals();
      say(`Quantity of ${symbol} saved.`, false);
    } catch (error) {
      input.setAttribute("aria-invalid", "true");
      say(`${symbol}: ${error.message}`, true);
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
}

function openTarget() {
  let id = "";
  try {
    id = decodeURIComponent(window.location.hash.slice(1));
  } catch {
    return;
  }
  const target = id ? document.getElementById(id) : null;
  if (target instanceof HTMLDetailsElement) target.open = true;
}
openTarget();
window.addEventListener("hashchange", openTarget);

for (const fieldset of document.querySelectorAll("fieldset[data-percentages]")) {
  const output = fieldset.querySelector("output");
  fieldset.addEventListener("input", () => {
    let total = 0;
    for (const input of fieldset.querySelectorAll('input[type="number"]')) total += Number(input.value) || 0;
    if (output) output.textContent = String(Math.round(total * 10000) / 10000);
  });
}
