// A POST refused because the page's CSRF token is out of date comes back as a 403 that names
// where its message goes (HX-Retarget, partnercenter/csrf.py). htmx swaps no 4xx by itself and
// the partner would see nothing happen; this lets that one answer in. Other refusals are as before.
document.addEventListener("htmx:beforeSwap", (event) => {
  const xhr = event.detail.xhr;
  if (xhr.status === 403 && xhr.getResponseHeader("HX-Retarget")) {
    event.detail.shouldSwap = true;
  }
});
