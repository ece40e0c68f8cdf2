// Behaviour every page shares, kept out of the HTML: the Content-Security-Policy allows no inline
// scripts or event handler attributes (decision 9).
(function () {
  "use strict";
  // Move keyboard and screen-reader focus to the error summary when a page shows one.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // The self-assessment answers in place (htmx). After "Show my result" (a submit, not the live
  // updates while typing), move focus where the answer is: the error summary when there is one,
  // else the result's heading, so keyboard and screen-reader users are taken to it (issue 13).
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail && event.detail.requestConfig;
    var trigger = config && config.triggeringEvent;
    if (!trigger || trigger.type !== "submit") { return; }
    var target = document.getElementById("sa-error-summary") || document.getElementById("result-heading");
    if (target) {
      target.setAttribute("tabindex", "-1");
      target.focus();
      target.scrollIntoView({block: "start"});
    }
  });
  // Buttons that print the page (the self-assessment result, the comparison).
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (target) { window.print(); }
  });
})();
