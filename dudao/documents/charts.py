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


PALETTE = ["#dc3545", "#fd7e14", "#ffc107", "#d4e157", "#8bc34a", "#4caf50", "#26a69a", "#29b6f6", "#1e88e5",
           "#3949ab", "#6f42c1", "#6c757d"]


def stacked_bar_png(title: str, rows: list[tuple[str, list[tuple[str, float]]]]) -> bytes:
    """One horizontal bar per row split into its parts: rows = [(label, [(part label, share in %), …])], the parts
    in order (the same part labels in every row share a colour). A legend under the bars. PNG bytes, 1600 px wide."""
    labels: list[str] = []
    for _label, parts in rows:
        labels += [name for name, _share in parts if name not in labels]
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(labels)}
    width, bar, gap, left, top = 1600, 40, 16, 260, 90
    per_line = 6
    legend_lines = (len(labels) + per_line - 1) // per_line
    height = top + len(rows) * (bar + gap) + 60 + legend_lines * 40
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    small = _font(22)
    draw.text((20, 20), title, fill="black", font=_font(30))
    span = width - left - 60
    for i, (label, parts) in enumerate(rows):
        y = top + i * (bar + gap)
        draw.text((20, y + 6), label[:10], fill="black", font=small)
        x = float(left)
        for name, share in parts:
            length = span * max(0.0, min(float(share or 0), 100.0)) / 100
            if length >= 1:
                draw.rectangle([int(x), y, int(x + length), y + bar], fill=colours[name])
                if length > 60:
                    draw.text((int(x) + 4, y + 8), f"{share:.0f}%", fill="black", font=small)
            x += length
    axis_y = top + len(rows) * (bar + gap)
    for tick in range(0, 101, 20):
        tx = left + int(span * tick / 100)
        draw.line([tx, axis_y, tx, axis_y + 8], fill="black", width=2)
        draw.text((tx - 12, axis_y + 10), f"{tick}%", fill="black", font=small)
    for i, name in enumerate(labels):
        lx, ly = 20 + (i % per_line) * 260, axis_y + 50 + (i // per_line) * 40
        draw.rectangle([lx, ly, lx + 28, ly + 28], fill=colours[name])
        draw.text((lx + 36, ly), name[:10], fill="black", font=small)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
