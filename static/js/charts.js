/* Draw every chart of a staff page from the figure spec the server put next to it. */
/* global Plotly */
"use strict";
(function () {
  // plotly.js 4.1.1 resets the heatmap's colour-bar rectangles with d3's attr("style", ""),
  // i.e. setAttribute("style", ...), which the CSP (no 'unsafe-inline') refuses and logs.
  // The same declarations set through the CSSOM are allowed, so style attributes written by
  // script on this page go that way; the CSP itself stays as strict as it is.
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === "style" && this.style) {
      this.style.cssText = String(value);
      return;
    }
    setAttribute.call(this, name, value);
  };

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
