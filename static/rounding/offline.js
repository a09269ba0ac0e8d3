// Saves made without a network wait on this phone, with the whole form, and are sent when the
// network returns. The list "Not sent yet" shows them until then. Kept per person.
(function () {
  "use strict";

  // The words come translated from the page (data-text-* on the queue), with {name} or {count}.
  function text(key, values) {
    var box = document.getElementById("offline-queue");
    var words = (box && box.getAttribute("data-text-" + key)) || "";
    Object.keys(values || {}).forEach(function (name) { words = words.split("{" + name + "}").join(values[name]); });
    return words;
  }

  function outboxKey(form) { return "roundtable-outbox:u" + form.dataset.owner; }

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (error) { return []; }
  }

  function write(key, items) {
    try { localStorage.setItem(key, JSON.stringify(items)); } catch (error) { /* full or refused */ }
  }

  function describe(form) {
    var person = form.querySelector("select[name=person]");
    var chosen = person && person.value ? person.options[person.selectedIndex].text : "";
    var name = form.querySelector("input[name=name]");
    return chosen || (name && name.value) || text("someone");
  }

  function show(form) {
    var box = document.getElementById("offline-queue");
    if (!box) return;
    var items = read(outboxKey(form));
    var list = box.querySelector("ul");
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = text(item.refused ? "refused" : "waiting", { name: item.label });
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  function announce(form, text) {
    var result = form.querySelector("[data-save-result]");
    if (!result) return;
    result.textContent = "";
    var p = document.createElement("p");
    p.className = "message";
    p.textContent = text;
    result.appendChild(p);
    result.dataset.saveResult = "queued";
    result.focus({ preventScroll: true });
    result.scrollIntoView({ block: "center" });
  }

  function queue(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "person_q") fields.push([name, value]);
    });
    var items = read(outboxKey(form));
    var label = describe(form);
    items.push({ action: form.getAttribute("action"), fields: fields, label: label, at: Date.now() });
    write(outboxKey(form), items);
    form.reset();
    form.querySelectorAll("textarea").forEach(function (field) { field.value = ""; });
    document.dispatchEvent(new CustomEvent("roundtable:draft-clear", { detail: form.dataset.draftKey }));
    show(form);
    announce(form, text("kept", { name: label }));
  }

  function token() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (error) { return ""; }
  }

  var sending = false;
  function flush(form) {
    var key = outboxKey(form);
    var items = read(key);
    if (sending || !items.length || !navigator.onLine) return;
    sending = true;
    var left = [];
    var sent = 0;
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        if (item.refused) { left.push(item); return; }
        var body = new FormData();
        item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
        return fetch(item.action, {
          method: "POST", body: body, credentials: "same-origin",
          headers: { "HX-Request": "true", "X-CSRFToken": token() }
        }).then(function (response) {
          return response.text().then(function (text) {
            if (response.ok && text.indexOf('data-save-result="saved"') !== -1) sent += 1;
            else if (response.ok) { item.refused = true; left.push(item); }
            else left.push(item);
          });
        }).catch(function () { left.push(item); });
      });
    });
    chain.then(function () {
      write(key, left);
      sending = false;
      if (sent && window.htmx) {
        window.htmx.ajax("GET", window.location.pathname, { target: "#conversations", select: "#conversations", swap: "outerHTML" })
          .then(function () {
            var fresh = document.querySelector("form[data-offline-queue]");
            if (!fresh) return;
            show(fresh);
            announce(fresh, sent === 1 ? text("sent-one") : text("sent-many", { count: sent }));
          });
      } else {
        show(form);
      }
    });
  }

  function current() { return document.querySelector("form[data-offline-queue]"); }

  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-offline-queue]")) queue(form);
  });
  window.addEventListener("online", function () { var form = current(); if (form) flush(form); });
  document.addEventListener("DOMContentLoaded", function () {
    var form = current();
    if (!form) return;
    show(form);
    flush(form);
    if ("serviceWorker" in navigator && form.dataset.worker) {
      navigator.serviceWorker.register(form.dataset.worker).catch(function () { /* not offered */ });
    }
  });
  document.addEventListener("htmx:afterSettle", function () { var form = current(); if (form) show(form); });
})();
