// Saves made without a network wait on this phone, with the whole form, and are sent when the
// network returns. Any form marked data-offline-queue="<kind>" takes part: htmx forms are kept
// when htmx cannot reach the server, plain forms when the network is gone before they leave.
// The queue is the signed-in person's own (the key carries their id from <body data-person>):
// it is never shown or sent under another sign-in, and waits for its author to sign back in.
// A save the server refuses comes back into its form, filled in, with the server's reason.
(function () {
  "use strict";

  var box = null;

  // The words come translated from the page (data-text-* on the queue), with {name}-style holes.
  function text(key, values) {
    var words = (box && box.getAttribute("data-text-" + key)) || "";
    Object.keys(values || {}).forEach(function (name) { words = words.split("{" + name + "}").join(values[name]); });
    return words;
  }

  function person() { return document.body.getAttribute("data-person") || ""; }
  function outboxKey() { return "roundtable-outbox:u" + person(); }

  function read() {
    var items;
    try { items = JSON.parse(localStorage.getItem(outboxKey()) || "[]"); } catch (error) { items = []; }
    return items.map(function (item, index) {
      // Items kept before kinds and ids existed were conversations, refused without a reason:
      // sent again, they come back with the server's.
      if (!item.id) item.id = String(item.at || 0) + "-" + index;
      if (!item.kind) item.kind = "conversation";
      if (item.refused === true) delete item.refused;
      return item;
    });
  }

  function write(items) {
    try { localStorage.setItem(outboxKey(), JSON.stringify(items)); } catch (error) { /* full or refused */ }
  }

  function update(change) {
    var items = read();
    write(change(items) || items);
  }

  function remove(id) { update(function (items) { return items.filter(function (item) { return item.id !== id; }); }); }

  function queuedForms() { return Array.prototype.slice.call(document.querySelectorAll("form[data-offline-queue]")); }

  function formFor(item) {
    return queuedForms().filter(function (form) { return form.getAttribute("action") === item.action; })[0] || null;
  }

  function what(item) {
    return text("kind-" + item.kind, { name: item.label || text("someone") });
  }

  function describe(form) {
    var names = (form.dataset.offlineName || "").split(" ");
    for (var i = 0; i < names.length; i += 1) {
      var field = names[i] && form.elements[names[i]];
      if (!field || !field.value) continue;
      if (field.tagName === "SELECT") return field.selectedIndex > 0 ? field.options[field.selectedIndex].text : text("someone");
      return field.value.length > 60 ? field.value.slice(0, 59) + "…" : field.value;
    }
    return text("someone");
  }

  // The list "Not sent yet": each save waiting, and each refused one with a way to fix it.
  function show() {
    if (!box) return;
    var items = read();
    var list = box.querySelector("ul");
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.id = "offline-item-" + item.id;
      var line = document.createElement("span");
      line.textContent = text(item.refused ? "refused" : "waiting", { what: what(item) });
      li.appendChild(line);
      if (item.refused) {
        var reason = document.createElement("p");
        reason.className = "meta";
        reason.textContent = item.refused;
        li.appendChild(reason);
        var form = formFor(item);
        var open;
        if (form) {
          open = document.createElement("button");
          open.type = "button";
          open.className = "link-button";
          open.addEventListener("click", function () { fill(form, item, true); });
        } else {
          open = document.createElement("a");
          open.href = (item.page || item.action) + "#offline-fix-" + item.id;
        }
        open.textContent = text("open");
        open.setAttribute("aria-label", text("open") + ": " + what(item));
        li.appendChild(open);
        li.appendChild(document.createTextNode(" · "));
        var discard = document.createElement("button");
        discard.type = "button";
        discard.className = "link-button";
        discard.textContent = text("discard");
        discard.setAttribute("aria-label", text("discard") + ": " + what(item));
        discard.addEventListener("click", function () {
          remove(item.id);
          var open = document.querySelector("form[data-offline-item='" + item.id + "']");
          if (open) leave(open);
          say(null, text("discarded", { what: what(item) }));
          show();
        });
        li.appendChild(discard);
      }
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  // Where a form tells what happened: its own result area, or the line under the queue.
  function say(form, words) {
    var result = form && form.querySelector("[data-save-result]");
    var target = result || document.getElementById("offline-status");
    if (!target) return;
    target.textContent = "";
    var p = document.createElement("p");
    p.className = "message";
    p.textContent = words;
    target.appendChild(p);
    target.hidden = false;
    if (result) result.dataset.saveResult = "queued";
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "person_q" && typeof value === "string") fields.push([name, value]);
    });
    return fields;
  }

  function queue(form) {
    var item = {
      id: Date.now().toString(36) + Math.random().toString(36).slice(2, 7),
      kind: form.dataset.offlineQueue,
      action: form.getAttribute("action"),
      page: window.location.pathname,
      htmx: form.hasAttribute("hx-post"),
      fields: fieldsOf(form),
      label: describe(form),
      at: Date.now()
    };
    var replaced = form.dataset.offlineItem;
    update(function (items) {
      items = items.filter(function (other) { return other.id !== replaced; });
      items.push(item);
      return items;
    });
    leave(form);
    form.reset();
    form.querySelectorAll("textarea").forEach(function (field) { field.value = ""; });
    document.dispatchEvent(new CustomEvent("roundtable:draft-clear", { detail: form.dataset.draftKey }));
    show();
    say(form, text("kept", { what: what(item) }));
  }

  // A refused save back in its form, as it was sent, with the server's reason above it.
  function fill(form, item, focus) {
    leave(form);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.name === "csrfmiddlewaretoken" || field.type === "submit" || field.type === "button") return;
      if (field.type === "checkbox" || field.type === "radio") field.checked = false;
      else if (field.tagName === "SELECT") field.selectedIndex = 0;
      else if (field.type !== "hidden") field.value = "";
    });
    var filled = [];
    item.fields.forEach(function (pair) {
      var fields = form.querySelectorAll('[name="' + CSS.escape(pair[0]) + '"]');
      filled.push.apply(filled, fields);
      Array.prototype.forEach.call(fields, function (field) {
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.value === pair[1]) field.checked = true;
        } else if (field.tagName === "SELECT") {
          if (field.querySelector('option[value="' + CSS.escape(pair[1]) + '"]')) field.value = pair[1];
        } else if (field.type !== "hidden") {
          field.value = pair[1];
        }
      });
    });
    // Kept as a draft too (draft.js listens), so a reload does not lose the fix.
    filled.forEach(function (field) { field.dispatchEvent(new Event("input", { bubbles: true })); });
    form.dataset.offlineItem = item.id;
    var note = document.createElement("div");
    note.className = "form-errors offline-fix";
    note.setAttribute("role", "alert");
    note.setAttribute("tabindex", "-1");
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = text("fix-title", { what: what(item) });
    p.appendChild(strong);
    p.appendChild(document.createTextNode(" " + item.refused));
    note.appendChild(p);
    var heading = form.querySelector("h2, h3");
    form.insertBefore(note, heading ? heading.nextSibling : form.firstChild);
    if (focus !== false) {
      note.focus({ preventScroll: true });
      note.scrollIntoView({ block: "center" });
    }
  }

  function leave(form) {
    delete form.dataset.offlineItem;
    form.querySelectorAll(".offline-fix").forEach(function (note) { note.remove(); });
  }

  function typedInto(form) {
    return Array.prototype.some.call(form.querySelectorAll("textarea, input[type=text]"), function (field) {
      return field.value !== field.defaultValue && field.value !== "";
    });
  }

  // Refused saves open by themselves in an untouched form of this page, one per form.
  function openRefused() {
    var items = read().filter(function (item) { return item.refused; });
    var asked = /^#offline-fix-(.+)$/.exec(window.location.hash);
    items.forEach(function (item) {
      var form = formFor(item);
      if (!form || form.dataset.offlineItem) return;
      var wanted = asked && asked[1] === item.id;
      if (wanted || !typedInto(form)) fill(form, item, wanted || undefined);
    });
  }

  // The server's own words for a refusal: the errors of the form as it came back.
  function refusalIn(html, action) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var form = page.querySelector('form[action="' + CSS.escape(action) + '"]');
    if (!form) return "";
    var reasons = [];
    form.querySelectorAll(".errorlist li").forEach(function (error) {
      var field = error.closest(".field");
      var label = field && field.querySelector("label, legend");
      var words = error.textContent.trim();
      reasons.push(label ? label.textContent.trim().replace(/[:：]$/, "") + ": " + words : words);
    });
    if (!reasons.length) {
      form.querySelectorAll(".form-errors").forEach(function (errors) { reasons.push(errors.textContent.replace(/\s+/g, " ").trim()); });
    }
    return reasons.join(" ");
  }

  function signedOut(response) {
    var signin = box && box.dataset.signin;
    return !!signin && new URL(response.url).pathname === signin;
  }

  function token() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (error) { return ""; }
  }

  function post(action, body, extra) {
    var headers = { "X-CSRFToken": token(), "X-Offline-Author": person() };
    Object.keys(extra || {}).forEach(function (name) { headers[name] = extra[name]; });
    return fetch(action, { method: "POST", body: body, credentials: "same-origin", headers: headers });
  }

  // One save: "sent", "refused" (item.refused says why) or "waiting" (try again later).
  function send(item) {
    var body = new FormData();
    item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    return post(item.action, body, item.htmx ? { "HX-Request": "true" } : {}).then(function (response) {
      if (signedOut(response)) { item.refused = text("signed-out"); return "refused"; }
      // Written by someone else than the person signed in: not ours to send or to show.
      if (response.status === 409 || response.status >= 500) return "waiting";
      return response.text().then(function (html) {
        var reason = response.ok ? refusalIn(html, item.action) : (refusalIn(html, item.action) || text("status", { status: response.status }));
        if (!reason) return "sent";
        item.refused = reason;
        return "refused";
      });
    }).catch(function () { return "waiting"; });
  }

  var sending = false;
  function flush() {
    var items = read().filter(function (item) { return !item.refused; });
    if (sending || !items.length || !navigator.onLine || !person()) return;
    sending = true;
    var outcome = {};
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () { return send(item).then(function (result) { outcome[item.id] = { result: result, item: item }; }); });
    });
    chain.then(function () {
      var sent = [];
      update(function (kept) {
        return kept.filter(function (item) {
          var done = outcome[item.id];
          if (!done) return true;
          if (done.result === "sent") { sent.push(item); return false; }
          if (done.result === "refused") item.refused = done.item.refused;
          return true;
        });
      });
      sending = false;
      return refresh(sent).then(function () {
        announce(sent);
        show();
        openRefused();
      });
    });
  }

  // The parts of this page that show what was just sent, fetched again.
  function refresh(sent) {
    var regions = [];
    sent.forEach(function (item) {
      var form = formFor(item);
      var region = form && form.dataset.offlineRegion;
      if (region && regions.indexOf(region) === -1 && document.querySelector(region)) regions.push(region);
    });
    if (!regions.length || !window.htmx) return Promise.resolve();
    var chain = Promise.resolve();
    regions.forEach(function (region) {
      chain = chain.then(function () {
        return window.htmx.ajax("GET", window.location.pathname, { target: region, select: region, swap: "outerHTML" });
      }).catch(function () { /* the page still shows the old copy */ });
    });
    return chain;
  }

  function announce(sent) {
    var kinds = {};
    sent.forEach(function (item) { kinds[item.kind] = (kinds[item.kind] || 0) + 1; });
    Object.keys(kinds).forEach(function (kind) {
      var count = kinds[kind];
      var words = count === 1 ? text("sent-one-" + kind) : text("sent-many-" + kind, { count: count });
      var form = queuedForms().filter(function (form) { return form.dataset.offlineQueue === kind; })[0];
      say(form || null, words);
    });
  }

  // Plain forms leave the page: a moment's check that the server answers, else the save is kept.
  var checked = new WeakSet();
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!box || !form.matches || !form.matches("form[data-offline-queue]") || form.hasAttribute("hx-post")) return;
    if (checked.has(form)) {
      checked.delete(form);
      if (form.dataset.offlineItem) remove(form.dataset.offlineItem);
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter;
    if (!navigator.onLine) { queue(form); return; }
    var stop = new AbortController();
    var timer = window.setTimeout(function () { stop.abort(); }, 8000);
    fetch(box.dataset.probe, { method: "HEAD", cache: "no-store", credentials: "same-origin", signal: stop.signal })
      .then(function () { checked.add(form); form.requestSubmit(submitter); })
      .catch(function () { queue(form); })
      .finally(function () { window.clearTimeout(timer); });
  }, true);

  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-offline-queue]")) queue(form);
  });

  // The form a fix was sent from comes back swapped: the new copy still stands for the item.
  var carried = {};

  // A refused save fixed and sent from its form leaves the queue once the server takes it.
  // Read before the swap, so the page settles with the queue as it now is.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!form || form.tagName !== "FORM" || !form.dataset.offlineItem) return;
    var id = form.dataset.offlineItem;
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status >= 400) return;
    var reason = refusalIn(xhr.responseText, form.getAttribute("action"));
    if (reason) {
      update(function (items) { items.forEach(function (item) { if (item.id === id) item.refused = reason; }); });
      carried[form.getAttribute("action")] = id;
    } else {
      remove(id);
    }
  });

  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", function () {
    box = document.getElementById("offline-queue");
    if (!box || !person()) return;
    show();
    openRefused();
    flush();
    // A building's network can be there for the phone and not reach the server.
    window.setInterval(flush, 30000);
    var worker = document.querySelector("[data-worker]");
    if (worker && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(worker.dataset.worker).catch(function () { /* not offered */ });
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    queuedForms().forEach(function (form) {
      var id = carried[form.getAttribute("action")];
      if (id && !form.dataset.offlineItem) form.dataset.offlineItem = id;
    });
    carried = {};
    show();
    var fixing = queuedForms().some(function (form) { return form.dataset.offlineItem; });
    if (!fixing) openRefused();
  });
})();
