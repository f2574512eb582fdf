// Saving a form over a slow or broken link (study sessions, talks): what is typed is kept in
// this browser as the person types (per user, form and record) and offered back when the form
// is opened again; the save is sent in the background with a progress bar and a Cancel
// button, photos made smaller first; when the save cannot reach the server the form stays
// as it is and "Send again" sends it without retyping. The server's answer (the saved record,
// or the form with messages) then replaces the page, as a normal submit would. Without
// JavaScript the form posts as usual.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-key]");
  if (!form) { return; }
  var KEY = form.dataset.draftKey;
  var MAX_SIDE = 2000;  // longest side of a photo as sent, in pixels
  var SKIP = {csrf_token: true};
  var $ = function (id) { return document.getElementById(id); };
  var offer = $("draft-offer"), progress = $("send-progress"), failed = $("send-failed");
  var bar = $("send-bar"), amount = $("send-amount");
  var xhr = null, submitter = null, offerOpen = false, reapply = null, timer = null, done = false;

  // -- the kept text ---------------------------------------------------------------
  function fields(root) {
    return Array.prototype.filter.call(root ? root.querySelectorAll("[name]") : form.elements,
      function (el) {
        return el.name && !SKIP[el.name] && el.type !== "file" && el.type !== "submit" &&
          el.type !== "button" && !el.disabled;
      });
  }

  function snapshot() {
    var values = [], names = {};
    fields().forEach(function (el) {
      names[el.name] = true;
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { values.push([el.name, el.value]); }
      } else if (el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { values.push([el.name, o.value]); });
      } else {
        values.push([el.name, el.value]);
      }
    });
    var files = [];
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) { files.push(f.name); });
    });
    return {values: values, names: Object.keys(names), files: files};
  }

  function apply(draft, root) {
    fields(root === form ? null : root).forEach(function (el) {
      if (draft.names.indexOf(el.name) < 0) { return; }
      var mine = draft.values.filter(function (v) { return v[0] === el.name; })
        .map(function (v) { return v[1]; });
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = mine.indexOf(el.value) >= 0;
      } else if (el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = mine.indexOf(o.value) >= 0; });
      } else if (mine.length) {
        // several fields of one name (rare): each takes the next value
        var same = fields().filter(function (f) { return f.name === el.name; });
        el.value = mine[Math.min(same.indexOf(el), mine.length - 1)];
      }
    });
  }

  function read() {
    try { return JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }

  function keep() {
    // an earlier text waits for an answer, or for its members to be listed: keep it as it is
    if (offerOpen || reapply || done) { return; }
    var draft = snapshot();
    draft.savedAt = new Date().toISOString();
    try { localStorage.setItem(KEY, JSON.stringify(draft)); } catch (e) { /* full or off */ }
  }

  function forget() {
    try { localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
  }

  function same(a, b) {
    return JSON.stringify(a.values) === JSON.stringify(b.values);
  }

  function offerBack() {
    var draft = read();
    if (!draft || !draft.values) { return; }
    if (same(draft, snapshot())) { return; }  // the page already shows it (e.g. sent back with messages)
    var text = offer.querySelector("[data-template]");
    text.textContent = text.dataset.template.replace("{time}", new Date(draft.savedAt).toLocaleString());
    if (draft.files && draft.files.length) {
      $("draft-files").querySelector("[data-names]").textContent = draft.files.join(", ");
      $("draft-files").hidden = false;
    }
    offer.hidden = false;
    offerOpen = true;
    $("draft-refill").addEventListener("click", function () {
      apply(draft, form);
      offerOpen = false;
      offer.hidden = true;
      // another branch or date lists other members: fill them in once study.js has them
      var moved = ["branch_id", "held_on"].filter(function (name) {
        var el = form.elements[name];
        return el && el.value !== shown[name];
      });
      if (moved.length && document.getElementById("attendance")) {
        reapply = draft;
        form.elements[moved[0]].dispatchEvent(new Event("change", {bubbles: true}));
      } else {
        keep();
      }
    });
    $("draft-discard").addEventListener("click", function () {
      offerOpen = false;
      offer.hidden = true;
      keep();
    });
  }

  var shown = {};  // the branch and date the listed members are for
  ["branch_id", "held_on"].forEach(function (name) {
    if (form.elements[name]) { shown[name] = form.elements[name].value; }
  });
  form.addEventListener("roster-loaded", function (event) {
    if (reapply) { apply(reapply, event.target); reapply = null; }
    keep();
  });
  function later() { clearTimeout(timer); timer = setTimeout(keep, 300); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);

  // -- photos made smaller ---------------------------------------------------------
  // Longest side 2000 px as JPEG. A detailed photo still large then is redrawn smaller (its
  // size in bytes follows its area), down to 1280 px, so that a photo costs about 160 KB:
  // ~5 s at 250 kbit/s, and two photos and the page fit in the 15 s a save may take there.
  var BUDGET = 160 * 1024, SMALLEST = 1280;

  function encode(bitmap, side, quality) {
    var ratio = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * ratio);
    canvas.height = Math.round(bitmap.height * ratio);
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";  // a transparent PNG becomes a JPEG on white
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
  }

  function scale(file) {
    if (!window.createImageBitmap || !/^image\/(jpeg|png)$/.test(file.type)) { return Promise.resolve(file); }
    return createImageBitmap(file).then(function (bitmap) {
      // within the size in pixels, a PNG (a scan, a screenshot) stays a PNG and a JPEG that
      // is already small is sent as it is
      if (Math.max(bitmap.width, bitmap.height) <= MAX_SIDE &&
          (file.type === "image/png" || file.size <= BUDGET)) {
        bitmap.close();
        return file;
      }
      function attempt(side, quality) {
        return encode(bitmap, side, quality).then(function (blob) {
          if (!blob || blob.size <= BUDGET) { return blob; }
          if (side > SMALLEST) {
            return attempt(Math.max(SMALLEST, Math.floor(side * Math.sqrt(BUDGET / blob.size) * 0.9)), 0.6);
          }
          return quality > 0.5 ? attempt(SMALLEST, 0.5) : blob;  // at the smallest: lower quality once
        });
      }
      return attempt(MAX_SIDE, 0.7).then(function (blob) {
        bitmap.close();
        if (!blob || blob.size >= file.size) { return file; }
        var name = file.name.replace(/\.(jpe?g|png)$/i, "") + ".jpg";
        return new File([blob], name, {type: "image/jpeg"});
      });
    }).catch(function () { return file; });  // not decodable here: the server decides
  }

  function body() {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var input = form.querySelector("input[type=file]");
    if (!input || !input.files.length) { return Promise.resolve(data); }
    progress.querySelector("label").textContent = progress.querySelector("label").dataset.preparing;
    return Promise.all(Array.prototype.map.call(input.files, scale)).then(function (files) {
      data.delete(input.name);
      files.forEach(function (f) { data.append(input.name, f, f.name); });
      return data;
    });
  }

  // -- sending ---------------------------------------------------------------------
  function mb(bytes) { return (bytes / 1048576).toFixed(1); }

  function busy(on) {
    progress.hidden = !on;
    form.querySelectorAll("[type=submit]").forEach(function (b) { b.disabled = on; });
  }

  function trouble(cancelled) {
    busy(false);
    xhr = null;
    failed.querySelector("[data-offline]").hidden = cancelled;
    failed.querySelector("[data-cancelled]").hidden = !cancelled;
    failed.hidden = false;
    $("send-again").focus();
  }

  function show(request) {
    // The answer replaces the page like a normal submit: the saved record (with its
    // "Saved." message), or the form with messages next to the fields.
    var html = request.responseText;
    var page = new DOMParser().parseFromString(html, "text/html");
    var moved = request.responseURL && request.responseURL !== form.action;
    done = true;  // nothing of this page is kept after this point
    clearTimeout(timer);
    if (moved && page.querySelector("main > .alert-success")) { forget(); }
    if (request.responseURL) { history.replaceState(null, "", request.responseURL); }
    document.open();
    document.write(html);
    document.close();
  }

  function send() {
    clearTimeout(timer);
    keep();
    failed.hidden = true;
    bar.value = 0;
    amount.textContent = "";
    busy(true);
    body().then(function (data) {
      progress.querySelector("label").textContent = progress.querySelector("label").dataset.sending;
      xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        bar.value = Math.round(100 * e.loaded / e.total);
        amount.textContent = amount.dataset.template.replace("{sent}", mb(e.loaded)).replace("{total}", mb(e.total));
      });
      xhr.addEventListener("load", function () { show(xhr); });
      xhr.addEventListener("error", function () { trouble(false); });
      xhr.addEventListener("timeout", function () { trouble(false); });
      xhr.addEventListener("abort", function () { trouble(true); });
      xhr.send(data);
    });
  }

  form.addEventListener("submit", function (event) {
    if (event.defaultPrevented) { return; }  // stopped by the form's own checks
    if (event.submitter && event.submitter.name === "refresh") { return; }  // no-script roster refresh
    if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) { return; }
    event.preventDefault();
    submitter = event.submitter || null;
    send();
  });
  $("send-again").addEventListener("click", send);
  $("send-cancel").addEventListener("click", function () { if (xhr) { xhr.abort(); } });

  offerBack();
})();
