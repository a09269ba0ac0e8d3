// Keeps what was typed in a rounding form (every field: the person, name, role, themes and
// notes) across a reload or a lost connection, until the save succeeds. The key carries the
// person signed in, and sign-out forgets every draft (static/js/page.js).
(function () {
  "use strict";
  var PREFIX = "roundtable-draft:";

  function key(form) { return PREFIX + form.dataset.draftKey; }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.name !== "csrfmiddlewaretoken" && field.name !== "person_q" &&
        field.type !== "submit" && field.type !== "hidden";
    });
  }

  function save(form) {
    var data = {};
    var typed = false;
    fields(form).forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) (data[field.name] = data[field.name] || []).push(field.value);
      } else if (field.value) {
        data[field.name] = field.value;
        if (field.tagName === "TEXTAREA" || field.type === "text") typed = true;
      }
    });
    try {
      if (typed) localStorage.setItem(key(form), JSON.stringify(data));
      else localStorage.removeItem(key(form));
    } catch (error) { /* storage full or refused */ }
  }

  function forget(draftKey) {
    try { localStorage.removeItem(PREFIX + draftKey); } catch (error) { /* refused */ }
  }

  function restore(form) {
    var data;
    try { data = JSON.parse(localStorage.getItem(key(form)) || "null"); } catch (error) { data = null; }
    if (!data) return;
    var changed = false;
    fields(form).forEach(function (field) {
      var value = data[field.name];
      if (value === undefined) return;
      if (field.type === "checkbox" || field.type === "radio") {
        if (!field.checked && value.indexOf(field.value) !== -1) { field.checked = true; changed = true; }
      } else if (!field.value) {
        if (field.tagName === "SELECT" && !field.querySelector('option[value="' + CSS.escape(value) + '"]')) return;
        field.value = value;
        changed = true;
      }
    });
    if (changed && !form.querySelector(".draft-note")) {
      var note = document.createElement("p");
      note.className = "draft-note message";
      note.setAttribute("role", "status");
      var words = document.getElementById("offline-queue");
      note.textContent = (words && words.getAttribute("data-text-draft-restored")) || "";
      form.insertBefore(note, form.firstElementChild.nextSibling);
    }
  }

  function setup(root) {
    root.querySelectorAll("[data-draft-clear]").forEach(function (marker) {
      forget(marker.dataset.draftClear);
      marker.removeAttribute("data-draft-clear");
    });
    root.querySelectorAll("form[data-draft-key]").forEach(restore);
  }

  function changed(event) {
    var form = event.target.form;
    if (form && form.dataset.draftKey) save(form);
  }
  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  document.addEventListener("roundtable:draft-clear", function (event) { forget(event.detail); });
  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:afterSettle", function (event) { setup(event.target); });
})();
