// 驾驶舱地图 (area: map): schools as points coloured by a map layer, child regions shaded by a cockpit figure.
// Reads dashboard:map_data (JSON) from the holder's data-url; the outline is the stored GeoJSON, registered with
// echarts.registerMap; no map tiles are fetched from anywhere. Without an outline the points are drawn on a plain
// rectangle around them. Clicking a school opens its page.
(function () {
  "use strict";
  var GREY = "#ced4da";
  var BBOX = "__bbox";

  function loadEcharts(src, done) {
    if (window.echarts) { done(); return; }
    var existing = document.querySelector("script[data-dudao-echarts]");
    if (existing) { existing.addEventListener("load", done); return; }
    var s = document.createElement("script");
    s.src = src;
    s.setAttribute("data-dudao-echarts", "1");
    s.addEventListener("load", done);
    document.head.appendChild(s);
  }

  function fmt(v, unit) {
    if (v === null || v === undefined) return "无数据";
    var n = Math.round(v * 10) / 10;
    return n + (unit ? " " + unit : "");
  }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function setStatus(holder, text) {
    var el = document.getElementById(holder.dataset.status || "");
    if (el) el.textContent = text;
  }

  function fillSelect(id, items, current, empty) {
    var select = document.getElementById(id || "");
    if (!select) return;
    select.innerHTML = "";
    if (!items.length) {
      var none = document.createElement("option");
      none.value = ""; none.textContent = empty;
      select.appendChild(none);
      select.disabled = true;
      return;
    }
    items.forEach(function (item) {
      var o = document.createElement("option");
      o.value = item.key;
      o.textContent = item.label + (item.unit ? "（" + item.unit + "）" : "");
      if (item.key === current) o.selected = true;
      select.appendChild(o);
    });
    select.addEventListener("change", function () { if (select.form) select.form.submit(); });
  }

  function bboxOutline(schools) {
    var lons = schools.map(function (s) { return s.lon; });
    var lats = schools.map(function (s) { return s.lat; });
    var x0 = Math.min.apply(null, lons), x1 = Math.max.apply(null, lons);
    var y0 = Math.min.apply(null, lats), y1 = Math.max.apply(null, lats);
    var pad = Math.max(x1 - x0, y1 - y0, 0.02) * 0.08;
    x0 -= pad; x1 += pad; y0 -= pad; y1 += pad;
    return { type: "FeatureCollection", features: [{ type: "Feature", properties: { name: BBOX, role: "bbox" },
      geometry: { type: "Polygon", coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] } }] };
  }

  function scaleText(label, unit, r) {
    // the scale's two ends, the top one under the figure's name and unit
    return [label + (unit ? "（" + unit + "）" : "") + "\n" + fmt(r[1], unit), fmt(r[0], unit)];
  }

  function range(values) {
    var min = Math.min.apply(null, values), max = Math.max.apply(null, values);
    if (!values.length) { min = 0; max = 1; }
    if (min === max) { max = min + 1; }
    return [min, max];
  }

  function statusText(data) {
    var c = data.counts, parts = [];
    if (!c.total) return "本区域没有学校。";
    parts.push("共 " + c.total + " 所学校，图上显示 " + c.placed + " 所");
    if (c.without_coordinates) parts.push(c.without_coordinates + " 所未填写经纬度，未显示（可在学校信息或基础数据导入中补充）");
    if (data.layer && data.layer_pending) parts.push("市、省级的“" + data.layer.label + "”随驾驶舱数据在后台计算，尚未完成，学校暂显示为灰色，请稍后刷新");
    else if (data.layer && c.placed) parts.push("“" + data.layer.label + "”有数据 " + c.with_value + " 所，其余为灰色（无数据）");
    if (!data.boundary) parts.push("尚未上传区划边界，学校按经纬度显示在空白底图上");
    else if (data.children.total && data.children.with_boundary < data.children.total)
      parts.push("下级区划边界 " + data.children.with_boundary + "/" + data.children.total + " 个已上传");
    return parts.join("；") + "。";
  }

  function draw(holder, data) {
    var compact = holder.dataset.compact === "1";
    setStatus(holder, statusText(data));
    fillSelect(holder.dataset.layerSelect, data.layers, data.layer && data.layer.key, "（没有可用的图层）");
    fillSelect(holder.dataset.figureSelect, data.figures, data.figure && data.figure.key, "（没有分区指标）");
    if (!data.boundary && !data.schools.length) {
      holder.style.height = "auto";
      holder.innerHTML = '<p class="text-muted p-3 mb-0">暂无可显示的内容：本区域尚未上传边界，学校也都没有填写经纬度。</p>';
      return;
    }
    var geojson = data.boundary || bboxOutline(data.schools);
    var mapName = "dudao-" + data.region.code + (data.boundary ? "" : "-bbox");
    echarts.registerMap(mapName, geojson);
    var regions = geojson.features.map(function (f) {
      var role = f.properties.role;
      if (role === "outline") return { name: f.properties.name, itemStyle: { areaColor: "#f8f9fa", borderColor: "#495057", borderWidth: 2 }, label: { show: false } };
      if (role === "bbox") return { name: BBOX, itemStyle: { areaColor: "#ffffff", borderColor: "#dee2e6", borderWidth: 1 }, label: { show: false }, emphasis: { disabled: true }, silent: true };
      return { name: f.properties.name };
    });
    var layer = data.layer, figure = data.figure, unit = layer ? layer.unit : "";
    var withValue = [], noValue = [];
    data.schools.forEach(function (s) {
      var point = { name: s.name, value: [s.lon, s.lat, s.value], url: s.url };
      (s.value === null || s.value === undefined ? noValue : withValue).push(point);
    });
    var series = [], visualMaps = [];
    var figureNames = figure ? Object.keys(figure.values) : [];
    if (figure && figureNames.length) {
      var fv = figureNames.map(function (n) { return figure.values[n]; });
      var fr = range(fv);
      series.push({ type: "map", name: figure.label, geoIndex: 0,
        data: figureNames.map(function (n) { return { name: n, value: figure.values[n] }; }) });
      visualMaps.push({ type: "continuous", seriesIndex: 0, min: fr[0], max: fr[1], calculable: false,
        left: 8, bottom: 8, itemHeight: compact ? 60 : 110,
        text: scaleText(figure.label, figure.unit, fr), textGap: 6,
        inRange: { color: ["#eff3ff", "#9ecae1", "#3182bd"] } });
    }
    var scatterIndex = series.length;
    series.push({ type: "scatter", name: layer ? layer.label : "学校", coordinateSystem: "geo", geoIndex: 0,
      symbolSize: compact ? 7 : 10, data: withValue, itemStyle: { borderColor: "#fff", borderWidth: 1 }, z: 3 });
    series.push({ type: "scatter", name: "无数据", coordinateSystem: "geo", geoIndex: 0, symbolSize: compact ? 6 : 8,
      data: noValue, itemStyle: { color: GREY, borderColor: "#6c757d", borderWidth: 1 }, z: 2 });
    if (layer && withValue.length) {
      var good = "#198754", bad = "#dc3545";
      var low = layer.higher_is_better ? bad : good, high = layer.higher_is_better ? good : bad;
      if (layer.flag) {
        visualMaps.push({ type: "piecewise", seriesIndex: scatterIndex, dimension: 2, right: 8, bottom: 8,
          text: [layer.label, ""], showLabel: true,  // piecewise hides the pieces' labels once `text` is set
          pieces: [{ value: 1, label: "是", color: high }, { value: 0, label: "否", color: low }] });
      } else {
        var lr = range(withValue.map(function (p) { return p.value[2]; }));
        visualMaps.push({ type: "continuous", seriesIndex: scatterIndex, dimension: 2, min: lr[0], max: lr[1],
          right: 8, bottom: 8, itemHeight: compact ? 60 : 110, calculable: false,
          text: scaleText(layer.label, unit, lr), textGap: 6, inRange: { color: [low, "#ffc107", high] } });
      }
    }
    var chart = echarts.init(holder);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) {
        if (p.seriesType === "scatter") {
          var v = p.data.value[2];
          return esc(p.name) + "<br>" + esc(layer ? layer.label : "") + "：" + esc(fmt(v, layer && !layer.flag ? unit : "")
            .replace(/^1$/, "是").replace(/^0$/, "否"));
        }
        if (!p.name || p.name === BBOX) return "";
        var fvv = figure && figure.values[p.name];
        return esc(p.name) + (figure ? "<br>" + esc(figure.label) + "：" + esc(fmt(fvv, figure.unit)) : "");
      } },
      // the coloured points are explained by their visualMap; the legend names only what it does not (grey points)
      legend: { show: !compact && (!!noValue.length || !layer || !withValue.length), top: 0, left: 0,
        data: (layer && withValue.length ? [] : [layer ? layer.label : "学校"]).concat(noValue.length ? ["无数据"] : []) },
      geo: { map: mapName, roam: true, top: compact ? 10 : 30, bottom: compact ? 10 : 30,
        itemStyle: { areaColor: "#e9ecef", borderColor: "#adb5bd" },
        label: { show: !compact && !!data.boundary, fontSize: 11, color: "#212529", textBorderColor: "#fff", textBorderWidth: 2 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#dee2e6" } },
        regions: regions },
      visualMap: visualMaps,
      series: series
    });
    chart.on("click", function (p) {
      if (p.seriesType === "scatter" && p.data && p.data.url) window.location.href = p.data.url;
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init(holder) {
    if (holder.dataset.ready) return;
    holder.dataset.ready = "1";
    fetch(holder.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { loadEcharts(holder.dataset.echarts, function () { draw(holder, data); }); })
      .catch(function () { setStatus(holder, "地图数据加载失败，请刷新页面重试。"); });
  }

  function start() { document.querySelectorAll("[data-dudao-map]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
