/* The widgets' snippet generator: as the form changes, shows only the filters of the chosen
 * widget, rebuilds the <iframe> code (as opendata/widgets_forms.py `snippet` does) and the
 * preview, and copies the code. Without this script the form's button gives the same code. */
(function () {
    "use strict";
    var FILTERS = {
        acteur: [],
        carte: ["odd", "theme", "college", "departement"],
        agenda: ["type", "theme", "departement"],
        appels: [],
    };
    var ACTOR_KEY = /^[0-9A-Za-z_-]{1,255}$/;

    function attr(value) {
        return String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    }

    // The frames' titles, from the page (opendata/widgets_forms.py `frame_titles`).
    function titles(root) {
        var script = document.getElementById(root.dataset.titles);
        try {
            return script ? JSON.parse(script.textContent) : {};
        } catch (error) {
            return {};
        }
    }

    function value(form, name) {
        var field = form.elements[name];
        return field ? String(field.value || "").trim() : "";
    }

    function build(root, form) {
        var kind = value(form, "widget") || "agenda";
        var path = "/widgets/" + kind + "/";
        if (kind === "acteur") {
            var actor = value(form, "actor").replace(/^\/+|\/+$/g, "").split("/").pop();
            if (!ACTOR_KEY.test(actor)) {
                return null;
            }
            path = "/widgets/acteur/" + actor + "/";
        }
        var query = FILTERS[kind]
            .filter(function (name) { return value(form, name); })
            .map(function (name) { return encodeURIComponent(name) + "=" + encodeURIComponent(value(form, name)); })
            .join("&");
        var height = parseInt(value(form, "height"), 10);
        if (!(height >= 200 && height <= 2000)) {
            height = 480;
        }
        var url = root.dataset.baseUrl.replace(/\/+$/, "") + path + (query ? "?" + query : "");
        var title = titles(root)[kind] || "";
        return {
            url: url,
            title: title,
            height: height,
            code: '<iframe src="' + attr(url) + '" title="' + attr(title) + '" width="400" height="' + height +
                '" loading="lazy" style="border:0;width:100%;max-width:100%"></iframe>',
        };
    }

    function setUp(root) {
        var form = root.querySelector("form");
        var code = root.querySelector("[data-generator-code]");
        var preview = root.querySelector("[data-generator-preview]");
        var status = root.querySelector("[data-generator-status]");
        var copy = root.querySelector("[data-generator-copy]");
        var submit = root.querySelector("[data-generator-submit]");
        var timer = null;

        function update() {
            var kind = value(form, "widget");
            root.querySelectorAll("[data-field-widgets]").forEach(function (field) {
                field.hidden = field.dataset.fieldWidgets.split(" ").indexOf(kind) === -1;
            });
            var snippet = build(root, form);
            if (!snippet) {
                code.value = "";
                status.textContent = "Indiquez l'acteur pour obtenir le code de son widget.";
                return;
            }
            code.value = snippet.code;
            status.textContent = "";
            // The preview follows once typing pauses.
            clearTimeout(timer);
            timer = setTimeout(function () {
                if (preview.getAttribute("src") !== snippet.url) {
                    preview.setAttribute("src", snippet.url);
                }
                preview.setAttribute("title", "Aperçu : " + snippet.title);
                preview.setAttribute("height", String(snippet.height));
            }, 400);
        }

        form.addEventListener("input", update);
        form.addEventListener("change", update);
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            update();
        });
        if (submit) {
            submit.hidden = true;
        }
        copy.hidden = false;
        copy.addEventListener("click", function () {
            if (!code.value) {
                return;
            }
            var done = function () { status.textContent = "Code copié."; };
            if (navigator.clipboard && navigator.clipboard.writeText) {
                navigator.clipboard.writeText(code.value).then(done, function () {
                    code.select();
                    status.textContent = "Code sélectionné : copiez-le avec Ctrl+C.";
                });
            } else {
                code.select();
                status.textContent = "Code sélectionné : copiez-le avec Ctrl+C.";
            }
        });
        update();
    }

    document.querySelectorAll("[data-widget-generator]").forEach(setUp);
})();
