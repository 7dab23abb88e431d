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

    // Filters of the listings below 60rem: results first, the filters collapsed behind a
    // « Filtrer (n) » button that counts the active ones. Without JavaScript they follow the
    // results, open.
    var narrow = window.matchMedia("(max-width: 59.99rem)");
    document.querySelectorAll(".directory__filters").forEach(function (aside, index) {
        var form = aside.querySelector("form");
        var title = form && form.querySelector(".directory-filters__title");
        if (!title) {
            return;
        }
        form.id = form.id || "filtres-" + (index + 1);
        var active = form.querySelectorAll(
            'input[type="checkbox"]:checked, input[type="radio"]:checked:not([value=""])'
        ).length;
        form.querySelectorAll('input[type="text"], input[type="search"], input[type="month"], select').forEach(function (field) {
            if (field.value) {
                active += 1;
            }
        });
        var toggle = document.createElement("button");
        toggle.type = "button";
        toggle.className = "button button--secondary filters-toggle";
        toggle.setAttribute("aria-controls", form.id);
        toggle.textContent = title.textContent.trim() + " (" + active + ")";
        aside.insertBefore(toggle, aside.firstChild);
        aside.parentNode.classList.add("directory__layout--collapsible");
        function apply() {
            toggle.hidden = !narrow.matches;
            setFiltersOpen(!narrow.matches);
        }
        function setFiltersOpen(open) {
            toggle.setAttribute("aria-expanded", open ? "true" : "false");
            form.hidden = !open;
        }
        toggle.addEventListener("click", function () {
            setFiltersOpen(form.hidden);
        });
        narrow.addEventListener("change", apply);
        apply();
    });

    // Facet lists marked data-filterable (the countries): a text box that narrows the list as one types,
    // accents and case ignored; ticked options stay shown; a polite live region says how
    // many remain. Without JavaScript the whole list is there.
    function fold(text) {
        return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
    }
    document.querySelectorAll("fieldset[data-filterable]").forEach(function (fieldset, index) {
        var legend = fieldset.querySelector("legend");
        var items = Array.prototype.slice.call(fieldset.querySelectorAll("li"));
        var box = document.createElement("div");
        box.className = "facet-filter";
        var input = document.createElement("input");
        input.type = "search";
        input.id = "facet-filter-" + (index + 1);
        input.autocomplete = "off";
        var label = document.createElement("label");
        label.htmlFor = input.id;
        label.textContent = fieldset.getAttribute("data-filterable");
        var status = document.createElement("p");
        status.className = "visually-hidden";
        status.setAttribute("aria-live", "polite");
        box.appendChild(label);
        box.appendChild(input);
        box.appendChild(status);
        fieldset.insertBefore(box, legend ? legend.nextSibling : fieldset.firstChild);
        fieldset.classList.add("is-filterable");
        function apply() {
            var needle = fold(input.value);
            var shown = 0;
            items.forEach(function (item) {
                var ticked = item.querySelector("input:checked");
                var match = !needle || fold(item.textContent).indexOf(needle) !== -1;
                item.hidden = !(match || ticked);
                if (!item.hidden) {
                    shown += 1;
                }
            });
            status.textContent = needle
                ? shown + (shown > 1 ? " choix affichés sur " : " choix affiché sur ") + items.length
                : "";
        }
        input.addEventListener("input", apply);
        input.addEventListener("keydown", function (event) {
            if (event.key === "Enter") {
                event.preventDefault(); // narrowing the list never submits the filters
            } else if (event.key === "Escape" && input.value) {
                event.preventDefault();
                input.value = "";
                apply();
            }
        });
    });

    // The menu's second level: each section with sub-pages gets a disclosure button
    // (aria-expanded); Escape closes it and gives the focus back; a click elsewhere closes it.
    var nav = document.querySelector(".site-nav");
    var toggles = nav ? nav.querySelectorAll(".site-nav__toggle") : [];
    function closeSubmenu(toggle) {
        toggle.setAttribute("aria-expanded", "false");
        toggle.parentNode.classList.remove("is-open");
    }
    toggles.forEach(function (toggle) {
        var item = toggle.parentNode;
        toggle.hidden = false;
        toggle.addEventListener("click", function () {
            var open = toggle.getAttribute("aria-expanded") !== "true";
            toggles.forEach(closeSubmenu);
            toggle.setAttribute("aria-expanded", open ? "true" : "false");
            item.classList.toggle("is-open", open);
        });
        item.addEventListener("keydown", function (event) {
            if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
                event.stopPropagation();
                closeSubmenu(toggle);
                toggle.focus();
            }
        });
    });
    if (toggles.length) {
        nav.classList.add("site-nav--enhanced");
        document.addEventListener("click", function (event) {
            toggles.forEach(function (toggle) {
                if (!toggle.parentNode.contains(event.target)) {
                    closeSubmenu(toggle);
                }
            });
        });
    }

    // The header menu below 64rem. Without JavaScript, « Menu » is a link to the same menu in
    // the footer; here it becomes a disclosure button that shows the header's panel.
    var link = document.querySelector("a[data-menu-toggle]");
    var panel = link && document.getElementById(link.getAttribute("data-menu-toggle"));
    if (!panel) {
        return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", panel.id);
    while (link.firstChild) {
        button.appendChild(link.firstChild);
    }
    link.replaceWith(button);

    function setOpen(open) {
        button.setAttribute("aria-expanded", open ? "true" : "false");
        panel.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () {
        setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
        if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") {
            return;
        }
        if (panel.contains(document.activeElement) || document.activeElement === button) {
            setOpen(false);
            button.focus();
        }
    });
})();
