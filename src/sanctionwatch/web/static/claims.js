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
  var years = normal.concat(conflicting).map(function (p) { return p.x; });
  if (!years.length) { return; }
  var first = Math.floor(Math.min.apply(null, years)), last = Math.ceil(Math.max.apply(null, years));
  canvas.parentElement.classList.add("ready");
  window.sanctionwatchChart = new window.Chart(canvas, {
    type: "scatter",
    data: { datasets: [
      { label: "estimate", data: normal, backgroundColor: "#0b4f8a", pointRadius: 5 },
      { label: "conflicting estimate", data: conflicting, backgroundColor: "#8a1c0b", pointStyle: "triangle", pointRadius: 7 }
    ] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { title: { display: true, text: "as of" }, min: first - 1, max: last + 1,
                     ticks: { stepSize: 1, callback: function (v) { return Number.isInteger(v) ? String(v) : ""; } } },
                y: { beginAtZero: true, grace: "10%", title: { display: true, text: "estimate" } } },
      plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.raw.label + " → " + ctx.raw.y.toLocaleString(); } } } }
    }
  });
})();
