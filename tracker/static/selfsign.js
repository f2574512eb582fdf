// The team leader's sign-in code page: a new code every minute, and the lists of who has
// signed in and who has not, asked of the roster endpoint every few seconds. Without
// JavaScript the page reloads itself every minute instead (a <noscript> refresh).
(function () {
  "use strict";
  var page = document.getElementById("sign-in-code");
  if (!page) { return; }
  var img = page.querySelector("img.sign-in-qr");
  var count = document.getElementById("sign-in-count");
  var template = page.dataset.countText;
  var refresh = parseInt(page.dataset.refresh, 10) * 1000;
  var busy = false;

  function fill(list, rows) {
    list.replaceChildren.apply(list, rows.map(function (row) {
      var li = document.createElement("li");
      li.textContent = row.name + " ";
      if (row.at) {
        var at = document.createElement("span");
        at.className = "text-body-secondary";
        at.textContent = row.at;
        li.appendChild(at);
      }
      return li;
    }));
  }

  function poll() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(page.dataset.roster, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        fill(document.getElementById("signed-list"), data.signed);
        fill(document.getElementById("waiting-list"), data.waiting);
        var text = template.replace("{n}", data.signed.length).replace("{m}", data.expected);
        if (count.textContent !== text) { count.textContent = text; }
      })
      .catch(function () { /* a flaky link: the next poll tries again */ })
      .then(function () { busy = false; });
  }

  setInterval(poll, 4000);
  setInterval(function () {
    img.src = page.dataset.code + "?t=" + Date.now();
  }, refresh);
})();
