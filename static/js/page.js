// Shared behaviour of every page: a busy state on the button while a form saves, and focus
// taken to what a save produced (its result, or the first field to fix).
(function () {
  "use strict";

  function submitButtons(form) {
    return Array.prototype.slice.call(form.querySelectorAll("button[type=submit], button:not([type])"));
  }

  function setBusy(form, busy) {
    submitButtons(form).forEach(function (button) {
      if (busy) {
        button.setAttribute("aria-busy", "true");
        button.classList.add("is-busy");
        button.disabled = true;
      } else {
        button.removeAttribute("aria-busy");
        button.classList.remove("is-busy");
        button.disabled = false;
      }
    });
  }

  function firstProblem(root) {
    return root.querySelector(
      ".has-error input:not([type=hidden]), .has-error select, .has-error textarea, [aria-invalid=true]"
    );
  }

  // After a page or a fragment arrives: the first field to fix, else the save's result.
  function focusOutcome(root) {
    var result = root.querySelector("[data-save-result]");
    var problem = firstProblem(root);
    var target = null;
    if (problem) target = problem;
    else if (result && result.dataset.saveResult === "saved") target = result;
    else if (!result && root === document) target = document.querySelector("main .form-errors");
    if (!target) return;
    if (!target.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return;
    // After the browser has taken the form's data, so the pressed button still counts.
    window.setTimeout(function () { setBusy(form, true); }, 0);
  });
  // Coming back with the back button: the page is restored as it was left.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form").forEach(function (form) { setBusy(form, false); });
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.tagName === "FORM") setBusy(elt, true);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.tagName === "FORM" && document.contains(elt)) setBusy(elt, false);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt;
    if (root && root.querySelector && root.querySelector("[data-save-result]")) focusOutcome(root);
  });
  document.addEventListener("DOMContentLoaded", function () { focusOutcome(document); });
})();

// On a desk the menu stays open and its toggle is hidden (CSS); on a phone it is one tap away.
(function () {
  "use strict";
  function setUp() {
    var nav = document.querySelector(".site-header nav");
    var menu = document.querySelector("details[data-open-on-desk]");
    if (!nav || !menu || !window.matchMedia) return;
    var desk = window.matchMedia("(min-width: 48rem)");
    function apply() {
      nav.classList.toggle("desk-menu", desk.matches);
      if (desk.matches) menu.open = true;
    }
    apply();
    desk.addEventListener("change", apply);
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();

// Signing out forgets this person's drafts, the visit pages kept for offline use and the pages
// htmx keeps for the back button: the next person on this phone sees none of it. The signed-out
// page that follows forgets them again, in case the sign-out left before the cache was emptied.
// Saves not sent yet stay, under their author's key (rounding/offline.js).
function forgetKeptPages() {
  "use strict";
  try {
    Object.keys(localStorage).forEach(function (key) {
      if (key.indexOf("roundtable-draft:") === 0 || key === "htmx-history-cache") localStorage.removeItem(key);
    });
  } catch (error) { /* storage refused */ }
  if (window.caches) window.caches.delete("roundtable-pages").catch(function () { /* nothing kept */ });
}

document.addEventListener("submit", function (event) {
  "use strict";
  if (event.target.matches("form.signout")) forgetKeptPages();
});

// A page with nobody signed in (the session ended on the server, or another phone signed
// out): nothing kept from the last person may open offline for the next one.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  if (!document.body.hasAttribute("data-person")) forgetKeptPages();
});

// A search typed before htmx took the field (a slow phone, or a page still loading) still
// runs: htmx hears only the keys pressed after it started listening, and takes what was typed
// for the field's first value. A field that differs from what the page was sent with was typed
// into: a search field of its own is searched (each has the "search" trigger), a filter form
// is submitted (each has the "submit" trigger, and without htmx it is a plain GET).
document.addEventListener("htmx:load", function (event) {
  "use strict";
  var root = event.detail.elt;
  if (!root || !root.querySelectorAll || !window.htmx) return;
  var selector = "input[type=search], input[type=text]";
  var fields = Array.prototype.slice.call(root.querySelectorAll(selector));
  if (root.matches && root.matches(selector)) fields.push(root);
  fields.forEach(function (field) {
    if (field.value === field.defaultValue) return;
    if (field.hasAttribute("hx-get")) {
      window.htmx.trigger(field, "search");
    } else if (field.form && field.form.hasAttribute("hx-get")) {
      field.form.requestSubmit();
    }
  });
});

// A field's maxlength stops typing at the limit, but the browser also cuts text pasted or
// dropped into it to fit, without a word. Such text goes in whole instead: the server
// refuses it with "At most N characters; this has M." and the form keeps it to shorten.
(function () {
  "use strict";
  function insertWhole(event, text) {
    var field = event.target;
    if (!field || !/^(TEXTAREA|INPUT)$/.test(field.tagName) || !(field.maxLength >= 0)) return;
    if (!text || field.readOnly || field.disabled) return;
    var start, end;
    try { start = field.selectionStart; end = field.selectionEnd; } catch (error) { return; }
    if (start === null || end === null) return;
    if (field.tagName === "INPUT") text = text.replace(/[\r\n]+/g, " ");
    else text = text.replace(/\r\n?/g, "\n");
    if (field.value.length - (end - start) + text.length <= field.maxLength) return;
    event.preventDefault();
    field.setRangeText(text, start, end, "end");
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }
  document.addEventListener("paste", function (event) {
    insertWhole(event, event.clipboardData && event.clipboardData.getData("text/plain"));
  });
  document.addEventListener("drop", function (event) {
    var field = event.target;
    if (!field || !/^(TEXTAREA|INPUT)$/.test(field.tagName)) return;
    // Too long to fit, it goes in at the caret (where it was dropped is not known to a script).
    field.focus();
    insertWhole(event, event.dataTransfer && event.dataTransfer.getData("text/plain"));
  });
})();
