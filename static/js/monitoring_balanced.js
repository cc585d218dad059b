// 优质均衡监测: CV per indicator against the limit (bars + limit line), CV over the years, and the
// indicator × school heat map (value as % of the standard). Data comes from json_script "balanced-data".
(function () {
  var source = document.getElementById("balanced-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var charts = [];
  var colours = { "小学": "#0d6efd", "初中": "#6f42c1" };

  var cvHolder = document.getElementById("cv-chart");
  if (cvHolder) {
    var series = [];
    Object.keys(data.cv.stages).forEach(function (key) {
      var stage = data.cv.stages[key];
      series.push({
        name: stage.label, type: "bar", data: stage.values, itemStyle: { color: colours[stage.label] },
        markLine: { symbol: "none", label: { position: "insideEndTop", formatter: stage.label + "上限 " + stage.limit },
                    lineStyle: { color: colours[stage.label], type: "dashed" }, data: [{ yAxis: stage.limit }] }
      });
    });
    var cv = echarts.init(cvHolder);
    cv.setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 }, animation: false,
      grid: { left: 56, right: 16, top: 36, bottom: 56 },
      xAxis: { type: "category", data: data.cv.indicators, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", name: "差异系数（无量纲）" },
      series: series
    });
    charts.push(cv);
  }

  // 差异系数历年变化: one chart per stage (7 indicators and the stage's limit each), so every line has its
  // name in a legend that fits, instead of 14 lines and a paged legend in one chart.
  document.querySelectorAll(".cv-trend").forEach(function (holder) {
    var stageLabel = holder.getAttribute("data-stage");
    var rows = data.trend.filter(function (r) { return r.stage === stageLabel; });
    if (!rows.length) return;
    var years = [], names = [], byName = {}, limit = rows[0].limit;
    rows.forEach(function (r) {
      if (years.indexOf(r.year) < 0) years.push(r.year);
      if (!byName[r.indicator]) { byName[r.indicator] = {}; names.push(r.indicator); }
      byName[r.indicator][r.year] = r.cv;
    });
    years.sort();
    var chart = echarts.init(holder);
    chart.setOption({
      tooltip: { trigger: "axis" }, animation: false,
      legend: { bottom: 0, itemWidth: 18, itemGap: 8, textStyle: { fontSize: 11 } },
      grid: { left: 56, right: 24, top: 40, bottom: 72 },
      xAxis: { type: "category", data: years, name: "学年", nameLocation: "middle", nameGap: 26 },
      yAxis: { type: "value", name: "差异系数（无量纲）" },
      series: names.map(function (name) {
        return { name: name, type: "line", data: years.map(function (y) { return byName[name][y]; }) };
      }).concat([{
        name: stageLabel + "上限 " + limit, type: "line", symbol: "none", data: years.map(function () { return limit; }),
        lineStyle: { type: "dashed", width: 2, color: "#dc3545" }, itemStyle: { color: "#dc3545" }
      }])
    });
    charts.push(chart);
  });

  Object.keys(data.heat).forEach(function (stage) {
    var holder = document.getElementById("heat-" + stage);
    var heat = data.heat[stage];
    if (!holder || !heat.schools.length) return;
    var chart = echarts.init(holder);
    chart.setOption({
      animation: false,
      tooltip: { formatter: function (p) {
        return heat.schools[p.value[1]] + "<br>" + heat.indicators[p.value[0]] + "：达到标准的 " + Math.round(p.value[2] * 100) + "%";
      } },
      grid: { left: 150, right: 16, top: 56, bottom: 16 },
      xAxis: { type: "category", data: heat.indicators, position: "top", axisLabel: { interval: 0 } },
      yAxis: { type: "category", data: heat.schools, inverse: true, axisLabel: { width: 140, overflow: "truncate" } },
      visualMap: { type: "piecewise", orient: "horizontal", top: 0, left: "center", dimension: 2,
        pieces: [
          { lt: heat.floor, label: "低于标准 85%", color: "#dc3545" },
          { gte: heat.floor, lt: 1, label: "85%—100%", color: "#ffc107" },
          { gte: 1, label: "达标（≥100%）", color: "#198754" }
        ] },
      series: [{ type: "heatmap", data: heat.cells, label: { show: false }, itemStyle: { borderColor: "#fff", borderWidth: 1 } }]
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
