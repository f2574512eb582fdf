// Show the integrity checklist only for the talk types that use it.
(function () {
  var form = document.getElementById("talk-form");
  var list = document.getElementById("integrity-checklist");
  if (!form || !list) { return; }
  var type = form.querySelector("select[name=talk_type]");
  var types = (list.getAttribute("data-types") || "").split(" ");
  function update() { list.hidden = types.indexOf(type.value) < 0; }
  type.addEventListener("change", update);
  update();
})();
