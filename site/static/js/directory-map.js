/* Maps of the directory, drawn over the list that works without them.
 * - #directory-map: the filtered actors from the map's light feed (popups fetched when they
 *   open), or the filtered projects from their GeoJSON export, clustered.
 * - #actor-map: one actor's seat, or a project's places.
 * Markers and clusters are reachable with Tab (Leaflet's keyboard support) and open with
 * Enter (their `keypress` handlers); the map itself pans with the arrows and zooms with
 * + and -. */
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

    /* An actor's popup (thousands of markers, few opened): its logo, name, place, SDGs and
     * link, fetched from the server as an HTML fragment the server escaped; its name alone
     * (linked when the feed has its URL) if that fails. `show` receives the HTML. */
    function fetchActorPopup(point, popupUrl, show) {
        var title = point.props && point.props.url
            ? '<a href="' + encodeURI(point.props.url) + '">' + text(point.name) + "</a>"
            : text(point.name);
        var fallback = '<p class="map-popup__title">' + title + "</p>";
        if (!popupUrl || point.id == null) {
            show(fallback);
            return;
        }
        fetch(popupUrl.replace("{id}", encodeURIComponent(point.id)), { headers: { Accept: "text/html" } })
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

    /* Bound to its marker on the first click or Enter; Leaflet opens it after that. */
    function openActorPopup(marker, point, popupUrl) {
        if (marker.getPopup() || marker.options.fetching) {
            return; // bound already (Leaflet opens it), or on its way
        }
        marker.options.fetching = true;
        fetchActorPopup(point, popupUrl, function (html) {
            marker.options.fetching = false;
            marker.bindPopup(html).openPopup();
        });
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

    /* The points of a feed, in one shape whatever the feed: `lat`, `lng`, `name`, and what
     * the popup needs (`id` of an actor, or the GeoJSON properties of a project).
     * - the map's light feed (`actors.map.json`): one array per field, the same index per actor;
     * - a GeoJSON FeatureCollection (`projects.geojson`, or `actors.geojson` elsewhere). */
    function feedPoints(feed) {
        var points = [];
        var i;
        if (Array.isArray(feed.features)) {
            for (i = 0; i < feed.features.length; i++) {
                var feature = feed.features[i];
                var coords = feature.geometry && feature.geometry.coordinates; // [lng, lat]
                var props = feature.properties || {};
                if (coords && isFinite(coords[0]) && isFinite(coords[1])) {
                    points.push({ lat: coords[1], lng: coords[0], name: props.name, id: props.id, props: props });
                }
            }
            return points;
        }
        for (i = 0; i < (feed.count || 0); i++) {
            points.push({ lat: feed.lat[i], lng: feed.lng[i], name: feed.name[i], id: feed.id[i] });
        }
        return points;
    }

    function pointsBounds(points) {
        var south = 90, west = 180, north = -90, east = -180;
        for (var i = 0; i < points.length; i++) {
            south = Math.min(south, points[i].lat);
            north = Math.max(north, points[i].lat);
            west = Math.min(west, points[i].lng);
            east = Math.max(east, points[i].lng);
        }
        return L.latLngBounds([south, west], [north, east]);
    }

    // France and its neighbours fill a 1280-pixel-wide map at zoom 5.
    var ACTORS_MIN_ZOOM = 5;
    // Points closer than this many pixels are drawn as one cluster (the discs are up to 54 wide).
    var CLUSTER_RADIUS = 80;
    /* Clusters are indexed up to this zoom (80 pixels there are about 130 metres), past which
     * nearly every point stands alone: the levels above it would nearly double the indexing time. */
    var INDEX_MAX_ZOOM = 16;

    // Supercluster's unit for the radius: 512 to a tile's width (its `extent` option).
    var CLUSTER_EXTENT = 512;

    // After the first frame is drawn: when the browser is idle, or soon after without it.
    function whenIdle(callback) {
        if (window.requestIdleCallback) {
            window.requestIdleCallback(callback, { timeout: 1000 });
        } else {
            window.requestAnimationFrame(function () { setTimeout(callback, 0); });
        }
    }

    /* The points clustered at one zoom, in one pass, as Supercluster clusters its highest
     * level: each point not yet taken takes every point not yet taken within CLUSTER_RADIUS
     * of it, and they make one cluster at their centre (a point that takes none stays
     * alone). The points are bucketed in a grid of cells as wide as the radius, so only the
     * 3 × 3 cells around a point are searched. About 10 ms for 10,000 points on a page that
     * has just loaded, where Supercluster's index of every level takes about 100.
     * Returns [{ lat, lng, members: [indexes of points] }]. */
    function clustersAt(points, zoom) {
        var scale = CLUSTER_EXTENT * Math.pow(2, zoom);
        var radius = CLUSTER_RADIUS;
        var count = points.length;
        var xs = new Float64Array(count);
        var ys = new Float64Array(count);
        var cells = new Map();
        var columns = 4194304; // more cells than a row holds up to INDEX_MAX_ZOOM + 1
        var i, j, k;
        for (i = 0; i < count; i++) {
            // Web Mercator, as Supercluster projects (0 to `scale` across the world).
            var sin = Math.sin(points[i].lat * Math.PI / 180);
            xs[i] = (points[i].lng / 360 + 0.5) * scale;
            ys[i] = (0.5 - 0.25 * Math.log((1 + sin) / (1 - sin)) / Math.PI) * scale;
            var key = Math.floor(xs[i] / radius) * columns + Math.floor(ys[i] / radius);
            var cell = cells.get(key);
            if (cell) {
                cell.push(i);
            } else {
                cells.set(key, [i]);
            }
        }
        var taken = new Uint8Array(count);
        var groups = [];
        var limit = radius * radius;
        for (i = 0; i < count; i++) {
            if (taken[i]) {
                continue;
            }
            taken[i] = 1;
            var members = [i];
            var sumX = xs[i];
            var sumY = ys[i];
            var column = Math.floor(xs[i] / radius);
            var row = Math.floor(ys[i] / radius);
            for (var dx = -1; dx <= 1; dx++) {
                for (var dy = -1; dy <= 1; dy++) {
                    var near = cells.get((column + dx) * columns + row + dy);
                    for (k = 0; near && k < near.length; k++) {
                        j = near[k];
                        var ex = xs[j] - xs[i];
                        var ey = ys[j] - ys[i];
                        if (!taken[j] && ex * ex + ey * ey <= limit) {
                            taken[j] = 1;
                            members.push(j);
                            sumX += xs[j];
                            sumY += ys[j];
                        }
                    }
                }
            }
            var y = sumY / members.length / scale;
            groups.push({
                lat: 360 * Math.atan(Math.exp((180 - 360 * y) * Math.PI / 180)) / Math.PI - 90,
                lng: (sumX / members.length / scale - 0.5) * 360,
                members: members,
            });
        }
        return groups;
    }

    /* The opening zoom's groups, in one shape whatever their source: `{ lat, lng, count }`
     * and, for a cluster, `bounds` ([[south, west], [north, east]]) or `members` (indexes
     * of the feed's points); for a lone point, `index` (in the feed) or `point` (its own
     * `lat`, `lng`, `id` and `name`). */
    function openingFromPage(rows) {
        return rows.map(function (row) {
            // [lat, lng, count, south, west, north, east] or [lat, lng, 1, id, name]
            return row[2] > 1
                ? { lat: row[0], lng: row[1], count: row[2], bounds: [[row[3], row[4]], [row[5], row[6]]] }
                : { lat: row[0], lng: row[1], count: 1, point: { lat: row[0], lng: row[1], id: row[3], name: row[4] } };
        });
    }

    function openingFromPoints(points, zoom) {
        return clustersAt(points, zoom).map(function (group) {
            return group.members.length > 1
                ? { lat: group.lat, lng: group.lng, count: group.members.length, members: group.members }
                : { lat: group.lat, lng: group.lng, count: 1, index: group.members[0] };
        });
    }

    /* Clusters drawn from two sources, so that the first ones come sooner:
     * - at the opening zoom (where the map fits the points), the groups the page carries
     *   (computed by the server for the zooms a map can open at, `directory/map_opening.py`),
     *   drawn before the feed arrives; or, without them, `clustersAt` that zoom on the feed's
     *   points;
     * - at every other zoom, Supercluster's index of the feed's points up to INDEX_MAX_ZOOM,
     *   built once the first clusters are on screen and the browser is idle (or on the first
     *   zoom, if that comes first). Supercluster builds each level from the one above it,
     *   all of them at once: building it before the first draw is what made the map slow to
     *   show.
     * Each zoom keeps its source: nothing drawn changes when the feed or the index is ready.
     * Only what the current view holds is drawn (a few dozen markers instead of one per
     * point), again after each move or zoom. A point keeps its marker (and its popup) while
     * it stays in view. A cluster zooms in when clicked or opened with Enter: to the zoom at
     * which Supercluster splits it, or, at the opening zoom, to the bounds of its points.
     * Past INDEX_MAX_ZOOM every point is drawn on its own, except points at the same
     * address: one marker with their count, which lists them in a popup.
     * `opening` is the page's groups, or null; `load(points)` gives the feed's points. */
    function clusterLayer(map, element, isProjects, opening) {
        var layer = L.layerGroup().addTo(map);
        var openingZoom = Math.round(map.getZoom());
        var points = null; // the feed's, once loaded
        var index = null;
        function fullIndex() {
            if (!index) {
                index = new window.Supercluster({
                    radius: CLUSTER_RADIUS,
                    extent: CLUSTER_EXTENT,
                    minZoom: Math.max(0, Math.floor(map.getMinZoom())),
                    maxZoom: INDEX_MAX_ZOOM,
                });
                index.load(points.map(function (point, i) {
                    return { type: "Feature", properties: { index: i }, geometry: { type: "Point", coordinates: [point.lng, point.lat] } };
                }));
            }
            return index;
        }
        var pointMarkers = []; // by index in the feed
        var openingMarkers = []; // by index in `opening`
        var shown = {}; // key -> marker drawn now
        var clusterLabel = element.dataset.clusterLabel || "{count}";

        function onOpen(marker, open) {
            marker.on("click", open);
            marker.on("keypress", function (event) {
                if (event.originalEvent.key === "Enter") {
                    open();
                }
            });
        }

        function markerOf(point) {
            var marker = L.marker([point.lat, point.lng], { title: point.name, alt: point.name, keyboard: true });
            if (isProjects) {
                marker.bindPopup(projectPopup(point.props)); // Leaflet opens it
            } else {
                onOpen(marker, function () { openActorPopup(marker, point, element.dataset.popupUrl); });
            }
            return marker;
        }

        function pointMarker(i) {
            if (!pointMarkers[i]) {
                pointMarkers[i] = markerOf(points[i]);
            }
            return pointMarkers[i];
        }

        /* The points at one address, in a popup of its own: projects linked to their pages,
         * actors as buttons that fetch their popup. */
        function listPopup(latlng, members) {
            var popup = L.popup().setLatLng(latlng);
            var list = document.createElement("ul");
            list.className = "map-popup__list";
            members.forEach(function (i) {
                var point = points[i];
                var item = document.createElement("li");
                if (isProjects) {
                    var link = document.createElement("a");
                    link.href = point.props.url;
                    link.textContent = point.name;
                    item.appendChild(link);
                    if (point.props.actor) {
                        item.appendChild(document.createTextNode(" (" + point.props.actor + ")"));
                    }
                } else {
                    var button = document.createElement("button");
                    button.type = "button";
                    button.className = "map-popup__choice";
                    button.textContent = point.name;
                    button.addEventListener("click", function () {
                        fetchActorPopup(point, element.dataset.popupUrl, function (html) {
                            popup.setContent(html);
                        });
                    });
                    item.appendChild(button);
                }
                list.appendChild(item);
            });
            popup.setContent(list).openOn(map);
            list.querySelector("a, button").focus();
        }

        // A disc with the count, for a cluster or for the points at one address.
        function countMarker(latlng, count, open) {
            var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
            var diameter = count < 10 ? 34 : count < 100 ? 40 : count < 1000 ? 46 : 54; // room for the digits
            var marker = L.marker(latlng, {
                keyboard: true,
                icon: L.divIcon({
                    html: "<span>" + count + "</span>",
                    className: "marker-cluster marker-cluster-" + size,
                    iconSize: L.point(diameter, diameter),
                }),
            });
            onOpen(marker, open);
            marker.on("add", function () {
                marker.getElement().setAttribute("aria-label", clusterLabel.replace("{count}", count));
            });
            return marker;
        }

        function clusterMarker(feature) {
            var clusterId = feature.properties.cluster_id;
            var latlng = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
            return countMarker(latlng, feature.properties.point_count, function () {
                map.setView(latlng, index.getClusterExpansionZoom(clusterId));
            });
        }

        /* A cluster of the opening zoom: the view that holds its points, at least one level
         * closer and at most one past INDEX_MAX_ZOOM (points at one address, which no zoom
         * separates, are listed there), as far as Supercluster's expansion zoom goes. */
        function openingClusterMarker(group) {
            return countMarker(L.latLng(group.lat, group.lng), group.count, function () {
                var bounds = L.latLngBounds(group.bounds || group.members.map(function (i) {
                    return [points[i].lat, points[i].lng];
                }));
                var zoom = Math.min(INDEX_MAX_ZOOM + 1, map.getBoundsZoom(bounds));
                map.setView(bounds.getCenter(), Math.max(openingZoom + 1, zoom));
            });
        }

        // The view's groups at the opening zoom, keyed as `draw` keys them.
        function drawOpening(bounds, next) {
            for (var g = 0; g < opening.length; g++) {
                var group = opening[g];
                if (!bounds.contains([group.lat, group.lng])) {
                    continue;
                }
                if (group.count > 1) {
                    next["o" + g] = shown["o" + g] || (openingMarkers[g] = openingMarkers[g] || openingClusterMarker(group));
                } else if (group.point) {
                    next["o" + g] = shown["o" + g] || (openingMarkers[g] = openingMarkers[g] || markerOf(group.point));
                } else {
                    next["p" + group.index] = shown["p" + group.index] || pointMarker(group.index);
                }
            }
        }

        function draw() {
            var bounds = map.getBounds().pad(0.25);
            var zoom = Math.round(map.getZoom());
            var next = {};
            var places = {}; // past INDEX_MAX_ZOOM: "lat,lng" -> indexes of the points there
            var features = [];
            if (opening && zoom === openingZoom) {
                drawOpening(bounds, next);
            } else if (points) {
                features = fullIndex().getClusters(
                    [Math.max(-180, bounds.getWest()), Math.max(-85, bounds.getSouth()),
                        Math.min(180, bounds.getEast()), Math.min(85, bounds.getNorth())],
                    zoom
                );
            } // else: zoomed before the feed arrived; drawn when it does
            features.forEach(function (feature) {
                var props = feature.properties;
                if (props.cluster) {
                    var key = "c" + props.cluster_id;
                    next[key] = shown[key] || clusterMarker(feature);
                } else if (zoom > INDEX_MAX_ZOOM) {
                    var point = points[props.index];
                    var place = point.lat + "," + point.lng;
                    (places[place] = places[place] || []).push(props.index);
                } else {
                    next["p" + props.index] = shown["p" + props.index] || pointMarker(props.index);
                }
            });
            Object.keys(places).forEach(function (place) {
                var members = places[place];
                if (members.length === 1) {
                    next["p" + members[0]] = shown["p" + members[0]] || pointMarker(members[0]);
                    return;
                }
                var key = "g" + place + "/" + members.length;
                var latlng = L.latLng(points[members[0]].lat, points[members[0]].lng);
                next[key] = shown[key] || countMarker(latlng, members.length, function () {
                    listPopup(latlng, members);
                });
            });
            var focused = element.contains(document.activeElement) &&
                document.activeElement.classList.contains("leaflet-marker-icon");
            Object.keys(shown).forEach(function (key) {
                if (!next[key]) {
                    layer.removeLayer(shown[key]);
                }
            });
            Object.keys(next).forEach(function (key) {
                if (!shown[key]) {
                    layer.addLayer(next[key]);
                }
            });
            shown = next;
            // The focused cluster was split: keyboard users carry on from the map itself.
            if (focused && !element.contains(document.activeElement)) {
                element.focus({ preventScroll: true });
            }
        }

        map.on("moveend", draw);
        if (opening) {
            draw();
        }
        return {
            load: function (loaded) {
                points = loaded;
                if (!opening && openingZoom <= INDEX_MAX_ZOOM) {
                    opening = openingFromPoints(points, openingZoom);
                }
                draw();
                whenIdle(fullIndex);
            },
        };
    }

    // The groups the page carries for the map's opening view, or null.
    function pageOpening(element) {
        var script = element.dataset.opening && document.getElementById(element.dataset.opening);
        if (!script) {
            return null;
        }
        try {
            var opening = JSON.parse(script.textContent);
            return opening && opening.bounds && opening.zooms ? opening : null;
        } catch (error) {
            return null;
        }
    }

    function directoryMap(element) {
        if (typeof window.Supercluster === "undefined") {
            return; // the clustering script could not load: the list stays, the map stays hidden.
        }
        var map = baseMap(element);
        var help = document.getElementById("directory-map-help");
        if (help) {
            help.hidden = false;
            element.setAttribute("aria-describedby", help.id);
        }
        var isProjects = element.dataset.kind === "projects";
        if (!isProjects) {
            // The actors are in France: the levels that show the whole world are not indexed.
            map.setMinZoom(ACTORS_MIN_ZOOM);
        }
        var fit = { padding: [24, 24], maxZoom: 12, animate: false };
        var layer = null;
        var opening = pageOpening(element);
        if (opening) {
            // The view first, then the clusters: they are drawn once, at the final zoom.
            var b = opening.bounds;
            map.fitBounds([[b[0], b[1]], [b[2], b[3]]], fit);
            var groups = opening.zooms[String(Math.round(map.getZoom()))];
            // A map of a size the page did not plan for clusters the feed itself.
            layer = clusterLayer(map, element, isProjects, groups ? openingFromPage(groups) : null);
        } else {
            map.setView([45.2, 0.3], 6);
        }
        fetch(element.dataset.geojsonUrl, { headers: { Accept: "application/json, application/geo+json" } })
            .then(function (response) {
                if (!response.ok) {
                    throw new Error(response.status);
                }
                return response.json();
            })
            .then(function (feed) {
                var points = feedPoints(feed);
                if (!layer) {
                    if (points.length) {
                        map.fitBounds(pointsBounds(points), fit);
                    }
                    layer = clusterLayer(map, element, isProjects, null);
                }
                layer.load(points);
                element.dataset.loaded = String(points.length);
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
