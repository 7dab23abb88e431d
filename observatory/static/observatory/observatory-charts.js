// Draws each indicator's chart with the vendored Chart.js, from the JSON the page carries
// (json_script "observatory-charts"). The tables beside the charts hold the same numbers and
// are the primary output: without this script, or without Chart.js, nothing is lost.
(function () {
    "use strict";
    var source = document.getElementById("observatory-charts");
    if (!source || typeof window.Chart === "undefined") {
        return;
    }
    var charts;
    try {
        charts = JSON.parse(source.textContent);
    } catch (error) {
        return;
    }
    var style = getComputedStyle(document.documentElement);
    function colour(name, fallback) {
        return (style.getPropertyValue(name) || "").trim() || fallback;
    }
    var current = colour("--primary", "#0b5563");
    var previous = colour("--sun", "#f4b63f");
    var extra = [colour("--accent", "#b23a0b"), colour("--primary-dark", "#073b45")];
    window.Chart.defaults.font.family = colour("--font-body", "system-ui");
    window.Chart.defaults.color = colour("--ink", "#1c2430");

    charts.forEach(function (chart) {
        var canvas = document.querySelector('canvas[data-chart="' + chart.id + '"]');
        if (!canvas || !chart.labels.length) {
            return;
        }
        // Rates (%) have their own scale; the chart shows the counts.
        var datasets = chart.datasets.filter(function (dataset) {
            return !dataset.unit;
        });
        var index = 0;
        var config = {
            type: chart.type,
            data: {
                labels: chart.labels,
                datasets: datasets.map(function (dataset) {
                    var fill = dataset.previous ? previous : index === 0 ? current : extra[(index - 1) % extra.length];
                    if (!dataset.previous) {
                        index += 1;
                    }
                    return {
                        label: dataset.label,
                        data: dataset.data,
                        text: dataset.text,
                        backgroundColor: fill,
                        borderColor: fill,
                        borderWidth: chart.type === "line" ? 2 : 0,
                        spanGaps: false
                    };
                })
            },
            options: {
                responsive: true,
                maintainAspectRatio: false,
                animation: false,
                indexAxis: chart.type === "bar" && chart.labels.length > 6 ? "y" : "x",
                scales: { x: { beginAtZero: true }, y: { beginAtZero: true } },
                plugins: {
                    legend: { position: "bottom" },
                    tooltip: {
                        callbacks: {
                            // A hidden small count shows as « < 3 », as in the table.
                            label: function (item) {
                                var text = item.dataset.text ? item.dataset.text[item.dataIndex] : item.formattedValue;
                                return item.dataset.label + " : " + text;
                            }
                        }
                    }
                }
            }
        };
        var wrapper = canvas.parentElement;
        wrapper.hidden = false;
        if (config.options.indexAxis === "y") {
            wrapper.style.height = Math.max(16, chart.labels.length * 1.6 + 4) + "rem";
        }
        new window.Chart(canvas, config);
    });
})();
