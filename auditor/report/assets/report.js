// The audit page's only script (the page's Content-Security-Policy allows it by its hash and nothing else):
// sort tables by a column, filter the document table, switch highlight kinds on and off.
(function () {
  "use strict";

  function cellKey(cell, numeric) {
    var v = cell.getAttribute("data-v");
    if (v === null) { v = cell.textContent; }
    if (numeric) { var n = parseFloat(v); return isNaN(n) ? -Infinity : n; }
    return v.toLowerCase();
  }

  function sortBy(table, th, col) {
    var numeric = th.getAttribute("data-type") === "num";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { r.setAttribute("data-i", i); });
    rows.sort(function (r1, r2) {
      var a = cellKey(r1.cells[col], numeric), b = cellKey(r2.cells[col], numeric);
      if (a < b) { return -dir; }
      if (a > b) { return dir; }
      return r1.getAttribute("data-i") - r2.getAttribute("data-i");  // stable
    });
    var sorted = document.createDocumentFragment();  // one move of the whole body, one layout
    rows.forEach(function (r) { sorted.appendChild(r); });
    body.appendChild(sorted);
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(table, th, col); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, th, col); }
      });
    });
  });

  var search = document.getElementById("doc-filter");
  var verdict = document.getElementById("verdict-filter");
  var docTable = document.getElementById("doc-table");
  function applyFilter() {
    var q = search.value.trim().toLowerCase();
    var v = verdict.value;
    Array.prototype.forEach.call(docTable.tBodies[0].rows, function (r) {
      var ok = (!q || r.textContent.toLowerCase().indexOf(q) >= 0) && (!v || r.classList.contains(v));
      r.hidden = !ok;
    });
  }
  if (search && verdict && docTable) {
    search.addEventListener("input", applyFilter);
    verdict.addEventListener("change", applyFilter);
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-toggle]"), function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.getAttribute("data-toggle"), !box.checked);
    });
  });

  // Following a link to a document or a pair opens its text (closed by default in a large audit).
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    Array.prototype.forEach.call(target.querySelectorAll("details.body"), function (d) { d.open = true; });
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  document.documentElement.setAttribute("data-ready", "1");  // tells a test this script ran
})();
