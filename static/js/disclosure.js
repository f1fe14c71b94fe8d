/*
 * Disclosure popovers (WAI-ARIA disclosure pattern) for the subscription list: the info icon
 * holding "Upgrade now", and the quieter "Why can't this be upgraded?" control.
 *
 * Markup: [data-disclosure] > button[data-disclosure-button][aria-controls] + [data-disclosure-panel].
 * Without this script, CSS shows the panel on :hover / :focus-within; once enhanced
 * ([data-enhanced]), this script alone decides and keeps aria-expanded true to what is shown.
 *
 * The trigger may be a link instead (a[href][data-disclosure-button], no aria-controls): the
 * page of the same content, for a visitor without JavaScript. Enhanced, it becomes the button
 * (role, aria-expanded, aria-controls naming its panel); a click with Ctrl, Shift or Cmd still
 * opens the page. Every opening fires "disclosure-open" on the panel: a panel whose content is
 * fetched on demand says hx-get with hx-trigger="disclosure-open once". When that request fails
 * the panel says so, in the words of the closest [data-disclosure-gone] (a 404: the object left
 * the partner's reach) or [data-disclosure-failed] (anything else); an ended session is
 * answered with HX-Redirect, which htmx follows (partnercenter/signed_out.py).
 *
 * Hover or keyboard focus opens the panel for a glance; a click (or Enter / Space) pins it open,
 * and a second click closes it. Enter on a focus-opened panel must not close it, or keyboard
 * users could never reach the link. Leaving with the pointer closes after a short delay so the
 * pointer can travel from the icon to the link; Escape closes and returns focus to the button.
 */
(function () {
  "use strict";

  var CLOSE_DELAY_MS = 300;
  var current = null; // the one open disclosure: opening another closes it

  function Disclosure(root) {
    this.root = root;
    this.button = root.querySelector("[data-disclosure-button]");
    var controls = this.button.getAttribute("aria-controls");
    this.panel = controls ? document.getElementById(controls) : root.querySelector("[data-disclosure-panel]");
    if (!controls) this.button.setAttribute("aria-controls", this.panel.id);
    var isLink = this.button.tagName === "A";
    if (isLink) this.button.setAttribute("role", "button");
    this.pinned = false;
    this.timer = null;
    this.ignoreFocus = false;
    root.setAttribute("data-enhanced", "");
    this.sync(false);

    var self = this;
    this.button.addEventListener("mouseenter", function () { self.open(); });
    this.button.addEventListener("focus", function () {
      if (!self.ignoreFocus) self.open();
    });
    this.button.addEventListener("click", function (event) {
      if (isLink) {
        // A modified click opens the link's page, in a new tab or window, as any link's does.
        if (event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
      }
      if (self.pinned) {
        self.close();
      } else {
        self.open();
        self.pinned = true;
      }
    });
    root.addEventListener("mouseenter", function () { self.cancelClose(); });
    root.addEventListener("mouseleave", function () {
      if (!self.pinned && !root.contains(document.activeElement)) self.closeSoon();
    });
    root.addEventListener("focusout", function (event) {
      if (!root.contains(event.relatedTarget)) self.close();
    });
    if (isLink) {
      // A button answers Space as well as Enter; a link only Enter (which clicks it).
      this.button.addEventListener("keydown", function (event) {
        if (event.key === " ") {
          event.preventDefault();
          self.button.click();
        }
      });
    }
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && self.isOpen()) {
        event.preventDefault();
        event.stopPropagation();
        self.close();
        self.ignoreFocus = true;
        self.button.focus();
        self.ignoreFocus = false;
      }
    });
  }

  Disclosure.prototype.isOpen = function () {
    return this.button.getAttribute("aria-expanded") === "true";
  };
  Disclosure.prototype.sync = function (open) {
    this.button.setAttribute("aria-expanded", open ? "true" : "false");
    this.root.classList.toggle("is-open", open);
  };
  Disclosure.prototype.open = function () {
    this.cancelClose();
    if (current && current !== this) current.close();
    current = this;
    this.sync(true);
    this.panel.dispatchEvent(new CustomEvent("disclosure-open"));
  };
  Disclosure.prototype.close = function () {
    this.cancelClose();
    this.pinned = false;
    this.sync(false);
    if (current === this) current = null;
  };
  Disclosure.prototype.closeSoon = function () {
    var self = this;
    this.cancelClose();
    this.timer = window.setTimeout(function () { self.close(); }, CLOSE_DELAY_MS);
  };
  Disclosure.prototype.cancelClose = function () {
    if (this.timer !== null) {
      window.clearTimeout(this.timer);
      this.timer = null;
    }
  };

  function enhance(container) {
    var roots = container.querySelectorAll("[data-disclosure]:not([data-enhanced])");
    for (var i = 0; i < roots.length; i++) new Disclosure(roots[i]);
  }

  // Escape anywhere dismisses a panel opened by hover (WCAG 1.4.13), without moving focus.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && current) current.close();
  });
  // A click outside closes a pinned panel (some browsers do not focus buttons on click).
  document.addEventListener("click", function (event) {
    if (current && !current.root.contains(event.target)) current.close();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
  // A panel whose content could not be fetched says so, instead of "Loading…" for ever.
  function sayFailed(event) {
    var panel = event.detail.elt;
    if (!panel.hasAttribute("data-disclosure-panel")) return;
    var gone = event.detail.xhr && event.detail.xhr.status === 404;
    var source = panel.closest(gone ? "[data-disclosure-gone]" : "[data-disclosure-failed]");
    var text = document.createElement("span");
    text.className = "popover__text";
    text.textContent = source ? source.getAttribute(gone ? "data-disclosure-gone" : "data-disclosure-failed") : "";
    panel.replaceChildren(text);
  }
  document.addEventListener("htmx:responseError", sayFailed);
  document.addEventListener("htmx:sendError", sayFailed);

  // Content that htmx swaps in later gets the same behaviour.
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
