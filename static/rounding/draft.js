// Keeps what was typed in a rounding form across a page reload, until the save succeeds.
(function () {
  "use strict";
  var PREFIX = "roundtable-draft:";

  function storageKey(form, field) {
    return PREFIX + form.dataset.draftKey + ":" + field.name;
  }

  function clearDrafts(root) {
    root.querySelectorAll("[data-draft-clear]").forEach(function (marker) {
      var prefix = PREFIX + marker.dataset.draftClear + ":";
      Object.keys(localStorage).forEach(function (key) {
        if (key.indexOf(prefix) === 0) localStorage.removeItem(key);
      });
      marker.removeAttribute("data-draft-clear");
    });
  }

  function restore(root) {
    root.querySelectorAll("form[data-draft-key] textarea").forEach(function (field) {
      var saved = localStorage.getItem(storageKey(field.form, field));
      if (saved && !field.value) field.value = saved;
    });
  }

  function setup(root) {
    try {
      clearDrafts(root);
      restore(root);
    } catch (error) {
      // Private browsing can refuse storage; the form still works.
    }
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.tagName !== "TEXTAREA" || !field.form || !field.form.dataset.draftKey) return;
    try {
      localStorage.setItem(storageKey(field.form, field), field.value);
    } catch (error) {
      /* storage full or refused */
    }
  });
  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:afterSettle", function (event) { setup(event.target); });
})();
