/* Small conveniences of the agent desk; every page works without them. */
(function () {
  "use strict";

  function bulkForm() { return document.querySelector("[data-bulk]"); }

  function syncBulk() {
    var form = bulkForm();
    if (!form) { return; }
    var action = form.querySelector("[name=action]");
    form.querySelectorAll("[data-bulk-value]").forEach(function (el) {
      el.hidden = action && el.getAttribute("data-bulk-value") !== action.value;
    });
    var picked = document.querySelectorAll("input[name=tickets]:checked").length;
    var label = form.querySelector("[data-bulk-count]");
    if (label) {
      if (!label.dataset.idle) { label.dataset.idle = label.textContent; }
      label.textContent = picked ? picked + " ✓" : label.dataset.idle;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      document.querySelectorAll("input[name=tickets]").forEach(function (box) {
        box.checked = target.checked;
      });
    }
    if (target.matches("input[name=tickets], [data-bulk] [name=action], [data-select-all]")) {
      syncBulk();
    }
  });

  document.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-pick-contact]");
    if (pick) {
      var form = pick.closest("form");
      form.querySelector("[name=contact]").value = pick.getAttribute("data-pick-contact");
      form.querySelector("[name=requester_name]").value = pick.getAttribute("data-name");
      form.querySelector("[name=requester_email]").value = pick.getAttribute("data-email");
      var note = form.querySelector("[data-picked]");
      note.textContent = "✓ " + pick.textContent;
      note.hidden = false;
      document.getElementById("contact-results").innerHTML = "";
    }
  });

  document.addEventListener("input", function (event) {
    // Typing a requester by hand forgets a contact picked before.
    if (event.target.matches("[name=requester_name], [name=requester_email]")) {
      var form = event.target.closest("form");
      var contact = form.querySelector("[name=contact]");
      if (contact && contact.value) {
        contact.value = "";
        form.querySelector("[data-picked]").hidden = true;
      }
    }
  });

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopPropagation();  // before htmx sees it
    }
  }, true);

  // Keyboard: Ctrl/Cmd+Enter sends the form being written; outside a field,
  // "r" goes to the reply, "n" to a new note, "/" to the queue filters.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && target.form) {
      event.preventDefault();
      target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target.closest("input, textarea, select, [contenteditable]")) { return; }
    var reply = document.querySelector("#reply-form textarea");
    var note = document.querySelector(".note-box");
    var filters = document.querySelector("details.filters");
    if (event.key === "r" && reply) {
      event.preventDefault();
      reply.focus();
    } else if (event.key === "n" && note) {
      event.preventDefault();
      note.open = true;
      note.querySelector("textarea").focus();
    } else if (event.key === "/" && filters) {
      event.preventDefault();
      filters.open = true;
      var first = filters.querySelector("select, input");
      if (first) { first.focus(); } else { filters.dataset.focusOnLoad = "1"; }
    }
  });

  // The filter panel arrives when first opened; "/" focuses it then.
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail.elt;
    var filters = elt.closest ? elt.closest("details.filters") : null;
    if (filters && filters.dataset.focusOnLoad) {
      delete filters.dataset.focusOnLoad;
      var first = filters.querySelector("select, input");
      if (first) { first.focus(); }
    }
  });

  document.addEventListener("DOMContentLoaded", syncBulk);
})();
