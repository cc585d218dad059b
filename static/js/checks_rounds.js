// 专项检查 round page: failed schools per checklist item, a horizontal bar chart (unit: 所).
(function () {
  var holder = document.getElementById("rounds-failed-chart");
  var data = document.getElementById("rounds-chart-data");
  if (!holder || !data || !window.echarts) { return; }
  var chart = JSON.parse(data.textContent);
  var items = chart.items.slice().reverse();
  var failed = chart.failed.slice().reverse();
  holder.style.height = Math.max(200, 28 * items.length + 60) + "px";
  var plot = window.echarts.init(holder);
  plot.setOption({
    grid: { left: 8, right: 40, top: 30, bottom: 20, containLabel: true },
    title: { text: "不合格学校数（所）", textStyle: { fontSize: 13 } },
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " 所"; } },
    xAxis: { type: "value", name: "所", minInterval: 1 },
    yAxis: { type: "category", data: items },
    series: [{ type: "bar", data: failed, itemStyle: { color: "#dc3545" }, label: { show: true, position: "right", formatter: "{c} 所" } }]
  });
  window.addEventListener("resize", function () { plot.resize(); });
})();
