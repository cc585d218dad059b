// 学业质量监测 dashboard: score-band bars, the value-added caterpillar (effects sorted, 95% intervals, coloured by
// flag), the level × value-added quadrant chart, and click-to-sort tables. Data comes from json_script
// "quality-results-data" (school names are text: every tooltip escapes them before ECharts renders HTML).
(function () {
  var colours = { above: "#198754", expected: "#6c757d", below: "#dc3545" };

  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fixed(value, digits) { return value == null ? "—" : Number(value).toFixed(digits); }
  // A value axis symmetric around 0 (so 0, "as expected" / "the county's mean", sits in the middle), rounded up.
  function symmetric(values) {
    var widest = 1;
    values.forEach(function (v) { if (v != null) widest = Math.max(widest, Math.abs(v)); });
    var raw = widest * 1.1 / 4, step = [0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100].find(function (s) { return s >= raw; }) || 100;
    return { min: -Math.ceil(widest * 1.1 / step) * step, max: Math.ceil(widest * 1.1 / step) * step, interval: step };
  }

  // Sortable tables: a header with data-sort="number"|"text" sorts its column by each cell's data-value.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th[data-sort]").forEach(function (th, index) {
      th.setAttribute("role", "button");
      th.setAttribute("title", "点击排序");
      th.classList.add("text-primary");
      th.addEventListener("click", function () {
        var numeric = th.getAttribute("data-sort") === "number";
        var descending = th.getAttribute("aria-sort") !== "descending";
        table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function key(row) {
          var cell = row.cells[index];
          var raw = cell ? cell.getAttribute("data-value") : null;
          if (raw == null || raw === "") return null;
          return numeric ? parseFloat(raw) : raw;
        }
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (x === null && y === null) return 0;
          if (x === null) return 1;  // blanks (withheld) last either way
          if (y === null) return -1;
          var order = numeric ? x - y : String(x).localeCompare(String(y), "zh-CN");
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  var source = document.getElementById("quality-results-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var charts = [];

  var bandHolder = document.getElementById("band-chart");
  if (bandHolder && data.bands.length) {
    var bands = echarts.init(bandHolder);
    bands.setOption({
      animation: false,
      tooltip: { trigger: "axis", formatter: function (items) {
        var b = data.bands[items[0].dataIndex];
        return esc(b.band) + " 分<br>" + b.count + " 人（" + fixed(b.share, 1) + "%）";
      } },
      grid: { left: 56, right: 16, top: 36, bottom: 40 },
      xAxis: { type: "category", name: "分数段（分）", nameLocation: "middle", nameGap: 26,
               data: data.bands.map(function (b) { return b.band; }), axisLabel: { interval: 0 } },
      yAxis: { type: "value", name: "人数（人）", minInterval: 1 },
      series: [{ type: "bar", data: data.bands.map(function (b) { return b.count; }), itemStyle: { color: "#0d6efd" },
                 label: { show: true, position: "top", formatter: function (p) {
                   return fixed(data.bands[p.dataIndex].share, 1) + "%"; } } }]
    });
    charts.push(bands);
  }

  var vaHolder = document.getElementById("va-chart");
  if (vaHolder && data.va.length) {
    var names = data.va.map(function (s) { return s.name; });
    var left = (window.dudaoLabelWidth ? window.dudaoLabelWidth(names, 180) : 140) + 16;
    var vaRange = symmetric(data.va.map(function (s) { return s.low; }).concat(data.va.map(function (s) { return s.high; })));
    var va = echarts.init(vaHolder);
    va.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) {
        var s = data.va[p.dataIndex];
        return esc(s.name) + "（纳入 " + s.n + " 人）<br>增值 " + fixed(s.effect, 1) + " 分，95% 区间 " + fixed(s.low, 1) +
          " ~ " + fixed(s.high, 1) + " 分<br>" + esc(data.flags[s.flag]) + (s.small ? "（小样本）" : "");
      } },
      grid: { left: left, right: 24, top: 28, bottom: 48 },
      xAxis: { type: "value", name: "增值（分）", nameLocation: "middle", nameGap: 28,
               min: vaRange.min, max: vaRange.max, interval: vaRange.interval },
      yAxis: { type: "category", data: names, axisLabel: { interval: 0, width: 180, overflow: "truncate" } },
      series: [
        { type: "custom", name: "95% 置信区间",
          renderItem: function (params, api) {
            var low = api.coord([api.value(1), params.dataIndex]);
            var high = api.coord([api.value(2), params.dataIndex]);
            return { type: "line", shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] },
                     style: { stroke: colours[data.va[params.dataIndex].flag], lineWidth: 2 } };
          },
          encode: { x: [1, 2], y: 0 },
          data: data.va.map(function (s, i) { return [i, s.low, s.high]; }) },
        { type: "scatter", name: "增值", symbolSize: 7,
          data: data.va.map(function (s) { return { value: s.effect, itemStyle: { color: colours[s.flag] } }; }),
          markLine: { symbol: "none", silent: true, lineStyle: { color: "#333", type: "dashed" },
                      label: { formatter: "0（符合预期）" }, data: [{ xAxis: 0 }] } }
      ]
    });
    charts.push(va);
  }

  var quadHolder = document.getElementById("quadrant-chart");
  if (quadHolder && data.quadrant.length) {
    var xRange = symmetric(data.quadrant.map(function (s) { return s.x; }));
    var yRange = symmetric(data.quadrant.map(function (s) { return s.y; }));
    var quad = echarts.init(quadHolder);
    quad.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) {
        var s = data.quadrant[p.dataIndex];
        return esc(s.name) + "（纳入 " + s.n + " 人）<br>平均分与全区差 " + fixed(s.x, 1) + " 分<br>增值 " + fixed(s.y, 1) +
          " 分<br>" + esc(data.flags[s.flag]);
      } },
      grid: { left: 56, right: 24, top: 36, bottom: 48 },
      graphic: [
        { type: "text", right: 32, top: 40, style: { text: "水平高、增值大", fill: "#198754", fontSize: 12 } },
        { type: "text", left: 64, top: 40, style: { text: "水平低、增值大", fill: "#198754", fontSize: 12 } },
        { type: "text", right: 32, bottom: 56, style: { text: "水平高、增值小", fill: "#dc3545", fontSize: 12 } },
        { type: "text", left: 64, bottom: 56, style: { text: "水平低、增值小", fill: "#dc3545", fontSize: 12 } }
      ],
      xAxis: { type: "value", name: "水平：学校平均分 − 全区平均分（分）", nameLocation: "middle", nameGap: 28,
               min: xRange.min, max: xRange.max, interval: xRange.interval, splitLine: { show: false } },
      yAxis: { type: "value", name: "增值（分）", min: yRange.min, max: yRange.max, interval: yRange.interval,
               splitLine: { show: false } },
      series: [{
        // Dots carry their school's short name (tablets have no hover): the coloured (significantly above/below)
        // schools always, the grey ones too when there are few schools; where labels collide ECharts keeps the
        // larger dot's, so the coloured schools keep theirs.
        type: "scatter",
        data: data.quadrant.map(function (s) {
          var marked = s.flag === "above" || s.flag === "below";
          var named = marked || data.quadrant.length <= 10;
          // a dot in the right half names itself on its left, so the label stays inside the chart
          return { value: [s.x, s.y], name: s.short || s.name, symbolSize: marked ? 12 : 8,
                   itemStyle: { color: colours[s.flag] },
                   label: { show: named, color: marked ? colours[s.flag] : "#6c757d", fontWeight: marked ? "bold" : "normal",
                            position: s.x > xRange.max / 3 ? "left" : "right" } };
        }),
        label: { show: true, position: "right", distance: 4, fontSize: 11, formatter: "{b}" },
        labelLayout: { hideOverlap: true },
        markLine: { symbol: "none", silent: true, lineStyle: { color: "#999", type: "dashed" }, label: { show: false },
                    data: [{ xAxis: 0 }, { yAxis: 0 }] }
      }]
    });
    charts.push(quad);
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
