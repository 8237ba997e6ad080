/* Cash review workbench: keyboard shortcuts and the running total of a split.
   j/k next/previous line · 1-3 apply suggestion N · s first split amount · a assign payer ·
   o on account · u unidentified · m match · ? help · Esc leaves a field or closes the help. */
(function () {
  "use strict";

  function decimals(text) {
    var parts = String(text).split(".");
    return parts.length > 1 ? parts[1].length : 0;
  }

  // Amounts are typed with a point or a comma as decimal mark; group separators are dropped.
  function parseAmount(text) {
    var raw = String(text || "").replace(/[\s\u00a0']/g, "");
    if (!raw) return 0;
    var comma = raw.lastIndexOf(","), point = raw.lastIndexOf(".");
    // the last of the two marks is the decimal one: 1.234,56 and 1,234.56 both read 1234.56
    if (comma > point) raw = raw.replace(/\./g, "").replace(",", ".");
    else raw = raw.replace(/,/g, "");
    var value = Number(raw);
    return isNaN(value) ? NaN : value;
  }

  function setupSplit(form) {
    var total = Number(form.dataset.amount);
    var places = form.dataset.places !== undefined ? Number(form.dataset.places) : decimals(form.dataset.amount);
    var scale = Math.pow(10, places);
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input.alloc"));
    var allocated = document.getElementById("allocated");
    var remaining = document.getElementById("remaining");
    var hint = document.getElementById("split-hint");
    var submit = document.getElementById("apply-split");

    var lang = document.documentElement.lang || undefined;
    var display = new Intl.NumberFormat(lang, { minimumFractionDigits: places, maximumFractionDigits: places });
    var leftCents = 0;
    function cents(value) { return Math.round(value * scale); }
    function plain(value) { return (value / scale).toFixed(places); }  // for inputs
    function show(value) { return display.format(value / scale); }  // for reading

    function recompute() {
      var sum = 0, bad = false, filled = 0;
      inputs.forEach(function (input) {
        var value = parseAmount(input.value);
        var open = cents(Number(input.dataset.open));
        input.classList.remove("invalid");
        if (isNaN(value)) { bad = true; input.classList.add("invalid"); return; }
        if (value) filled += 1;
        if (cents(value) > open && open > 0) input.classList.add("invalid");
        sum += cents(value);
      });
      var left = cents(total) - sum;
      leftCents = left;
      allocated.textContent = show(sum);
      remaining.textContent = show(left);
      remaining.classList.toggle("neg", left < 0);
      remaining.classList.toggle("done", left === 0 && filled > 0);
      if (bad) hint.textContent = hint.dataset.bad || "Check the amounts";
      else if (left < 0) hint.textContent = hint.dataset.over || "More than the payment";
      else if (left > 0 && filled) hint.textContent = (hint.dataset.left || "Left on account:") + " " + show(left);
      else hint.textContent = "";
      submit.disabled = bad || left < 0 || filled === 0;
    }

    inputs.forEach(function (input) {
      input.addEventListener("input", recompute);
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); if (!submit.disabled) form.requestSubmit(submit); }
      });
    });
    form.querySelectorAll("button.fill").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = button.parentNode.querySelector("input.alloc");
        input.value = "";
        recompute();
        var open = cents(Number(button.dataset.open));
        var value = Math.max(0, Math.min(leftCents, open));
        input.value = value ? plain(value) : "";
        recompute();
        input.focus();
      });
    });
    recompute();
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function submitForm(id) {
    var form = document.getElementById(id);
    if (!form) return false;
    var button = form.querySelector("button[type=submit]");
    if (button && button.disabled) return false;
    form.requestSubmit(button || undefined);
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var bench = document.getElementById("workbench");
    if (!bench) return;
    var split = document.getElementById("split-form");
    if (split) setupSplit(split);
    var help = document.getElementById("kbd-help");
    var toggle = document.getElementById("help-toggle");
    function flipHelp() { help.hidden = !help.hidden; }
    if (toggle) toggle.addEventListener("click", flipHelp);
    if (help) help.addEventListener("click", function (event) { if (event.target === help) flipHelp(); });

    var selected = document.querySelector("#queue-lines li.selected");
    if (selected) selected.scrollIntoView({ block: "nearest" });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "Escape") {
        if (help && !help.hidden) { help.hidden = true; return; }
        if (typing(event.target)) event.target.blur();
        return;
      }
      if (typing(event.target)) return;
      var handled = true;
      switch (event.key) {
        case "j": if (bench.dataset.nextUrl) window.location.href = bench.dataset.nextUrl; break;
        case "k": if (bench.dataset.prevUrl) window.location.href = bench.dataset.prevUrl; break;
        case "1": case "2": case "3": handled = submitForm("apply-proposal-" + event.key); break;
        case "a": var box = document.getElementById("assign-customer"); if (box) box.focus(); else handled = false; break;
        case "s": var first = document.querySelector("#split-form input.alloc"); if (first) { first.focus(); first.select(); } else handled = false; break;
        case "o": handled = submitForm("on-account-form"); break;
        case "u": handled = submitForm("unidentified-form"); break;
        case "m": handled = submitForm("match-form"); break;
        case "?": flipHelp(); break;
        default: handled = false;
      }
      if (handled) event.preventDefault();
    });
  });
})();
