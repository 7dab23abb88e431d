// Progressive enhancement of a form's error summary (RGAA 11.10, WCAG 3.3.1): when the page
// comes back with errors, keyboard and screen-reader focus moves to the summary; each of its
// links then focuses its field (a plain fragment link only scrolls) with its label
// and error message in view. Without this file the summary and its links still work.
(function () {
    "use strict";
    var summary = document.querySelector(".error-summary");
    if (!summary) {
        return;
    }
    summary.focus();
    summary.querySelectorAll('a[href^="#"]').forEach(function (link) {
        link.addEventListener("click", function (event) {
            var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
            if (!field) {
                return;
            }
            event.preventDefault();
            // The field's whole block: its label (or legend), help and error message.
            (field.closest(".form-field") || field).scrollIntoView({ block: "start" });
            field.focus({ preventScroll: true });
        });
    });
})();
