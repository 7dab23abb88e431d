// Progressive enhancements only: every page works without this file.
(function () {
    "use strict";
    // Browsers do not always move keyboard focus with the skip link: do it explicitly.
    document.querySelectorAll('a.skip-link[href^="#"]').forEach(function (link) {
        link.addEventListener("click", function () {
            var target = document.getElementById(link.getAttribute("href").slice(1));
            if (target) {
                target.focus();
            }
        });
    });
})();
