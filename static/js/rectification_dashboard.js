// 整改统计: the 12-month trend of findings raised and closed (counts, unit 个). Data comes from json_script.
(function () {
  var holder = document.getElementById("trend");
  var source = document.getElementById("trend-data");
  if (!holder || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " 个"; } },
    legend: { data: ["提出问题", "完成整改"], top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 36 },
    xAxis: { type: "category", data: data.months, name: "月份", nameLocation: "middle", nameGap: 26 },
    yAxis: { type: "value", name: "问题数（个）", minInterval: 1 },
    series: [
      { name: "提出问题", type: "bar", data: data.raised, itemStyle: { color: "#f0ad4e" } },
      { name: "完成整改", type: "line", data: data.closed, itemStyle: { color: "#198754" } }
    ],
    animation: false
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
