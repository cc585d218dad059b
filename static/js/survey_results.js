// Survey results charts: rates by school and by question against the threshold line, and year over year.
(function () {
  var node = document.getElementById("survey-charts");
  if (!node || typeof echarts === "undefined") return;
  var data = JSON.parse(node.textContent);
  function pct(v) { return Number(v).toFixed(1) + "%"; }  // one decimal everywhere: 96.0%, not 96%
  var line = { silent: true, symbol: "none", lineStyle: { color: "#dc3545", type: "dashed" },
               label: { position: "start", formatter: "达标线 " + data.threshold + "%" }, data: [{ xAxis: data.threshold }] };

  function bars(id, rows) {
    var el = document.getElementById(id);
    if (!el || !rows.length) return;
    var chart = echarts.init(el);
    var names = rows.map(function (r) { return r.name; });
    chart.setOption({
      animation: false,
      grid: { left: dudaoLabelWidth(names, 180) + 16, right: 48, top: 24, bottom: 40 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: pct },
      xAxis: { type: "value", name: "满意率（%）", nameLocation: "middle", nameGap: 22, min: function (v) { return Math.max(0, Math.floor(Math.min(v.min, data.threshold) / 10) * 10 - 10); }, max: 100 },
      yAxis: { type: "category", inverse: true, data: names, axisLabel: { width: 180, overflow: "truncate" } },
      series: [{ type: "bar", name: "满意率", data: rows.map(function (r) {
        return { value: r.rate, itemStyle: { color: r.rate < data.threshold ? "#dc3545" : "#0d6efd" } }; }),
        label: { show: true, position: "right", formatter: function (p) { return pct(p.value); } }, markLine: line }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  bars("chart-schools", data.schools);
  bars("chart-items", data.items);
  bars("chart-breakdown", data.breakdown);
  var trend = document.getElementById("chart-trend");
  if (trend && data.trend.length > 1) {
    var chart = echarts.init(trend);
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 72, top: 30, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: pct },
      xAxis: { type: "category", name: "年度", data: data.trend.map(function (t) { return t.year; }) },
      yAxis: { type: "value", name: "满意率（%）", min: function (v) { return Math.max(0, Math.floor(v.min / 10) * 10 - 10); }, max: 100 },
      series: [{ type: "line", data: data.trend.map(function (t) { return t.rate; }), label: { show: true, formatter: function (p) { return pct(p.value); } },
                 markLine: { silent: true, symbol: "none", lineStyle: { color: "#dc3545", type: "dashed" }, label: { formatter: "达标线 {c}%" }, data: [{ yAxis: data.threshold }] } }]
    });
  }
})();
