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
  var status = document.getElementById("roster-status");
  // Only the answer to the latest request may replace the list: an older one arriving
  // late on a slow link would show (and save) the roster of a date no longer on the form.
  var latest = 0;
  var inflight = null;
  var timer = null;
  var WAIT_MS = 400;

  function updateCounts() {
    var counts = box.querySelector("[data-counts]");
    if (!counts) { return; }
    var rows = box.querySelectorAll("tbody tr").length;
    var present = box.querySelectorAll("input[type=radio][value=present]:checked").length;
    counts.textContent = counts.textContent.replace(/\d+(\D+)\d+\s*$/, rows + "$1" + present);
  }

  function say(key) {
    if (!status) { return; }
    status.textContent = key ? status.dataset[key] : "";
    status.classList.toggle("d-none", !key);
  }

  function reload() {
    clearTimeout(timer);
    var seq = ++latest;
    if (inflight) { inflight.abort(); }
    inflight = window.AbortController ? new AbortController() : null;
    var params = new URLSearchParams();
    params.set("branch_id", branch ? branch.value : form.dataset.branchId);
    params.set("held_on", date.value);
    if (form.dataset.sessionId) { params.set("session_id", form.dataset.sessionId); }
    box.querySelectorAll("input").forEach(function (input) {
      if ((input.type === "radio" && input.checked) || input.type === "text") {
        params.set(input.name, input.value);
      }
    });
    // Until the new list arrives, saving would send the old one; the server refuses that,
    // and marking the list busy tells the person why.
    box.setAttribute("aria-busy", "true");
    say("loading");
    fetch(form.dataset.rosterUrl + "?" + params.toString(),
          {credentials: "same-origin", signal: inflight ? inflight.signal : undefined})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        if (seq !== latest) { return; }
        // what was chosen or typed while the list was on its way wins over what was sent
        var kept = {};
        box.querySelectorAll("input").forEach(function (input) {
          if (input.type === "radio" && input.checked) { kept[input.name] = input.value; }
          if (input.type === "text") { kept[input.name] = input.value; }
        });
        box.innerHTML = html;
        box.querySelectorAll("input").forEach(function (input) {
          if (!(input.name in kept)) { return; }
          if (input.type === "radio") { input.checked = input.value === kept[input.name]; }
          if (input.type === "text") { input.value = kept[input.name]; }
        });
        updateCounts();
        box.dataset.loaded = date.value;
        box.removeAttribute("aria-busy");
        say("");
        box.dispatchEvent(new CustomEvent("roster-loaded", {bubbles: true}));
      })
      .catch(function (error) {
        if (seq !== latest || (error && error.name === "AbortError")) { return; }
        box.removeAttribute("aria-busy");
        say("failed");
      });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(reload, WAIT_MS);
  }

  if (date) { date.addEventListener("input", later); date.addEventListener("change", later); }
  if (branch) { branch.addEventListener("change", reload); }
  if (refresh) {
    refresh.addEventListener("click", function (event) { event.preventDefault(); reload(); });
  }
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
