// 驾驶舱: the comparison table sorts by a column (click its heading again to reverse), and each figure with
// two or more years of data gets a small five-year line (unit on the axis, the limit line dashed).
(function () {
  var table = document.getElementById("compare-table");
  if (table) {
    var state = { col: -1, asc: false };
    table.querySelectorAll("button.sort").forEach(function (button) {
      button.addEventListener("click", function () {
        var col = Number(button.dataset.col);
        var numeric = button.dataset.kind === "number";
        state.asc = state.col === col ? !state.asc : !numeric;
        state.col = col;
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].dataset.value, y = b.cells[col].dataset.value;
          if (numeric) {
            if (x === "" && y === "") return 0;
            if (x === "") return 1;  // no data always last
            if (y === "") return -1;
            return state.asc ? Number(x) - Number(y) : Number(y) - Number(x);
          }
          return state.asc ? x.localeCompare(y, "zh-CN") : y.localeCompare(x, "zh-CN");
        });
        rows.forEach(function (row) { body.appendChild(row); });
        table.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
        button.parentNode.setAttribute("aria-sort", state.asc ? "ascending" : "descending");
      });
    });
  }
  var source = document.getElementById("cockpit-trends");
  if (!source || !window.echarts) return;
  var trends = JSON.parse(source.textContent);
  var charts = [];
  document.querySelectorAll(".cockpit-trend").forEach(function (holder) {
    var t = trends[holder.dataset.key];
    if (!t) return;
    var unit = t.unit || "";
    var series = [{ type: "line", data: t.values, connectNulls: true, symbolSize: 4, itemStyle: { color: "#0d6efd" } }];
    if (t.limit !== null && t.limit !== undefined) {
      series[0].markLine = { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#dc3545" },
                             data: [{ yAxis: t.limit }], label: { show: false } };
    }
    // the axis reaches the limit line when every value is below it (a 73% rate against 100% must show the gap)
    var top = Math.max.apply(null, t.values.filter(function (v) { return v !== null && v !== undefined; }));
    var yMax = t.limit !== null && t.limit !== undefined && t.limit > top ? t.limit : null;
    var chart = echarts.init(holder);
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 8, top: 24, bottom: 18 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + unit; } },
      xAxis: { type: "category", data: t.years, axisLabel: { fontSize: 9 } },
      yAxis: { type: "value", name: unit ? "单位：" + unit : "", nameTextStyle: { fontSize: 9, align: "left" },
               axisLabel: { fontSize: 9 }, splitNumber: 2, max: yMax },
      series: series
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
