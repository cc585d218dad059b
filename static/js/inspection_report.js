// 督导报告 charts: each target's score (0–100) with the level thresholds, and the average per top-level indicator.
(function () {
  var node = document.getElementById("report-data");
  if (!node || typeof echarts === "undefined") return;
  var data = JSON.parse(node.textContent);
  var lines = data.thresholds.map(function (t) {
    return { xAxis: t[0], label: { formatter: t[1] + " " + t[0], position: "start" } };
  });
  function bars(id, rows, withLines) {
    var el = document.getElementById(id);
    if (!el || !rows.length) return;
    var names = rows.map(function (r) { return r.name; });
    echarts.init(el).setOption({
      animation: false,
      grid: { left: dudaoLabelWidth(names, 170) + 16, right: 48, top: 28, bottom: 40 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + " 分"; } },
      xAxis: { type: "value", name: "得分（分）", nameLocation: "middle", nameGap: 22, min: 0, max: 100 },
      yAxis: { type: "category", inverse: true, data: names, axisLabel: { width: 170, overflow: "truncate" } },
      series: [{ type: "bar", data: rows.map(function (r) {  // 不合格 or 一票否决 in red
                   return { value: r.score, itemStyle: r.fails ? { color: "#dc3545" } : undefined }; }),
                 label: { show: true, position: "right", formatter: "{c}" },
                 markLine: withLines ? { silent: true, symbol: "none", lineStyle: { color: "#dc3545", type: "dashed" },
                                         data: lines } : undefined }]
    });
  }
  bars("chart-ranked", data.ranked, true);
  bars("chart-areas", data.areas, false);
})();
