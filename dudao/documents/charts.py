"""Small charts drawn with Pillow for Word documents (no browser, no network): horizontal bars with a value
axis, a unit in the title and optional threshold lines. The page itself uses ECharts."""

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"]


def _font(size: int):
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size, index=2)  # the SC face of the collection
    return ImageFont.load_default()


def bar_chart_png(title: str, rows: list[tuple[str, float | None]], *, maximum: float = 100,
                  lines: list[tuple[float, str]] = ()) -> bytes:
    """rows: (label, value); a None value is drawn as "—". Returns PNG bytes (1600 px wide)."""
    width, bar, gap, left, top = 1600, 26, 10, 420, 90
    height = top + len(rows) * (bar + gap) + 70
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(26), _font(22)
    draw.text((20, 20), title, fill="black", font=_font(30))
    span = width - left - 120
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar + gap)
        draw.text((20, y), label[:16], fill="black", font=small)
        if value is None:
            draw.text((left, y), "—", fill="gray", font=small)
            continue
        length = int(span * max(0.0, min(value, maximum)) / maximum)
        draw.rectangle([left, y, left + length, y + bar], fill="#0d6efd")
        draw.text((left + length + 8, y), f"{value:.1f}", fill="black", font=small)
    axis_y = top + len(rows) * (bar + gap) + 5
    draw.line([left, axis_y, left + span, axis_y], fill="black", width=2)
    for tick in range(0, int(maximum) + 1, max(1, int(maximum) // 5)):
        x = left + int(span * tick / maximum)
        draw.line([x, axis_y, x, axis_y + 8], fill="black", width=2)
        draw.text((x - 12, axis_y + 10), str(tick), fill="black", font=small)
    for value, label in lines:
        x = left + int(span * value / maximum)
        for y in range(top - 10, axis_y, 12):
            draw.line([x, y, x, y + 6], fill="#dc3545", width=2)
        draw.text((x + 4, top - 40), label, fill="#dc3545", font=small)
    del font
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
