// Plots the estimates of the chosen measure with Chart.js when installed; the table is the fallback.
(function () {
  "use strict";
  var canvas = document.getElementById("claims-chart");
  if (!canvas || typeof window.Chart !== "function") { return; }
  function decimalYear(iso) {
    var d = new Date(iso + (iso.length === 4 ? "-07-01" : iso.length === 7 ? "-15" : ""));
    var start = Date.UTC(d.getUTCFullYear(), 0, 1);
    return d.getUTCFullYear() + (d.getTime() - start) / (365.25 * 864e5);
  }
  var normal = [], conflicting = [];
  document.querySelectorAll("#claims-table tr.claim").forEach(function (row) {
    if (!row.dataset.asof) { return; }
    var point = { x: decimalYear(row.dataset.asof), y: Number(row.dataset.value),
                  label: row.dataset.asof + ": " + row.dataset.label };
    (row.dataset.conflicting === "true" ? conflicting : normal).push(point);
  });
  canvas.parentElement.classList.add("ready");
  window.sanctionwatchChart = new window.Chart(canvas, {
    type: "scatter",
    data: { datasets: [
      { label: "estimate", data: normal, backgroundColor: "#0b4f8a", pointRadius: 5 },
      { label: "conflicting estimate", data: conflicting, backgroundColor: "#8a1c0b", pointStyle: "triangle", pointRadius: 7 }
    ] },
    options: {
      maintainAspectRatio: false,
      scales: { x: { title: { display: true, text: "as of" }, ticks: { callback: function (v) { return Math.round(v * 10) / 10; } } },
                y: { beginAtZero: true, title: { display: true, text: "estimate" } } },
      plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.raw.label + " → " + ctx.raw.y.toLocaleString(); } } } }
    }
  });
})();
