// Room for a horizontal bar chart's category labels (school names), measured on every label.
// ECharts' containLabel measures at most about 40 labels of a category axis, so with more schools than that
// the longest name can be skipped and drawn past the chart's left edge.
window.dudaoLabelWidth = function (names, max) {
  var context = document.createElement("canvas").getContext("2d");
  context.font = "12px sans-serif";  // ECharts' default axis label font
  var widest = 0;
  names.forEach(function (name) { widest = Math.max(widest, context.measureText(String(name)).width); });
  return Math.ceil(Math.min(widest, max));
};
