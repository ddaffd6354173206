"""Template helpers of the park section: the per-metric bar chart, ranks as ranks."""

from django import template
from django.utils.translation import gettext as _

from portal.templatetags.portal_tags import figure, signed_percent

from ..charts import Point, bar_chart
from ..indicators import rank_text

register = template.Library()


@register.filter
def rank(indicator) -> str:
    """A ranking indicator as a rank: "第45位 / 156"."""
    return rank_text(indicator)


def _describe(indicator) -> str:
    text = f"{indicator.period_display}：{figure(indicator.value)}{indicator.metric.unit}"
    if indicator.yoy_change is not None:
        text += _("，同比%(change)s") % {"change": signed_percent(indicator.yoy_change)}
    return text


@register.inclusion_tag("parks/includes/_bar_chart.html")
def indicator_chart(series, chart_id):
    """A bar per indicator of `series` (a MetricSeries), each with its value written beside it."""
    points = [
        Point(
            label=str(row.year),
            value=row.value,
            value_text=figure(row.value),
            description=_describe(row),
            sublabel=_("截至%(month)s月") % {"month": row.as_of.month} if row.as_of else "",
        )
        for row in series.rows
    ]
    return {"chart": bar_chart(points), "series": series, "chart_id": chart_id}
