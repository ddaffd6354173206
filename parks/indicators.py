"""The indicators page's data, shared by its table, its charts and its CSV/JSON downloads.

`IndicatorTable` holds one year of the filtered indicators, grouped by theme (MetricCategory),
with each cell as the reader sees it; the page's table, the CSV and the JSON are written from the
same rows, so a download says exactly what the table shows. `series_by_theme` groups every year
of the same metrics for the charts. Everything works on rows already read (one query): the zone
publishes a few dozen metrics, a few hundred rows over all its years, so nothing here is paged.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.dates import format_precise_date
from portal.downloads import attachment_header
from portal.templatetags.portal_tags import figure, signed_percent

from .models import Indicator, Metric, MetricCategory

# "全国156家国家级高新区及苏州工业园中排位45": how many were ranked is the number before 家.
RANK_TOTAL = re.compile(r"(\d+)\s*家")

# The downloads' columns: key (JSON) and header (CSV), in the table's order.
COLUMNS = (
    ("category", gettext_lazy("类别")),
    ("metric", gettext_lazy("指标")),
    ("year", gettext_lazy("年份")),
    ("as_of", gettext_lazy("截至")),
    ("value", gettext_lazy("数值")),
    ("unit", gettext_lazy("单位")),
    ("rank_total", gettext_lazy("参与排位总数")),
    ("yoy_change", gettext_lazy("同比")),
    ("scope_note", gettext_lazy("统计口径")),
    ("note", gettext_lazy("备注")),
)


def rank_total(indicator: Indicator) -> int | None:
    """How many were ranked, as the row's scope or public note says it; None when neither does."""
    for text in (indicator.scope_note, indicator.note):
        match = RANK_TOTAL.search(text or "")
        if match:
            return int(match.group(1))
    return None


def rank_text(indicator: Indicator) -> str:
    """A ranking as a rank, never as an amount: "第45位 / 156" (or "第45位" when the total is unknown)."""
    text = _("第%(rank)s位") % {"rank": figure(indicator.value)}
    total = rank_total(indicator)
    return f"{text} / {total}" if total else text


def change_text(change: Decimal | None) -> str:
    """A year-on-year change in words and signed figures: "增长 +9.19%", "下降 −3.5%", "持平"."""
    if change is None:
        return ""
    if change > 0:
        return _("增长 %(change)s") % {"change": signed_percent(change)}
    if change < 0:
        return _("下降 %(change)s") % {"change": signed_percent(change)}
    return _("持平")


@dataclass(frozen=True)
class Row:
    """One indicator as the table shows it."""

    indicator: Indicator
    value: str  # the figure, or the rank for a ranking ("第45位 / 156")
    unit: str  # empty for a ranking, whose value says it
    as_of: str  # "2017年11月" when the value runs only to a date within the year
    change: str
    direction: str  # "up", "down", "flat" or ""

    @classmethod
    def of(cls, indicator: Indicator) -> "Row":
        metric = indicator.metric
        change = indicator.yoy_change
        direction = "" if change is None else "up" if change > 0 else "down" if change < 0 else "flat"
        as_of = format_precise_date(indicator.as_of, indicator.as_of_precision) if indicator.as_of else ""
        if metric.is_ranking:
            value, unit = rank_text(indicator), ""
        else:
            value, unit = figure(indicator.value), metric.unit
        return cls(indicator, value, unit, as_of, change_text(change), direction)

    def record(self) -> dict[str, str | int]:
        """The row for a download: the table's cells, the value as a plain number (and the rank's
        total in its own column) so a spreadsheet can compute with it."""
        indicator, metric = self.indicator, self.indicator.metric
        total = rank_total(indicator) if metric.is_ranking else None
        return {
            "category": metric.get_category_display(),
            "metric": metric.name,
            "year": indicator.year,
            "as_of": self.as_of,
            "value": figure(indicator.value),
            "unit": metric.unit,
            "rank_total": total or "",
            "yoy_change": self.change,
            "scope_note": indicator.scope_note,
            "note": indicator.note,
        }


@dataclass
class Theme:
    """A MetricCategory and what the page shows of it (table rows or metric series)."""

    category: MetricCategory
    items: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.category.label


class SeriesTheme(Theme):
    """A theme's metric series: those with a chart or ranks to show, and those with one value."""

    @property
    def shown_over_time(self) -> list["Series"]:
        return [series for series in self.items if not series.single_value]

    @property
    def single_values(self) -> list["Series"]:
        return [series for series in self.items if series.single_value]


def by_theme(items, metric_of, theme=Theme) -> list[Theme]:
    """`items` grouped by their metric's category, themes in MetricCategory's order, each theme's
    items in their metric's order (Metric.Meta.ordering: ordering, pk)."""
    order = {category: index for index, category in enumerate(MetricCategory)}

    def position(item):
        metric = metric_of(item)
        return order.get(metric.category, len(order)), metric.ordering, metric.pk

    themes: dict[str, Theme] = {}
    for item in sorted(items, key=position):
        category = metric_of(item).category
        if category not in themes:
            themes[category] = theme(MetricCategory(category))
        themes[category].items.append(item)
    return list(themes.values())


def latest_rankings(indicators) -> list[Indicator]:
    """The ranking rows of each park's latest ranking year among `indicators` (every published
    row, read already, their metric selected), in their order: what
    `Indicator.objects.published().rankings().latest_year()` selects, without another query."""
    rankings = [row for row in indicators if row.metric.category == MetricCategory.RANKING]
    latest: dict[int, int] = {}
    for row in rankings:
        latest[row.park_id] = max(latest.get(row.park_id, row.year), row.year)
    return [row for row in rankings if row.year == latest[row.park_id]]


@dataclass
class IndicatorTable:
    """One year of indicators, grouped by theme."""

    year: int | None
    themes: list[Theme]

    @classmethod
    def for_year(cls, indicators, year: int | None) -> "IndicatorTable":
        rows = [Row.of(indicator) for indicator in indicators if indicator.year == year]
        return cls(year, by_theme(rows, lambda row: row.indicator.metric))

    @property
    def rows(self) -> list[Row]:
        return [row for theme in self.themes for row in theme.items]

    def records(self) -> list[dict]:
        return [row.record() for row in self.rows]


@dataclass
class Series:
    """Every year of one metric (of one park), oldest first: a chart, a list of ranks or, with a
    single year, just its value."""

    metric: Metric
    park_id: int
    rows: list[Indicator] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.metric.slug}-{self.park_id}"

    @property
    def single_value(self) -> bool:
        """One year of an amount: its value says it all, a chart of one bar would add nothing."""
        return len(self.rows) == 1 and not self.metric.is_ranking

    @property
    def ranks(self) -> list[tuple[Indicator, str]]:
        return [(row, rank_text(row)) for row in self.rows]


def series_by_theme(indicators) -> list[Theme]:
    """Every indicator (ordered by year) as one series per metric and park, grouped by theme."""
    series: dict[tuple[int, int], Series] = {}
    for indicator in sorted(indicators, key=lambda row: row.year):
        key = (indicator.metric_id, indicator.park_id)
        if key not in series:
            series[key] = Series(indicator.metric, indicator.park_id)
        series[key].rows.append(indicator)
    return by_theme(series.values(), lambda item: item.metric, theme=SeriesTheme)


# --- downloads ------------------------------------------------------------------------------


def attachment(content: bytes | str, content_type: str, ascii_name: str, name: str) -> HttpResponse:
    """A download named plainly for old clients (filename=) and in full for the others (filename*=)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(ascii_name, name)
    return response


def csv_response(table: IndicatorTable, ascii_name: str, name: str) -> HttpResponse:
    """The table as CSV, UTF-8 with a byte-order mark so Excel reads the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(header) for _key, header in COLUMNS])
    for record in table.records():
        writer.writerow([record[key] for key, _header in COLUMNS])
    return attachment("\ufeff" + buffer.getvalue(), "text/csv; charset=utf-8", f"{ascii_name}.csv", f"{name}.csv")


def json_response(table: IndicatorTable, ascii_name: str, name: str, *, title: str, filters: dict) -> HttpResponse:
    """The table as JSON: the same fields as the CSV, under `columns` their Chinese headers."""
    document = {
        "title": title,
        "year": table.year,
        "filters": filters,
        "columns": [{"key": key, "label": str(header)} for key, header in COLUMNS],
        "rows": table.records(),
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return attachment(text, "application/json; charset=utf-8", f"{ascii_name}.json", f"{name}.json")
