/* Draw every chart of a staff page from the figure spec the server put next to it. */
/* global Plotly */
"use strict";
(function () {
  function draw() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = document.getElementById("figure-" + el.dataset.chart);
      if (!spec || !window.Plotly) return;
      var figure = JSON.parse(spec.textContent);
      Plotly.newPlot(el, figure.data, figure.layout, {
        // No mode bar: it injects per-chart inline styles that the CSP blocks; every chart
        // has its table and CSV instead.
        displayModeBar: false, responsive: true,
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
