// The queue's page links are swapped by htmx: the link that was pressed is replaced with the new
// results, so focus would fall back to the top of the document. Move it to the results heading
// instead, so keyboard and screen-reader users continue from the new page's first row.
// (Filter changes keep focus on the control being used; only paging moves it.)
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var target = detail.target;
    var trigger = detail.requestConfig && detail.requestConfig.elt;
    if (!target || target.id !== "queue-results" || !trigger || !trigger.closest) {
      return;
    }
    if (!trigger.closest("[data-queue-pages]")) {
      return;
    }
    var heading = document.getElementById("results-heading");
    if (heading) {
      heading.focus();
    }
  });
})();
