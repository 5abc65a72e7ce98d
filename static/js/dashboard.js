// Dashboard charts (Chart.js, served from node_modules). The numbers come from the page's
// json_script element — the same numbers as the tables beside each chart, which stay the
// accessible and printable version. No inline script anywhere.
(() => {
  const STATE_COLOURS = {
    approved: "#2e7d4f",
    submitted: "#2f6db5",
    draft: "#adb5bd",
    returned: "#c0392b",
    locked: "#495057",
  };

  function sizeBars(canvas, rows) {
    canvas.parentElement.style.height = `${Math.max(160, rows * 30 + 70)}px`;
  }

  function draw() {
    const source = document.getElementById("mz-dashboard-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    const common = { responsive: true, maintainAspectRatio: false, animation: false };

    const completion = document.getElementById("mz-chart-completion");
    if (completion && data.completion.labels.length) {
      sizeBars(completion, data.completion.labels.length);
      new window.Chart(completion, {
        type: "bar",
        data: {
          labels: data.completion.labels,
          datasets: data.completion.datasets.map((set) => ({
            label: set.label,
            data: set.data,
            backgroundColor: STATE_COLOURS[set.key] || "#888",
          })),
        },
        options: { ...common, indexAxis: "y", scales: { x: { stacked: true }, y: { stacked: true } } },
      });
    }

    const ranking = document.getElementById("mz-chart-ranking");
    if (ranking && data.ranking.labels.length) {
      sizeBars(ranking, data.ranking.labels.length);
      new window.Chart(ranking, {
        type: "bar",
        data: { labels: data.ranking.labels, datasets: [{ data: data.ranking.data, backgroundColor: "#a4161a" }] },
        options: { ...common, indexAxis: "y", plugins: { legend: { display: false } } },
      });
    }

    const trend = document.getElementById("mz-chart-trend");
    if (trend && data.trend.labels.length) {
      const labels = data.trend.series;
      new window.Chart(trend, {
        type: "line",
        data: {
          labels: data.trend.labels,
          datasets: [
            { label: labels.subtree, data: data.trend.subtree, borderColor: "#a4161a", yAxisID: "y" },
            { label: labels.own, data: data.trend.own, borderColor: "#6c757d", yAxisID: "y" },
            { label: labels.on_time, data: data.trend.on_time, borderColor: "#2f6db5", yAxisID: "rate", borderDash: [4, 4] },
          ],
        },
        options: {
          ...common,
          spanGaps: true,
          scales: { y: { position: "left" }, rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } } },
        },
      });
    }
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
