// The school profile's 学业质量监测 trend: the school's mean per subject across rounds (json_script
// "quality-trend-data"; round and subject names are text, escaped in the tooltip).
(function () {
  var source = document.getElementById("quality-trend-data");
  var holder = document.getElementById("quality-trend");
  if (!source || !holder || !window.echarts) return;
  var rows = JSON.parse(source.textContent).trend.filter(function (r) { return r.mean != null; });
  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  var rounds = [], subjects = [], values = {};
  rows.forEach(function (r) {
    if (rounds.indexOf(r.round) < 0) rounds.push(r.round);
    if (subjects.indexOf(r.subject) < 0) subjects.push(r.subject);
    values[r.subject + "\u0000" + r.round] = r.mean;
  });
  var chart = echarts.init(holder);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", formatter: function (items) {
      return esc(items[0].axisValue) + items.map(function (p) {
        return "<br>" + esc(p.seriesName) + "：" + (p.value == null ? "—" : Number(p.value).toFixed(1) + " 分");
      }).join("");
    } },
    legend: { bottom: 0 },
    grid: { left: 56, right: 24, top: 36, bottom: 64 },
    xAxis: { type: "category", data: rounds, name: "轮次", nameLocation: "middle", nameGap: 26,
             axisLabel: { interval: 0, width: 120, overflow: "truncate" } },
    yAxis: { type: "value", name: "平均分（分）" },
    series: subjects.map(function (subject) {
      return { name: subject, type: "line", connectNulls: true,
               data: rounds.map(function (round) { var v = values[subject + "\u0000" + round]; return v == null ? null : v; }) };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
