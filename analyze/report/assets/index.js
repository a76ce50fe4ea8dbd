// casefile batch index: sorts a table by the column whose heading is
// clicked (numbers as numbers, text as text; the same column again
// reverses). It only reorders existing rows and sets aria-sort.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function key(td, num) {
    var v = td.hasAttribute("data-v") ? td.getAttribute("data-v") : td.textContent;
    if (num) { var n = parseFloat(v); return isNaN(n) ? 0 : n; }
    return v.trim().toLowerCase();
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    var body = table.tBodies[0];
    heads.forEach(function (th, col) {
      var b = th.querySelector("button");
      if (!b) { return; }
      b.addEventListener("click", function () {
        var num = th.getAttribute("data-type") === "num";
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        var rows = Array.prototype.slice.call(body.rows);
        rows.forEach(function (r, i) { r._i = i; });
        rows.sort(function (x, y) {
          var a = key(x.cells[col], num), c = key(y.cells[col], num);
          if (a < c) { return -dir; }
          if (a > c) { return dir; }
          return x._i - y._i;
        });
        rows.forEach(function (r) { body.appendChild(r); });
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      });
    });
  });
})();
