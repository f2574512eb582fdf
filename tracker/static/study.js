// The study session form: re-list the members when the branch or the date changes (keeping
// what was already chosen for each member), keep the counts up to date, and stop files over
// the size limit before a slow connection spends minutes sending them.
(function () {
  "use strict";
  var form = document.getElementById("session-form");
  if (!form) { return; }
  var box = document.getElementById("attendance");
  var date = form.querySelector("[name=held_on]");
  var branch = form.querySelector("[name=branch_id]");
  var refresh = document.getElementById("refresh-roster");

  function updateCounts() {
    var counts = box.querySelector("[data-counts]");
    if (!counts) { return; }
    var rows = box.querySelectorAll("tbody tr").length;
    var present = box.querySelectorAll("input[type=radio][value=present]:checked").length;
    counts.textContent = counts.textContent.replace(/\d+(\D+)\d+\s*$/, rows + "$1" + present);
  }

  function reload() {
    var params = new URLSearchParams();
    params.set("branch_id", branch ? branch.value : form.dataset.branchId);
    params.set("held_on", date.value);
    if (form.dataset.sessionId) { params.set("session_id", form.dataset.sessionId); }
    box.querySelectorAll("input").forEach(function (input) {
      if ((input.type === "radio" && input.checked) || input.type === "text") {
        params.set(input.name, input.value);
      }
    });
    fetch(form.dataset.rosterUrl + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        box.innerHTML = html;
        box.dataset.loaded = date.value;
        box.dispatchEvent(new CustomEvent("roster-loaded", {bubbles: true}));
      })
      .catch(function () { if (refresh) { refresh.classList.remove("d-none"); } });
  }

  if (refresh) { refresh.classList.add("d-none"); }
  if (date) { date.addEventListener("change", reload); }
  if (branch) { branch.addEventListener("change", reload); }
  box.addEventListener("change", updateCounts);

  var files = document.getElementById("files");
  var errors = document.getElementById("files-errors");
  function checkFiles() {
    var max = parseInt(files.dataset.maxBytes, 10);
    var big = [];
    Array.prototype.forEach.call(files.files, function (f) {
      // photos are made smaller before sending (sendform.js), so their size here does not count
      var scaled = window.createImageBitmap && /^image\/(jpeg|png)$/.test(f.type);
      if (f.size > max && !scaled) { big.push(f.name); }
    });
    if (big.length) {
      errors.textContent = files.dataset.tooLarge + " " + big.join(", ");
      files.classList.add("is-invalid");
      return false;
    }
    errors.textContent = "";
    files.classList.remove("is-invalid");
    return true;
  }
  if (files) {
    files.addEventListener("change", checkFiles);
    form.addEventListener("submit", function (event) {
      if (!checkFiles()) { event.preventDefault(); files.focus(); }
    });
  }
})();
