/* Maps of the directory, drawn over the list that works without them.
 * - #directory-map: the filtered actors from the map's light feed (popups fetched when they
 *   open), or the filtered projects from their GeoJSON export, clustered.
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

    /* An actor's popup, bound on its marker's first click (thousands of markers, few
     * opened): its logo, name, place, SDGs and link, fetched from the server as an HTML
     * fragment the server escaped; the name alone if that fails. */
    function openActorPopup(marker, popupUrl) {
        if (marker.getPopup() || marker.options.fetching) {
            return; // bound already (Leaflet opens it), or on its way
        }
        var fallback = '<p class="map-popup__title">' + text(marker.options.title) + "</p>";
        function show(html) {
            marker.options.fetching = false;
            marker.bindPopup(html).openPopup();
        }
        if (!popupUrl) {
            show(fallback);
            return;
        }
        marker.options.fetching = true;
        fetch(popupUrl.replace("{id}", encodeURIComponent(marker.options.actorId)), { headers: { Accept: "text/html" } })
            .then(function (response) {
                if (!response.ok) {
                    throw new Error(response.status);
                }
                return response.text();
            })
            .then(show)
            .catch(function () {
                show(fallback);
            });
    }

    /* The light feed (`actors.map.json`): one array per field, the same index per actor. */
    function actorMarkers(feed) {
        var markers = new Array(feed.count);
        for (var i = 0; i < feed.count; i++) {
            markers[i] = L.marker([feed.lat[i], feed.lng[i]], {
                title: feed.name[i],
                alt: feed.name[i],
                keyboard: true,
                actorId: feed.id[i],
            });
        }
        return markers;
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

    // France and its neighbours fill a 1280-pixel-wide map at zoom 5.
    var ACTORS_MIN_ZOOM = 5;

    function directoryMap(element) {
        var map = baseMap(element);
        var help = document.getElementById("directory-map-help");
        if (help) {
            help.hidden = false;
            element.setAttribute("aria-describedby", help.id);
        }
        var isProjects = element.dataset.kind === "projects";
        if (!isProjects) {
            /* The clusters are computed for every zoom level from the map's smallest to its
             * largest, for each marker: the actors are in France, and the levels that show
             * the whole world would cost a quarter of that work for nothing. */
            map.setMinZoom(ACTORS_MIN_ZOOM);
        }
        map.setView([45.2, 0.3], 6);
        var cluster = L.markerClusterGroup
            ? L.markerClusterGroup({
                showCoverageOnHover: false,
                // Chunks keep the page responsive; no pause between them (the first
                // clusters are drawn once every marker is placed).
                chunkedLoading: true,
                chunkDelay: 0,
            })
            : L.featureGroup();
        if (!isProjects) {
            cluster.on("click", function (event) {
                openActorPopup(event.layer, element.dataset.popupUrl);
            });
        }
        fetch(element.dataset.geojsonUrl, { headers: { Accept: "application/json, application/geo+json" } })
            .then(function (response) {
                if (!response.ok) {
                    throw new Error(response.status);
                }
                return response.json();
            })
            .then(function (collection) {
                var markers = isProjects
                    ? collection.features.map(function (feature) {
                        var coords = feature.geometry.coordinates; // [lng, lat]
                        var props = feature.properties;
                        var marker = L.marker([coords[1], coords[0]], {
                            title: props.name,
                            alt: props.name,
                            keyboard: true,
                        });
                        marker.bindPopup(projectPopup(props));
                        return marker;
                    })
                    : actorMarkers(collection);
                if (cluster.addLayers) {
                    cluster.addLayers(markers);
                } else {
                    markers.forEach(function (marker) { cluster.addLayer(marker); });
                }
                // The view first, then the layer: clusters are drawn once, at the final zoom.
                if (markers.length) {
                    var bounds = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
                    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12, animate: false });
                }
                map.addLayer(cluster);
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
