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

  // Break a text at spaces into lines of at most `chars` characters (plotly's <br>).
  function wrap(text, chars) {
    if (!text || text.length <= chars) return text;
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > chars) {
        lines.push(line);
        line = word;
      } else line = line ? line + " " + word : word;
    });
    if (line) lines.push(line);
    return lines.join("<br>");
  }

  // Letters as the reader sees them: a Bengali vowel sign never cut from its consonant.
  function graphemes(text) {
    if (!window.Intl || !Intl.Segmenter) return Array.from(text);
    return Array.from(new Intl.Segmenter(undefined, {granularity: "grapheme"}).segment(text),
                      function (part) { return part.segment; });
  }

  // An office name cut to `chars` letters so that offices stay apart: 20 police stations
  // were all "Police stati…" on a phone. "Department, Place" keeps its place whole when it
  // can ("Poli…, Gaighata"); otherwise its start and its end stay ("Nari-…hali-II").
  function shorten(text, chars) {
    var letters = graphemes(text);
    if (letters.length <= chars) return text;
    var comma = text.lastIndexOf(", ");
    var place = comma > 0 ? graphemes(text.slice(comma + 2)) : [];
    var room = chars - place.length - 3, department = graphemes(text.slice(0, comma));
    if (place.length && room >= 2) {
      return department.slice(0, room).join("") + "\u2026, " + place.join("");
    }
    var head = Math.ceil(chars * 0.35);
    return letters.slice(0, head).join("") + "\u2026" +
      letters.slice(letters.length - (chars - head - 1)).join("");
  }

  // plotly neither wraps titles nor legend entries, and the office names of a ranking or a
  // heatmap took 260 px of a 360 px phone: fit them to the width the chart really has
  // (office names in full stay in the hover text and the table).
  function fitToWidth(figure, width) {
    var layout = figure.layout, margin = layout.margin || {};
    var size = (layout.font && layout.font.size) || 14, glyph = size * 0.68;
    var chars = Math.max(12, Math.floor((width - 20) / glyph));
    if (layout.title && layout.title.text) {
      layout.title.text = wrap(layout.title.text, chars);
      var lines = layout.title.text.split("<br>").length;
      // the title at the very top, then (tall charts) the top axis's turned labels under it
      // (plotly anchors a wrapped title's first line only: pad it by the lines under it)
      Object.assign(layout.title, {yref: "container", y: 1, yanchor: "top",
                                   pad: {t: 8 + Math.round((lines - 1) * size * 1.3)}});
      var under = layout.xaxis2 && layout.xaxis2.side === "top" ? 72 : 16;
      margin.t = Math.max(margin.t || 50, Math.round(2 * lines * size * 1.3 - size + 8 + under));
    }
    ["xaxis", "yaxis"].forEach(function (name) {
      var axis = layout[name];
      if (axis && axis.title && axis.title.text) axis.title.text = wrap(axis.title.text, chars);
    });
    figure.data.forEach(function (trace) {
      if (trace.name) trace.name = wrap(trace.name, chars - 4);
    });
    var names = (layout.yaxis && layout.yaxis.categoryarray) ||
      (figure.data[0] && figure.data[0].type === "heatmap" && figure.data[0].y);
    if (names && margin.l > width * 0.4) {
      margin.l = Math.round(width * 0.4);
      var fit = Math.floor((margin.l - 12) / glyph);
      layout.yaxis.automargin = false;
      layout.yaxis.tickvals = names;
      layout.yaxis.ticktext = names.map(function (n) { return shorten(n, fit); });
    }
    layout.margin = margin;
    if (layout.legend && layout.legend.orientation === "h") {
      // Hang the legend a fixed 96 px under the plot, below the axis title, whatever the
      // plot's height; and make room for its lines first, or plotly widens the margin
      // itself, which shrinks the plot and moves the legend onto the axis title.
      var rows = 0;
      figure.data.forEach(function (trace) {
        if (trace.name && trace.showlegend !== false) rows += trace.name.split("<br>").length;
      });
      if (width >= 600) rows = Math.ceil(rows / 3);  // a wide legend holds a few a row
      var bottom = 100 + rows * 22, before = margin.b || 80;
      layout.height = (layout.height || 450) + Math.max(0, bottom - before);
      margin.b = Math.max(bottom, before);
      var plot = layout.height - (margin.t || 50) - margin.b;
      layout.legend.yanchor = "top";
      layout.legend.y = -96 / Math.max(plot, 100);
    }
  }

  function draw() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = document.getElementById("figure-" + el.dataset.chart);
      if (!spec || !window.Plotly) return;
      var figure = JSON.parse(spec.textContent);
      fitToWidth(figure, el.clientWidth || window.innerWidth);
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
