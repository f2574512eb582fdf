// On a phone a table becomes a stack of cards (app.css, .table-stack): each cell shows its
// column's heading, copied here from the table's own <thead> so the templates stay as they
// are. Without JavaScript the tables keep their rows and scroll inside their own box.
(function () {
  "use strict";
  function headings(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!row) { return null; }
    var out = [];
    Array.prototype.forEach.call(row.cells, function (cell) {
      for (var i = 0; i < (cell.colSpan || 1); i++) { out.push(cell.textContent.trim()); }
    });
    return out;
  }
  function stack(table) {
    var names = headings(table);
    if (!names || names.length < 3 || table.hasAttribute("data-keep-table")) { return; }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (names[column] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", names[column]); }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("table-stack");
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("main table"), stack);
  });
})();
