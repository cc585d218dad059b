"""Coordinates and boundaries for the cockpit map (驾驶舱地图): pure checks, no Django.

A school's 经度/纬度 and a region's uploaded GeoJSON outline are both checked here, so the import, the edit form
and the boundary upload refuse the same things with the same Chinese messages. Everything is WGS-84 longitude and
latitude in degrees (GCJ-02 from Chinese map apps is a few hundred metres off, close enough for a county map).

Refused: text that is not a number, one of the two missing, a point outside China's bounding box, GeoJSON that is
not valid UTF-8 JSON, not a Polygon/MultiPolygon (bare, in a Feature, or in a FeatureCollection of them), projected
coordinates (metres), outlines outside China, too many vertices, too deep nesting, NaN/Infinity, NUL bytes.
A point whose longitude and latitude were swapped (swapping them puts it inside China) is a warning: the user
confirms and the swapped values are stored."""

import decimal
import json
import math
from dataclasses import dataclass, field

# China's bounding box (longitude 73.5–135.1 east, latitude 3.8–53.6 north). The two ranges do not overlap, so a
# swapped pair is never ambiguous.
LON_MIN, LON_MAX = 73.5, 135.1
LAT_MIN, LAT_MAX = 3.8, 53.6
SIX_PLACES = decimal.Decimal("0.000001")
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
CONVERT_HINT = "请转换为 WGS-84 经纬度（EPSG:4326）后再上传"


class GeoError(ValueError):
    """A refusal with its Chinese message."""

    @property
    def message(self) -> str:
        return str(self.args[0])


def inside_china(lon: float, lat: float) -> bool:
    return LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX


# ---- a school's point ------------------------------------------------------------------------------------------


def parse_degrees(text, label: str) -> decimal.Decimal | None:
    """A cell or form value as degrees (6 decimal places), None when empty; GeoError when it is not a number."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise GeoError(f"{label}应为数字")
    raw = str(text).strip().replace("°", "")
    if not raw:
        return None
    try:
        number = decimal.Decimal(raw)
    except decimal.InvalidOperation:
        raise GeoError(f"{label}应为数字（以度为单位，如 113.625368），实际为“{str(text)[:40]}”") from None
    if not number.is_finite():
        raise GeoError(f"{label}应为数字，实际为“{str(text)[:40]}”")
    if number.copy_abs() > 1000:  # copy_abs, not abs(): no context, so 1e999999999999 cannot overflow
        raise GeoError(f"{label}“{str(text)[:40]}”不是以度为单位的经纬度，{CONVERT_HINT.replace('上传', '填写')}")
    return number.quantize(SIX_PLACES, rounding=decimal.ROUND_HALF_UP)


@dataclass(frozen=True)
class PointCheck:
    longitude: decimal.Decimal | None
    latitude: decimal.Decimal | None
    warning: str = ""  # set when the pair was swapped: the values above are the corrected ones


def check_point(longitude, latitude) -> PointCheck:
    """Both or neither; numbers; inside China. A swapped pair comes back corrected, with a warning to confirm."""
    lon = parse_degrees(longitude, "经度")
    lat = parse_degrees(latitude, "纬度")
    if lon is None and lat is None:
        return PointCheck(None, None)
    if lon is None or lat is None:
        raise GeoError("经度和纬度应同时填写或同时留空")
    if inside_china(float(lon), float(lat)):
        return PointCheck(lon, lat)
    if inside_china(float(lat), float(lon)):
        return PointCheck(lat, lon, f"经度 {lon}、纬度 {lat} 可能填反了：确认后将按经度 {lat}、纬度 {lon} 保存")
    raise GeoError(f"经度 {lon}、纬度 {lat} 不在中国境内（经度 {LON_MIN}—{LON_MAX}，纬度 {LAT_MIN}—{LAT_MAX}），"
                   f"请填写 WGS-84 经纬度（度）")


# ---- an uploaded outline ---------------------------------------------------------------------------------------


@dataclass
class Outline:
    """One polygon feature of an upload: its name/code properties (for matching towns) and its geometry."""

    geometry: dict
    name: str = ""
    code: str = ""


@dataclass
class ParsedBoundary:
    outlines: list[Outline]
    vertices: int
    bbox: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max
    warnings: list[str] = field(default_factory=list)

    def feature_collection(self, outlines: list[Outline] | None = None) -> dict:
        """The normalised GeoJSON that is stored: a FeatureCollection with only name and code kept."""
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": o.name, "code": o.code}, "geometry": o.geometry}
            for o in (self.outlines if outlines is None else outlines)]}


NAME_KEYS = ("name", "NAME", "名称", "Name", "乡镇", "乡镇名称", "town", "TOWN")
CODE_KEYS = ("code", "CODE", "区划代码", "Code", "adcode", "ADCODE", "gb", "GB", "xzqdm", "XZQDM")


def _reject_constant(name: str):
    raise GeoError(f"文件含有非法数值“{name}”，坐标应为有限的数字")


def decode_geojson(data: bytes, *, max_bytes: int) -> object:
    """Bytes → a JSON value, or GeoError: size, NUL bytes, encoding (a UTF-8 BOM is accepted), nesting, syntax."""
    if not data:
        raise GeoError("文件为空")
    if len(data) > max_bytes:
        raise GeoError(f"文件过大（{len(data) / 1048576:.1f} MB），边界文件不能超过 {max_bytes / 1048576:g} MB；"
                       f"可在 GIS 软件中简化边界后再上传")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise GeoError("文件是 UTF-16 编码，请另存为 UTF-8 编码的 GeoJSON 后再上传")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise GeoError("文件含有空字节（NUL），不是文本格式的 GeoJSON")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise GeoError("文件不是 UTF-8 编码的文本，请上传 GeoJSON（.geojson / .json）文件") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except GeoError:
        raise
    except RecursionError:
        raise GeoError("文件嵌套层级过深，不是有效的 GeoJSON 边界") from None
    except ValueError as exc:
        where = f"（第 {exc.lineno} 行第 {exc.colno} 列）" if isinstance(exc, json.JSONDecodeError) else ""
        raise GeoError(f"文件不是有效的 JSON{where}") from None


def _position(value, where: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise GeoError(f"{where}：坐标应为 [经度, 纬度]")
    for number in value:
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise GeoError(f"{where}：坐标应为数字")
        try:
            finite = math.isfinite(number)
        except OverflowError:
            finite = False
        if not finite:
            raise GeoError(f"{where}：坐标不是有限的数字")
    return float(value[0]), float(value[1])


class _Counter:
    def __init__(self, max_vertices: int):
        self.max_vertices = max_vertices
        self.vertices = 0
        self.lon_min = self.lat_min = math.inf
        self.lon_max = self.lat_max = -math.inf

    def add(self, lon: float, lat: float) -> None:
        self.vertices += 1
        if self.vertices > self.max_vertices:
            raise GeoError(f"边界顶点过多（超过 {self.max_vertices} 个），请在 GIS 软件中简化边界后再上传")
        self.lon_min, self.lon_max = min(self.lon_min, lon), max(self.lon_max, lon)
        self.lat_min, self.lat_max = min(self.lat_min, lat), max(self.lat_max, lat)


def _ring(value, where: str, counter: _Counter) -> list:
    if not isinstance(value, list) or len(value) < 4:
        raise GeoError(f"{where}：每个环至少需要 4 个坐标点（首尾相同）")
    points = []
    for i, item in enumerate(value, 1):
        lon, lat = _position(item, f"{where}第 {i} 个点")
        counter.add(lon, lat)
        points.append([round(lon, 6), round(lat, 6)])
    if points[0] != points[-1]:
        raise GeoError(f"{where}：环未闭合（首尾坐标应相同）")
    return points


def _polygon(value, where: str, counter: _Counter) -> list:
    if not isinstance(value, list) or not value:
        raise GeoError(f"{where}：面（Polygon）的坐标应为环的列表")
    return [_ring(ring, f"{where}第 {i} 个环", counter) for i, ring in enumerate(value, 1)]


def _geometry(value, where: str, counter: _Counter) -> dict:
    if not isinstance(value, dict):
        raise GeoError(f"{where}：缺少几何对象（geometry）")
    kind = value.get("type")
    if kind not in GEOMETRY_TYPES:
        shown = kind if isinstance(kind, str) else "未知"
        raise GeoError(f"{where}：几何类型为“{shown[:40]}”，边界只接受面（Polygon）或多面（MultiPolygon）")
    coordinates = value.get("coordinates")
    if kind == "Polygon":
        return {"type": kind, "coordinates": _polygon(coordinates, where, counter)}
    if not isinstance(coordinates, list) or not coordinates:
        raise GeoError(f"{where}：多面（MultiPolygon）的坐标应为面的列表")
    return {"type": kind, "coordinates": [_polygon(p, f"{where}第 {i} 个面", counter)
                                          for i, p in enumerate(coordinates, 1)]}


def _text_property(properties: dict, keys) -> str:
    for key in keys:
        value = properties.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()[:64]
    return ""


def _feature(value, where: str, counter: _Counter) -> Outline:
    if not isinstance(value, dict) or value.get("type") != "Feature":
        raise GeoError(f"{where}：应为要素（Feature）")
    properties = value.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        raise GeoError(f"{where}：属性（properties）应为对象")
    return Outline(_geometry(value.get("geometry"), where, counter), _text_property(properties, NAME_KEYS),
                   _text_property(properties, CODE_KEYS))


def parse_boundary(data: bytes, *, max_bytes: int, max_vertices: int, max_features: int = 500) -> ParsedBoundary:
    """Check an uploaded outline and normalise it. Raises GeoError (Chinese) at the first problem."""
    value = decode_geojson(data, max_bytes=max_bytes)
    if not isinstance(value, dict):
        raise GeoError("文件内容应为 GeoJSON 对象（FeatureCollection、Feature、Polygon 或 MultiPolygon）")
    counter = _Counter(max_vertices)
    kind = value.get("type")
    if kind == "FeatureCollection":
        features = value.get("features")
        if not isinstance(features, list) or not features:
            raise GeoError("要素集合（FeatureCollection）中没有要素")
        if len(features) > max_features:
            raise GeoError(f"要素过多（{len(features)} 个，最多 {max_features} 个）")
        outlines = [_feature(f, f"第 {i} 个要素", counter) for i, f in enumerate(features, 1)]
    elif kind == "Feature":
        outlines = [_feature(value, "要素", counter)]
    elif kind in GEOMETRY_TYPES:
        outlines = [Outline(_geometry(value, "几何对象", counter))]
    else:
        shown = kind if isinstance(kind, str) else "未知"
        raise GeoError(f"GeoJSON 类型为“{shown[:40]}”，边界只接受面（Polygon）或多面（MultiPolygon），"
                       f"或由它们组成的要素（Feature）/要素集合（FeatureCollection）")
    bbox = (counter.lon_min, counter.lat_min, counter.lon_max, counter.lat_max)
    _check_bbox(bbox)
    return ParsedBoundary(outlines, counter.vertices, bbox)


def _check_bbox(bbox: tuple[float, float, float, float]) -> None:
    lon_min, lat_min, lon_max, lat_max = bbox
    if inside_china(lon_min, lat_min) and inside_china(lon_max, lat_max):
        return
    if inside_china(lat_min, lon_min) and inside_china(lat_max, lon_max):
        raise GeoError("坐标顺序颠倒：GeoJSON 的坐标应为 [经度, 纬度]，文件中像是 [纬度, 经度]，" + CONVERT_HINT)
    beyond = [v for v in (lon_min, lon_max) if abs(v) > 180] + [v for v in (lat_min, lat_max) if abs(v) > 90]
    if beyond:
        raise GeoError(f"坐标超出经纬度范围（如 {beyond[0]:.0f}），像是投影坐标（单位为米，如 CGCS2000 高斯投影或 "
                       f"Web 墨卡托），{CONVERT_HINT}")
    raise GeoError(f"边界不在中国境内（范围：经度 {lon_min:.4f}—{lon_max:.4f}，纬度 {lat_min:.4f}—{lat_max:.4f}），"
                   f"{CONVERT_HINT}")


# ---- geometry helpers (the demo, the tests) -------------------------------------------------------------------


def _in_ring(lon: float, lat: float, ring: list) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def point_in_geometry(lon: float, lat: float, geometry: dict) -> bool:
    """Even-odd test over a Polygon or MultiPolygon (holes excluded)."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for rings in polygons:
        if _in_ring(lon, lat, rings[0]) and not any(_in_ring(lon, lat, hole) for hole in rings[1:]):
            return True
    return False


def geometry_bbox(geometry: dict) -> tuple[float, float, float, float]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    xs = [p[0] for rings in polygons for ring in rings for p in ring]
    ys = [p[1] for rings in polygons for ring in rings for p in ring]
    return min(xs), min(ys), max(xs), max(ys)
