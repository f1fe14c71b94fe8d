/*
 * The language switcher posts `next`, the page to come back to. htmx changes the address without
 * a reload (the customer search and the report's filter and pages push their URL into history),
 * so on submit `next` takes the address shown now. Without JavaScript the server-rendered value
 * is already right.
 */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("language-switcher")) return;
    var next = form.querySelector("input[name='next']");
    if (next) next.value = window.location.pathname + window.location.search;
  });
})();
