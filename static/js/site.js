// Behaviour every page shares, kept out of the HTML: the Content-Security-Policy allows no inline
// scripts or event handler attributes (decision 9).
(function () {
  "use strict";
  // Move keyboard and screen-reader focus to the error summary when a page shows one.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Buttons that print the page (the self-assessment result, the comparison).
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) { window.print(); }
  });
})();
