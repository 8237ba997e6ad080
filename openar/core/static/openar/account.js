// The account page: ticking open items selects them for the promise form (their open amounts
// fill its amount) and counts them in the items card's head.
(function () {
  "use strict";
  function picks() { return Array.prototype.slice.call(document.querySelectorAll(".item-pick")); }

  function update() {
    var chosen = picks().filter(function (box) { return box.checked; });
    var total = 0;
    chosen.forEach(function (box) {
      total += parseFloat(box.dataset.amount) || 0;
      box.closest("tr").classList.add("is-picked");
    });
    picks().forEach(function (box) { if (!box.checked) box.closest("tr").classList.remove("is-picked"); });
    var label = document.getElementById("items-picked");
    if (label) {
      label.hidden = chosen.length === 0;
      label.textContent = (label.dataset.template || "%n selected · %t")
        .replace("%n", chosen.length).replace("%t", total.toFixed(2));
    }
    var amount = document.querySelector("#promise-form [name=amount]");
    if (amount && chosen.length) amount.value = total.toFixed(2);
  }

  document.addEventListener("change", function (event) {
    if (event.target.id === "items-pick-all") {
      picks().forEach(function (box) { box.checked = event.target.checked; });
      update();
    } else if (event.target.classList && event.target.classList.contains("item-pick")) {
      update();
    }
  });
  // The promise form is re-rendered by htmx after a save: the ticks no longer apply.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "activity") {
      picks().forEach(function (box) { box.checked = false; });
      update();
    }
  });
})();
