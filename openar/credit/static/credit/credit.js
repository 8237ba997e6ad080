// Recommendations page: select rows, then approve or reject them together after a confirmation.
// The checkboxes live in the results table (replaced by htmx when the filters change) and belong
// to #bulk-form through their form attribute, so the handlers are delegated from the document.
(function () {
  "use strict";
  function boxes() { return Array.from(document.querySelectorAll("input.rec-select")); }
  function refresh() {
    const form = document.getElementById("bulk-form");
    if (!form) return;
    const chosen = boxes().filter(function (b) { return b.checked; }).length;
    const count = document.getElementById("selected-count");
    count.textContent = count.dataset.template.replace("__N__", chosen);
    form.querySelectorAll("[data-decision]").forEach(function (b) { b.disabled = chosen === 0; });
    const all = document.getElementById("select-all");
    const total = boxes().length;
    all.checked = total > 0 && chosen === total;
    all.indeterminate = chosen > 0 && chosen < total;
    return chosen;
  }
  document.addEventListener("change", function (event) {
    const target = event.target;
    if (target.id === "select-all") {
      boxes().forEach(function (b) { b.checked = target.checked; });
    }
    if (target.id === "select-all" || target.classList.contains("rec-select")) refresh();
  });
  document.addEventListener("click", function (event) {
    const button = event.target.closest("#bulk-form [data-decision]");
    const dialog = document.getElementById("bulk-confirm");
    if (button) {
      document.getElementById("bulk-decision").value = button.dataset.decision;
      document.getElementById("bulk-confirm-text").textContent = button.dataset.question;
      document.getElementById("bulk-confirm-count").textContent =
        document.getElementById("selected-count").textContent;
      document.getElementById("bulk-confirm-yes").textContent = button.textContent;
      dialog.showModal();
    } else if (event.target.id === "bulk-cancel") {
      dialog.close();
    }
  });
  document.addEventListener("htmx:afterSwap", refresh);
  document.addEventListener("DOMContentLoaded", refresh);
})();
