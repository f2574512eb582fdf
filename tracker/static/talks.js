// The talk form: show the integrity checklist only for the talk types that use it, tick
// the whole list in one go (then untick the exceptions), and ask why a pre-dispatch talk
// was late only when its date is after the departure.
(function () {
  "use strict";
  var form = document.getElementById("talk-form");
  var list = document.getElementById("integrity-checklist");
  if (!form || !list) { return; }
  var type = form.querySelector("select[name=talk_type]");
  var types = (list.getAttribute("data-types") || "").split(" ");
  function update() { list.hidden = types.indexOf(type.value) < 0; }
  type.addEventListener("change", update);
  update();

  var all = document.getElementById("all-items");
  var items = list.querySelectorAll("input[name=integrity_item_ids]");
  if (all && items.length) {
    document.getElementById("all-items-box").hidden = false;
    var sync = function () {
      var ticked = Array.prototype.filter.call(items, function (i) { return i.checked; }).length;
      all.checked = ticked === items.length;
      all.indeterminate = ticked > 0 && ticked < items.length;
    };
    all.addEventListener("change", function () {
      items.forEach(function (i) { i.checked = all.checked; });
      sync();
    });
    items.forEach(function (i) { i.addEventListener("change", sync); });
    sync();
  }

  var late = document.getElementById("late-reason");
  var date = form.querySelector("[name=talk_date]");
  if (late && late.dataset.departure && date) {
    var reason = late.querySelector("textarea");
    var showLate = function () {
      var isLate = type.value === "pre_dispatch" && date.value > late.dataset.departure;
      late.hidden = !(isLate || reason.value || late.querySelector(".is-invalid"));
    };
    date.addEventListener("input", showLate);
    date.addEventListener("change", showLate);
    type.addEventListener("change", showLate);
    showLate();
  }
})();
