// Suggestions under the header's search box (ARIA 1.2 combobox with a listbox). Progressive
// enhancement: without this file the box is a plain GET form to /recherche/.
(function () {
    "use strict";
    var form = document.querySelector("form.site-search[data-autocomplete-url]");
    if (!form || !window.fetch) {
        return;
    }
    var input = form.querySelector('input[name="q"]');
    var url = form.getAttribute("data-autocomplete-url");
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var timer = null;
    var active = -1;
    var controller = null;

    list.id = "site-search-suggestions";
    list.className = "site-search__suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", form.getAttribute("data-suggestions-label") || "Suggestions");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.appendChild(list);
    form.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    function close() {
        list.hidden = true;
        list.textContent = "";
        active = -1;
        input.setAttribute("aria-expanded", "false");
        input.removeAttribute("aria-activedescendant");
    }

    function options() {
        return list.querySelectorAll('[role="option"]');
    }

    function highlight(index) {
        var items = options();
        if (!items.length) {
            return;
        }
        active = (index + items.length) % items.length;
        items.forEach(function (item, i) {
            item.setAttribute("aria-selected", i === active ? "true" : "false");
        });
        input.setAttribute("aria-activedescendant", items[active].id);
    }

    function render(results) {
        list.textContent = "";
        results.forEach(function (result, i) {
            var item = document.createElement("li");
            var link = document.createElement("a");
            var type = document.createElement("span");
            item.id = "site-search-suggestion-" + i;
            item.setAttribute("role", "option");
            item.setAttribute("aria-selected", "false");
            link.href = result.url;
            link.tabIndex = -1;
            link.textContent = result.title;
            type.className = "site-search__type";
            type.textContent = " – " + result.type;
            link.appendChild(type);
            item.appendChild(link);
            list.appendChild(item);
        });
        list.hidden = results.length === 0;
        input.setAttribute("aria-expanded", results.length ? "true" : "false");
        status.textContent = results.length ? results.length + " suggestion(s)" : "";
    }

    function load() {
        var query = input.value.trim();
        if (query.length < 2) {
            close();
            return;
        }
        if (controller) {
            controller.abort();
        }
        controller = window.AbortController ? new AbortController() : null;
        fetch(url + "?q=" + encodeURIComponent(query), {
            headers: { Accept: "application/json" },
            signal: controller ? controller.signal : undefined
        })
            .then(function (response) {
                return response.ok ? response.json() : { results: [] };
            })
            .then(function (data) {
                render(data.results || []);
            })
            .catch(function () {
                close();
            });
    }

    input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(load, 200);
    });
    input.addEventListener("keydown", function (event) {
        if (list.hidden) {
            return;
        }
        if (event.key === "ArrowDown") {
            event.preventDefault();
            highlight(active + 1);
        } else if (event.key === "ArrowUp") {
            event.preventDefault();
            highlight(active - 1);
        } else if (event.key === "Escape") {
            close();
        } else if (event.key === "Enter" && active >= 0) {
            event.preventDefault();
            window.location.href = options()[active].querySelector("a").href;
        }
    });
    document.addEventListener("click", function (event) {
        if (!form.contains(event.target)) {
            close();
        }
    });
})();
