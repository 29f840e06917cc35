/* Charts of the portal: every <canvas data-chart="ID"> is drawn from the JSON of <script id="ID"> (json_script).
   Amounts arrive as strings with two decimals (money is Decimal on the server); Chart.js reads them as numbers
   only to draw. Tooltips and axes use the page language's euro format. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "nl";
  var euro = new Intl.NumberFormat(lang === "nl" ? "nl-NL" : "en-GB", {style: "currency", currency: "EUR", maximumFractionDigits: 0});
  var count = new Intl.NumberFormat(lang === "nl" ? "nl-NL" : "en-GB");

  function draw(canvas) {
    if (canvas.dataset.drawn || typeof Chart === "undefined") return;
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var format = spec.money ? euro.format : spec.percent ? function (v) { return count.format(v) + "%"; } : count.format;
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: {display: spec.datasets.length > 1 || spec.type === "doughnut", position: "bottom"},
        tooltip: {callbacks: {label: function (ctx) {
          var value = ctx.parsed && typeof ctx.parsed === "object" ? ctx.parsed.y : ctx.parsed;
          return (ctx.dataset.label ? ctx.dataset.label + ": " : (ctx.label ? ctx.label + ": " : "")) + format(value);
        }}}
      }
    };
    if (spec.type !== "doughnut") {
      options.scales = {
        x: {stacked: !!spec.stacked},
        y: {stacked: !!spec.stacked, beginAtZero: true, ticks: {callback: function (v) { return format(v); }}}
      };
    }
    new Chart(canvas, {type: spec.type, data: {labels: spec.labels, datasets: spec.datasets}, options: options});
    canvas.dataset.drawn = "1";
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
})();

/* Behaviour that templates ask for with data- attributes (the Content-Security-Policy allows no inline handlers):
   <select data-autosubmit> submits its form when it changes. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var control = event.target;
    if (control.matches && control.matches("[data-autosubmit]") && control.form) {
      control.form.requestSubmit ? control.form.requestSubmit() : control.form.submit();
    }
  });
})();
