// Person selects (options carrying data-pinyin) get a box above them that narrows the list
// as the person types: part of the name, or its pinyin ("lf" or "linf" for 林芳). Without
// JavaScript the select works as it is, its names in pinyin order.
(function () {
  "use strict";
  function matches(option, typed) {
    if (!typed || !option.value) { return true; }
    if (option.textContent.indexOf(typed) !== -1) { return true; }
    var spelled = typed.toLowerCase().replace(/\s+/g, "");
    var keys = (option.getAttribute("data-pinyin") || "").split(" ");
    return keys.some(function (key) { return key.indexOf(spelled) === 0; });
  }
  function attach(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.id = select.id + "-filter";
    box.setAttribute("aria-label", select.getAttribute("data-filter-hint"));
    box.setAttribute("aria-controls", select.id);
    box.placeholder = select.getAttribute("data-filter-hint");
    box.autocomplete = "off";
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var typed = box.value.trim(), first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var shown = matches(option, typed);
        option.hidden = !shown;
        if (shown && option.value && !first) { first = option; }
      });
      var current = select.options[select.selectedIndex];
      if (typed && first && (!current || current.hidden || !current.value)) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", {bubbles: true}));
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-filter-hint]"), function (select) {
      if (select.querySelector("option[data-pinyin]")) { attach(select); }
    });
  });
})();
