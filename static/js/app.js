// Marks the page as scripted, so CSS can hide the controls that only the no-JavaScript page
// needs (e.g. the "Preview billing" button that htmx makes redundant).
document.documentElement.classList.add("js");
