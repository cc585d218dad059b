"""regions.geo: a school's point and an uploaded outline, every hostile input refused in Chinese (area: map).
Pure functions: no database."""

import decimal
import json

import pytest

from dudao.regions import geo

MB = 1024 * 1024
SQUARE = [[113.3, 34.6], [113.8, 34.6], [113.8, 34.9], [113.3, 34.9], [113.3, 34.6]]


def polygon(ring=None):
    return {"type": "Polygon", "coordinates": [ring or SQUARE]}


def feature(geometry=None, **properties):
    return {"type": "Feature", "properties": properties, "geometry": geometry or polygon()}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features) or [feature()]}


def dump(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def parse(data: bytes, max_bytes=5 * MB, max_vertices=1000):
    return geo.parse_boundary(data, max_bytes=max_bytes, max_vertices=max_vertices)


def refused(data: bytes, *words, **limits) -> str:
    with pytest.raises(geo.GeoError) as caught:
        parse(data, **limits)
    message = caught.value.message
    for word in words:
        assert word in message, message
    return message


# ---- points --------------------------------------------------------------------------------------------------


def test_a_point_inside_china_is_kept_to_six_places():
    point = geo.check_point("113.6253681", " 34.746599 ")
    assert point == geo.PointCheck(decimal.Decimal("113.625368"), decimal.Decimal("34.746599"))
    assert geo.check_point(113.5, 34.5).warning == ""


def test_both_empty_is_no_point():
    assert geo.check_point("", None) == geo.PointCheck(None, None)


@pytest.mark.parametrize(("lon", "lat", "words"), [
    ("113.6", "", "同时填写"),
    ("", "34.7", "同时填写"),
    ("东经113度", "34.7", "应为数字"),
    ("113.6", "NaN", "应为数字"),
    ("Infinity", "34.7", "应为数字"),
    ("1e400", "34.7", "不是以度为单位"),
    ("12683000", "4105000", "不是以度为单位"),  # Web Mercator metres
    ("2.35", "48.85", "不在中国境内"),  # Paris
    ("-113.6", "34.7", "不在中国境内"),
    ("113.6", "-34.7", "不在中国境内"),
    ("180.5", "34.7", "不在中国境内"),
    (True, "34.7", "应为数字"),
])
def test_a_bad_point_is_refused(lon, lat, words):
    with pytest.raises(geo.GeoError) as caught:
        geo.check_point(lon, lat)
    assert words in caught.value.message


def test_a_swapped_point_is_a_warning_with_the_corrected_values():
    point = geo.check_point("34.746599", "113.625368")
    assert (point.longitude, point.latitude) == (decimal.Decimal("113.625368"), decimal.Decimal("34.746599"))
    assert "可能填反了" in point.warning


def test_the_bounds_are_inclusive():
    assert geo.check_point(geo.LON_MIN, geo.LAT_MIN).warning == ""
    assert geo.check_point(geo.LON_MAX, geo.LAT_MAX).warning == ""


# ---- outlines: what is accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    polygon(),
    {"type": "MultiPolygon", "coordinates": [[SQUARE], [[[p[0] + 1, p[1]] for p in SQUARE]]]},
    feature(),
    collection(feature(name="甲一街道", code="990102001"), feature()),
])
def test_polygons_in_every_wrapping_are_accepted(value):
    parsed = parse(dump(value))
    stored = parsed.feature_collection()
    assert stored["type"] == "FeatureCollection" and stored["features"]
    assert all(f["geometry"]["type"] in geo.GEOMETRY_TYPES for f in stored["features"])
    assert parsed.bbox[0] >= geo.LON_MIN


def test_a_utf8_bom_is_accepted_and_properties_are_reduced_to_name_and_code():
    value = collection(feature(名称="甲一街道", 区划代码="990102001", junk={"a": [1, 2, {"b": None}]}, 面积=12.5))
    parsed = parse(b"\xef\xbb\xbf" + dump(value))
    assert parsed.feature_collection()["features"][0]["properties"] == {"name": "甲一街道", "code": "990102001"}
    assert parsed.vertices == 5


def test_coordinates_are_rounded_and_a_third_value_dropped():
    ring = [[113.30000001, 34.6, 120.0], [113.8, 34.6], [113.8, 34.9], [113.3, 34.9], [113.30000001, 34.6, 0]]
    stored = parse(dump(polygon(ring))).feature_collection()
    assert stored["features"][0]["geometry"]["coordinates"][0][0] == [113.3, 34.6]


# ---- outlines: hostile input ---------------------------------------------------------------------------------

HOSTILE = {
    "empty file": (b"", ("文件为空",)),
    "too large": (b" " * (MB + 1), ("文件过大", "1 MB")),
    "NUL bytes": (dump(polygon())[:-1] + b"\x00}", ("空字节",)),
    "UTF-16 with BOM": (json.dumps(polygon()).encode("utf-16"), ("UTF-16",)),
    "latin-1 bytes": (b'{"type": "Polygon", "name": "\xe9"}', ("UTF-8",)),
    "not JSON": (b"<html>not json</html>", ("不是有效的 JSON",)),
    "truncated JSON": (dump(polygon())[:-5], ("不是有效的 JSON",)),
    "a shapefile": (b"\x00\x00\x27\x0a" + b"\x00" * 96, ("空字节",)),
    "deep nesting [": (b"[" * 200000, ("嵌套层级过深",)),
    "deep nesting {": (b'{"a":' * 200000, ("嵌套层级过深",)),
    "deep coordinates": (dump({"type": "Polygon", "coordinates": [[[[[113, 34]]]] * 4]}), ("坐标应为",)),
    "NaN": (b'{"type": "Polygon", "coordinates": [[[NaN, 34], [1, 2], [3, 4], [NaN, 34]]]}', ("非法数值",)),
    "Infinity": (b'{"type": "Polygon", "coordinates": [[[Infinity, 34]]]}', ("非法数值",)),
    "1e999": (b'{"type": "Polygon", "coordinates": [[[1e999, 34], [1, 2], [3, 4], [1e999, 34]]]}', ("有限",)),
    "huge integer": (('{"type": "Polygon", "coordinates": [[[1' + "0" * 400 + ', 34], [1, 2], [3, 4], [1, 2]]]}')
                     .encode(), ("有限",)),
    "a list at the top": (b"[1, 2, 3]", ("GeoJSON 对象",)),
    "a string at the top": (b'"Polygon"', ("GeoJSON 对象",)),
    "a Point": (dump({"type": "Point", "coordinates": [113.6, 34.7]}), ("Point", "只接受面")),
    "a LineString": (dump({"type": "LineString", "coordinates": SQUARE}), ("LineString",)),
    "a GeometryCollection": (dump({"type": "GeometryCollection", "geometries": [polygon()]}), ("GeometryCollection",)),
    "a Feature with a Point": (dump(feature({"type": "Point", "coordinates": [113.6, 34.7]})), ("Point",)),
    "a collection with one Point": (dump(collection(feature(), feature({"type": "Point", "coordinates": [1, 2]}))),
                                    ("第 2 个要素", "Point")),
    "type is a list": (dump({"type": ["Polygon"], "coordinates": [SQUARE]}), ("未知",)),
    "no type": (dump({"coordinates": [SQUARE]}), ("未知",)),
    "Feature without geometry": (dump({"type": "Feature", "properties": {}}), ("缺少几何对象",)),
    "Feature with geometry null": (dump({"type": "Feature", "properties": {}, "geometry": None}), ("缺少几何对象",)),
    "properties a list": (dump({"type": "Feature", "properties": [1], "geometry": polygon()}), ("属性",)),
    "features not a list": (dump({"type": "FeatureCollection", "features": {"a": 1}}), ("没有要素",)),
    "no features": (dump({"type": "FeatureCollection", "features": []}), ("没有要素",)),
    "a feature that is a string": (dump({"type": "FeatureCollection", "features": ["x"]}), ("应为要素",)),
    "coordinates a string": (dump({"type": "Polygon", "coordinates": "113,34"}), ("环的列表",)),
    "empty polygon": (dump({"type": "Polygon", "coordinates": []}), ("环的列表",)),
    "empty multipolygon": (dump({"type": "MultiPolygon", "coordinates": []}), ("面的列表",)),
    "ring of 3 points": (dump(polygon(SQUARE[:3])), ("至少需要 4 个",)),
    "open ring": (dump(polygon([*SQUARE[:4], [113.4, 34.6]])), ("未闭合",)),
    "position of 1 number": (dump(polygon([[113.3], *SQUARE[1:]])), ("[经度, 纬度]",)),
    "position of 4 numbers": (dump(polygon([[113.3, 34.6, 0, 0], *SQUARE[1:]])), ("[经度, 纬度]",)),
    "strings as numbers": (dump(polygon([["113.3", "34.6"], *SQUARE[1:]])), ("应为数字",)),
    "booleans as numbers": (dump(polygon([[True, False], *SQUARE[1:]])), ("应为数字",)),
    "nulls as numbers": (dump(polygon([[None, None], *SQUARE[1:]])), ("应为数字",)),
    "projected metres (CGCS2000 3-degree zone)": (dump(polygon([[38500000.0, 3800000.0], [38510000.0, 3800000.0],
                                                                 [38510000.0, 3810000.0], [38500000.0, 3800000.0]])),
                                                  ("投影坐标", "请转换为 WGS-84 经纬度")),
    "projected metres (Web Mercator)": (dump(polygon([[12648000.0, 4110000.0], [12660000.0, 4110000.0],
                                                       [12660000.0, 4120000.0], [12648000.0, 4110000.0]])),
                                        ("投影坐标", "请转换为 WGS-84 经纬度")),
    "latitude beyond 90": (dump(polygon([[113.3, 95.0], [113.8, 95.0], [113.8, 96.0], [113.3, 95.0]])),
                           ("投影坐标",)),
    "swapped lat/lon": (dump(polygon([[p[1], p[0]] for p in SQUARE])), ("坐标顺序颠倒", "[经度, 纬度]")),
    "outside China (Paris)": (dump(polygon([[2.3, 48.8], [2.4, 48.8], [2.4, 48.9], [2.3, 48.8]])),
                              ("不在中国境内", "请转换为 WGS-84 经纬度")),
    "half outside China": (dump(polygon([[130.0, 34.6], [140.0, 34.6], [140.0, 34.9], [130.0, 34.6]])),
                           ("不在中国境内",)),
    "too many vertices": (dump(polygon([[113.3 + i * 1e-4, 34.6] for i in range(1200)] + [[113.3, 34.6]])),
                          ("顶点过多", "1000")),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_outline_is_refused_in_chinese(name):
    data, words = HOSTILE[name]
    message = refused(data, *words, max_bytes=MB)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_too_many_features_is_refused():
    with pytest.raises(geo.GeoError, match="要素过多"):
        geo.parse_boundary(dump(collection(*[feature()] * 6)), max_bytes=MB, max_vertices=1000, max_features=5)


def test_a_long_type_name_is_cut_in_the_message():
    message = refused(dump({"type": "X" * 5000}))
    assert len(message) < 200


# ---- helpers -------------------------------------------------------------------------------------------------


def test_point_in_geometry_with_a_hole():
    hole = [[113.5, 34.7], [113.6, 34.7], [113.6, 34.8], [113.5, 34.8], [113.5, 34.7]]
    geometry = {"type": "Polygon", "coordinates": [SQUARE, hole]}
    assert geo.point_in_geometry(113.4, 34.65, geometry)
    assert not geo.point_in_geometry(113.55, 34.75, geometry)
    assert not geo.point_in_geometry(114.0, 34.75, geometry)
    assert geo.geometry_bbox(geometry) == (113.3, 34.6, 113.8, 34.9)
