// Small behaviours, kept out of the pages so the Content-Security-Policy can forbid inline scripts.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (!message) { return; }
  if (!window.confirm(message)) {
    event.preventDefault();
  } else if (!event.target.querySelector("input[name=confirmed]")) {
    // confirmed here: the server need not ask again on a page of its own
    const confirmed = document.createElement("input");
    confirmed.type = "hidden";
    confirmed.name = "confirmed";
    confirmed.value = "yes";
    event.target.appendChild(confirmed);
  }
});

// Unsaved form text kept in this browser (static/sendform.js) belongs to one person: it goes
// at sign-out, and when someone else is signed in here, so a shared PC keeps nothing of the
// previous person.
(function () {
  "use strict";
  var PREFIX = "tbt-draft:";
  function forget(keep) {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var key = localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0 && !(keep && key.indexOf(keep) === 0)) {
          localStorage.removeItem(key);
        }
      }
    } catch (e) { /* storage unavailable: nothing kept */ }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var signOut = document.querySelector("form[data-drafts-of]");
    if (!signOut) { return; }
    forget(PREFIX + signOut.dataset.draftsOf + ":");
    signOut.addEventListener("submit", function () { forget(null); });
  });
})();

// Print buttons (the member accounts' activation sheet): no inline handlers under the CSP.
document.querySelectorAll(".js-print").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
