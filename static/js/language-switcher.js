/*
 * The language switcher posts `next`, the page to come back to. htmx changes the address without
 * a reload (the customer search and the report's filter and pages push their URL into history),
 * so on submit `next` takes the address shown now. Without JavaScript the server-rendered value
 * is already right.
 *
 * With JavaScript the choice applies as soon as it is made with the pointer. With the keyboard,
 * arrowing through the languages changes nothing yet (a page that reloads at the first arrow
 * would be a change of context on input): Enter or leaving the list applies it. The Change
 * button stays for the browser without JavaScript.
 */
(function () {
  "use strict";

  var ARROWING = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"];
  var arrowing = null; // the select whose value the keyboard is moving, not yet applied
  var pending = null; // that select, once its value changed

  function isSwitcher(form) {
    return form instanceof HTMLFormElement && form.classList.contains("language-switcher");
  }

  function switcherSelect(target) {
    return target instanceof HTMLSelectElement && isSwitcher(target.form) ? target : null;
  }

  function apply(select) {
    pending = null;
    // requestSubmit, not submit: it fires the submit event below, so `next` is set.
    select.form.requestSubmit();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!isSwitcher(form)) return;
    var next = form.querySelector("input[name='next']");
    if (next) next.value = window.location.pathname + window.location.search;
  });

  document.addEventListener("keydown", function (event) {
    var select = switcherSelect(event.target);
    if (!select) return;
    if (ARROWING.indexOf(event.key) !== -1) {
      arrowing = select;
    } else if (event.key === "Enter" && pending === select) {
      event.preventDefault();
      apply(select);
    }
  });

  document.addEventListener("change", function (event) {
    var select = switcherSelect(event.target);
    if (!select) return;
    if (arrowing === select) {
      arrowing = null;
      pending = select;
      return;
    }
    apply(select);
  });

  document.addEventListener("focusout", function (event) {
    var select = switcherSelect(event.target);
    if (select && pending === select) apply(select);
  });
})();
