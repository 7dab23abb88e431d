/* Maps of the directory, drawn over the list that works without them.
 * - #directory-map: the filtered actors (or projects) from the GeoJSON export, clustered.
 * - #actor-map: one actor's seat, or a project's places.
 * Markers and clusters are reachable with Tab and open with Enter (Leaflet's keyboard
 * support); the map itself pans with the arrows and zooms with + and -. */
(function () {
    "use strict";
    if (typeof window.L === "undefined") {
        return; // Leaflet could not load: the list stays, the map stays hidden.
    }
    var L = window.L;
    L.Icon.Default.imagePath = (function () {
        var link = document.querySelector('link[href*="vendor/leaflet/leaflet"]');
        return link ? link.href.replace(/leaflet(\.[0-9a-f]+)?\.css.*$/, "images/") : undefined;
    })();

    function baseMap(element, options) {
        element.hidden = false;
        element.setAttribute("role", "region");
        element.setAttribute("aria-label", element.dataset.label || "Carte");
        var map = L.map(element, Object.assign({ scrollWheelZoom: false, keyboard: true }, options || {}));
        L.tileLayer(element.dataset.tileUrl, {
            attribution: element.dataset.attribution,
            maxZoom: 18,
        }).addTo(map);
        return map;
    }

    function text(value) {
        var span = document.createElement("span");
        span.textContent = value == null ? "" : String(value);
        return span.innerHTML;
    }

    function legend() {
        var node = document.getElementById("directory-map-legend");
        try {
            return node ? JSON.parse(node.textContent) : {};
        } catch (error) {
            return {};
        }
    }

    function actorPopup(properties, names) {
        var college = (names.colleges || {})[properties.college] || "";
        var place = properties.city || "";
        if (properties.dep && properties.dep !== "HR") {
            place += " (" + text(properties.dep) + ")";
        }
        return (
            '<p class="map-popup__title"><a href="' + encodeURI(properties.url) + '">' +
            text(properties.name) + "</a></p>" +
            (college ? '<p class="map-popup__meta">' + text(college) + "</p>" : "") +
            (place ? '<p class="map-popup__meta">' + text(place) + "</p>" : "")
        );
    }

    function projectPopup(properties) {
        var filterUrl = "?pays=" + encodeURIComponent(properties.country || "");
        return (
            '<p class="map-popup__title"><a href="' + encodeURI(properties.url) + '">' +
            text(properties.name) + "</a></p>" +
            '<p class="map-popup__meta">' + text(properties.actor) + "</p>" +
            '<p class="map-popup__meta">' + text(properties.place) + "</p>" +
            (properties.country
                ? '<p><a href="' + filterUrl + '">Filtrer sur ce pays</a></p>'
                : "")
        );
    }

    function directoryMap(element) {
        var map = baseMap(element);
        var help = document.getElementById("directory-map-help");
        if (help) {
            help.hidden = false;
            element.setAttribute("aria-describedby", help.id);
        }
        map.setView([45.2, 0.3], 6);
        var names = legend();
        var isProjects = element.dataset.kind === "projects";
        var cluster = L.markerClusterGroup
            ? L.markerClusterGroup({ showCoverageOnHover: false, chunkedLoading: true })
            : L.layerGroup();
        fetch(element.dataset.geojsonUrl, { headers: { Accept: "application/geo+json" } })
            .then(function (response) {
                if (!response.ok) {
                    throw new Error(response.status);
                }
                return response.json();
            })
            .then(function (collection) {
                var markers = collection.features.map(function (feature) {
                    var coords = feature.geometry.coordinates; // [lng, lat]
                    var props = feature.properties;
                    var marker = L.marker([coords[1], coords[0]], {
                        title: props.name,
                        alt: props.name,
                        keyboard: true,
                    });
                    marker.bindPopup(isProjects ? projectPopup(props) : actorPopup(props, names));
                    return marker;
                });
                if (cluster.addLayers) {
                    cluster.addLayers(markers);
                } else {
                    markers.forEach(function (marker) { cluster.addLayer(marker); });
                }
                map.addLayer(cluster);
                if (markers.length) {
                    var bounds = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
                    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
                }
                element.dataset.loaded = String(markers.length);
            })
            .catch(function () {
                element.hidden = true;
                if (help) {
                    help.hidden = true;
                }
            });
    }

    function smallMap(element) {
        var points = [];
        if (element.dataset.points) {
            try {
                points = JSON.parse(element.dataset.points);
            } catch (error) {
                points = [];
            }
        } else {
            points = [{ lat: parseFloat(element.dataset.lat), lng: parseFloat(element.dataset.lng), name: element.dataset.label }];
        }
        points = points.filter(function (p) { return isFinite(p.lat) && isFinite(p.lng); });
        if (!points.length) {
            return;
        }
        var map = baseMap(element);
        var markers = points.map(function (p) {
            return L.marker([p.lat, p.lng], { title: p.name, alt: p.name }).addTo(map);
        });
        if (markers.length === 1) {
            map.setView(markers[0].getLatLng(), points.length === 1 && element.dataset.lat ? 12 : 5);
        } else {
            map.fitBounds(L.latLngBounds(markers.map(function (m) { return m.getLatLng(); })), { padding: [24, 24] });
        }
    }

    var directory = document.getElementById("directory-map");
    if (directory) {
        directoryMap(directory);
    }
    var single = document.getElementById("actor-map");
    if (single) {
        smallMap(single);
    }
})();
