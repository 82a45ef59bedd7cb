// braindock site: sort the leaderboard, filter it by domain, compare two models. No library, no server.
"use strict";

function cellValue(row, index, type) {
  const raw = row.cells[index].dataset.value;
  if (raw === undefined || raw === "") return null; // missing: always sorted last
  return type === "num" ? parseFloat(raw) : raw;
}

function sortBy(table, header) {
  const index = Array.from(header.parentNode.children).indexOf(header);
  const type = header.dataset.type;
  // first click: best first (highest, or lowest where the metric is better when lower, e.g. perplexity)
  const descending = header.getAttribute("aria-sort") ? header.getAttribute("aria-sort") === "ascending"
    : type === "num" && header.dataset.better !== "lower";
  table.querySelectorAll("th").forEach((th) => th.removeAttribute("aria-sort"));
  header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = cellValue(a, index, type), y = cellValue(b, index, type);
    if (x === null || y === null) return (x === null) - (y === null);
    const order = type === "num" ? x - y : x.localeCompare(y);
    return descending ? -order : order;
  });
  rows.forEach((row) => body.appendChild(row));
}

function filterDomain(table, domain) {
  const show = (element) => domain === "all" || element.dataset.domain === "all" || element.dataset.domain === domain;
  table.querySelectorAll("th, td").forEach((cell) => {
    if (cell.dataset.domain) cell.hidden = !show(cell);
  });
  Array.from(table.tBodies[0].rows).forEach((row) => {
    row.hidden = domain !== "all" && !row.dataset.domains.split(" ").includes(domain);
  });
}

function format(entry) {
  return entry ? `${entry[0].toFixed(3)} ± ${entry[1].toFixed(3)}` : "missing";
}

function compare(data, keyA, keyB) {
  const models = Object.fromEntries(data.models.map((m) => [m.key, m]));
  const a = models[keyA], b = models[keyB];
  const body = document.querySelector("#comparison tbody");
  body.replaceChildren();
  for (const benchmark of data.benchmarks) {
    const x = a.scores[benchmark.id], y = b.scores[benchmark.id];
    if (!x && !y) continue;
    const row = body.insertRow();
    const link = document.createElement("a");
    link.href = benchmark.page;
    link.textContent = benchmark.id;
    row.insertCell().appendChild(link);
    row.insertCell().textContent = format(x);
    row.insertCell().textContent = format(y);
    const difference = x && y ? x[0] - y[0] : null;
    row.insertCell().textContent = difference === null ? "—" : difference.toFixed(3);
    row.insertCell().textContent = difference === null ? "—" : Math.abs(difference) > x[1] + y[1] ? "yes" : "no";
    row.dataset.benchmark = benchmark.id;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("th").forEach((th) => th.addEventListener("click", (event) => {
      if (event.target.closest("a")) return; // a benchmark link in the header opens its page
      sortBy(table, th);
    }));
  });
  const filter = document.getElementById("domain-filter");
  if (filter) filter.addEventListener("change", () => filterDomain(document.getElementById("leaderboard"), filter.value));
  const form = document.getElementById("compare-form");
  if (form) {
    const data = JSON.parse(document.getElementById("board-data").textContent);
    const a = document.getElementById("model-a"), b = document.getElementById("model-b");
    const asked = new URLSearchParams(window.location.search);
    const keys = data.models.map((m) => m.key);
    a.value = keys.includes(asked.get("a")) ? asked.get("a") : keys[0];
    b.value = keys.includes(asked.get("b")) ? asked.get("b") : keys.find((k) => k !== a.value) || keys[0];
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      compare(data, a.value, b.value);
    });
    compare(data, a.value, b.value);
  }
});
