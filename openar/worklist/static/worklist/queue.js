// My queue: j/k move the selection, Enter opens the customer, l opens the "log call" form,
// c the "close the task" form, Escape closes them. The selection survives the htmx swap that re-ranks the queue.
(function () {
  "use strict";
  var selected = 0;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue tr.queue-row"));
  }

  function select(index, scroll) {
    var all = rows();
    if (!all.length) return;
    selected = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) {
      row.classList.toggle("selected", i === selected);
      row.setAttribute("aria-selected", i === selected ? "true" : "false");
    });
    if (scroll !== false) all[selected].scrollIntoView({ block: "nearest" });
  }

  function closeForms() {
    document.querySelectorAll("#queue tr.log-row").forEach(function (r) { r.hidden = true; });
  }

  function openForm(row, prefix) {
    var form = row ? document.getElementById((prefix || "log-") + row.dataset.item) : null;
    if (!form) return;
    closeForms();
    form.hidden = false;
    var outcome = form.querySelector("select");
    if (outcome) outcome.focus();
  }

  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "SELECT" ||
      target.tagName === "TEXTAREA" || target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (!document.getElementById("queue")) return;
    if (event.key === "Escape") { closeForms(); select(selected, false); document.activeElement.blur(); return; }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    var all = rows();
    if (event.key === "j") { select(selected + 1); event.preventDefault(); }
    else if (event.key === "k") { select(selected - 1); event.preventDefault(); }
    else if (event.key === "Enter" && all[selected]) { window.location.href = all[selected].dataset.href; }
    else if (event.key === "l" && all[selected]) { openForm(all[selected]); event.preventDefault(); }
    else if (event.key === "c" && all[selected]) { openForm(all[selected], "close-"); event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".log-toggle, .close-toggle");
    if (toggle) {
      var row = toggle.closest("tr.queue-row");
      select(rows().indexOf(row), false);
      openForm(row, toggle.classList.contains("close-toggle") ? "close-" : "log-");
      return;
    }
    if (event.target.closest(".log-cancel")) { closeForms(); return; }
    var clicked = event.target.closest("#queue tr.queue-row");
    if (clicked && !event.target.closest("a, button")) select(rows().indexOf(clicked), false);
  });

  // "Promise taken" asks what was promised.
  document.addEventListener("change", function (event) {
    if (!event.target.classList || !event.target.classList.contains("log-outcome")) return;
    var fields = event.target.closest("form").querySelector(".promise-fields");
    if (fields) fields.hidden = event.target.value !== "promise_taken";
  });

  document.addEventListener("DOMContentLoaded", function () { select(0, false); });
  document.addEventListener("htmx:afterSettle", function () { select(selected, false); });
})();
