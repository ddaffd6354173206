"""Bar charts as inline SVG geometry, computed on the server: no script, no inline style.

`bar_chart()` turns (label, value) points into bars placed in a fixed-height drawing; the
template `parks/includes/_bar_chart.html` draws them with classes (CSP forbids style
attributes) and writes every value as text beside its bar.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

MIN_WIDTH = 360
SLOT_WIDTH = 72  # horizontal room per bar, so value labels such as "1872.45" do not overlap
MAX_BAR_WIDTH = 56
PLOT_HEIGHT = 160
MARGIN_TOP = 24  # room for the value above the tallest bar
MARGIN_BOTTOM = 44  # room for the period label (and a second line, such as 截至11月) under the axis
MARGIN_X = 12
WIDE_WIDTH = 640  # wider charts keep their size and scroll sideways instead of shrinking unreadably


@dataclass(frozen=True)
class Point:
    label: str  # short axis label, e.g. "2017"
    value: Decimal
    value_text: str  # the value as the reader sees it, e.g. "1829.84"
    description: str = ""  # the full sentence for assistive technology
    sublabel: str = ""  # a second line under the label, e.g. "截至11月" for a value short of a full year


@dataclass(frozen=True)
class Bar:
    point: Point
    x: str
    y: str
    width: str
    height: str
    centre: str
    value_y: str
    negative: bool


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    axis_y: str
    label_y: str
    sublabel_y: str
    bars: tuple[Bar, ...]

    @property
    def wide(self) -> bool:
        return self.width > WIDE_WIDTH


def _n(number: float) -> str:
    """A coordinate as SVG wants it, whatever the active locale's decimal separator."""
    return f"{number:.1f}"


def bar_chart(points: Sequence[Point]) -> BarChart:
    count = len(points)
    width = max(MIN_WIDTH, 2 * MARGIN_X + count * SLOT_WIDTH)
    height = MARGIN_TOP + PLOT_HEIGHT + MARGIN_BOTTOM
    values = [float(point.value) for point in points]
    top = max([0.0, *values])
    bottom = min([0.0, *values])
    scale = PLOT_HEIGHT / (top - bottom) if top > bottom else 0.0
    axis_y = MARGIN_TOP + top * scale
    slot = (width - 2 * MARGIN_X) / count if count else 0
    bar_width = min(MAX_BAR_WIDTH, slot * 0.6)
    bars = []
    for index, (point, value) in enumerate(zip(points, values, strict=True)):
        bar_height = abs(value) * scale
        negative = value < 0
        y = axis_y if negative else axis_y - bar_height
        centre = MARGIN_X + slot * index + slot / 2
        bars.append(
            Bar(
                point=point,
                x=_n(centre - bar_width / 2),
                y=_n(y),
                width=_n(bar_width),
                height=_n(bar_height),
                centre=_n(centre),
                # Above a positive bar; just above the axis for a negative one (it hangs below).
                value_y=_n((axis_y if negative else y) - 6),
                negative=negative,
            )
        )
    return BarChart(
        width=width,
        height=height,
        axis_y=_n(axis_y),
        label_y=_n(MARGIN_TOP + PLOT_HEIGHT + 20),
        sublabel_y=_n(MARGIN_TOP + PLOT_HEIGHT + 36),
        bars=tuple(bars),
    )
