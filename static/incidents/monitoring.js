// Draws the monitoring charts of templates/incidents/monitoring.html from its json_script data.
(function () {
  var charts = JSON.parse(document.getElementById("monitoring-data").textContent);
  charts.forEach(function (c) {
    if (!c.points.length) { return; }
    var labels = c.points.map(function (p) { return p[0].slice(0, 16).replace("T", " "); });
    var datasets = [{label: c.name, data: c.points.map(function (p) { return p[1]; }), borderColor: "#0d6efd", pointRadius: 2, tension: 0.2}];
    datasets.push({label: "Breach", data: labels.map(function () { return c.breach; }), borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0});
    if (c.warning !== null) {
      datasets.push({label: "Warning", data: labels.map(function () { return c.warning; }), borderColor: "#fd7e14", borderDash: [2, 4], pointRadius: 0});
    }
    new Chart(document.getElementById("chart-" + c.id), {type: "line", data: {labels: labels, datasets: datasets}, options: {animation: false, scales: {x: {ticks: {maxTicksLimit: 6}}}}});
  });
})();
