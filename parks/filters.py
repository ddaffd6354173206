"""FilterSets for the park section's lists: explicit fields, substring match for text."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filters import (
    DataChoiceFilter,
    SlugChoiceFilter,
    TextSearchFilterSet,
    YearChoiceFilter,
    YearFilter,
    distinct_values,
)

from .models import Area, Honour, Indicator, Industry, Metric, MetricCategory, Milestone

YEAR_BOUNDS = {"min_value": 1900, "max_value": 2200}


class AreaFilter(TextSearchFilterSet):
    text_fields = ("name", "role", "description")

    class Meta:
        model = Area
        fields = ["q"]


def decade_choices():
    """The decades of the published timeline, from its distinct years (read along the timeline's
    index, in SQL: `dates()` would call back into Python for every milestone)."""
    decades = sorted({year // 10 * 10 for year in Milestone.objects.published().years()})
    return [(decade, _("%(decade)s年代") % {"decade": decade}) for decade in decades]


class MilestoneFilter(TextSearchFilterSet):
    text_fields = ("title", "body")

    decade = DataChoiceFilter(label=_("年代"), choices_from=decade_choices, method="filter_decade")
    year_from = YearFilter(label=_("起始年份"), field_name="date", lookup_expr="year__gte", **YEAR_BOUNDS)
    year_to = YearFilter(label=_("截止年份"), field_name="date", lookup_expr="year__lte", **YEAR_BOUNDS)

    class Meta:
        model = Milestone
        fields = ["decade", "year_from", "year_to", "q"]

    def filter_decade(self, queryset, name, value: int):
        return queryset.in_decade(int(value))


def published_metrics(request):
    # Only what an option shows (str(metric): name and unit) and its value (the slug).
    return Metric.objects.with_published_indicators().only("name", "slug", "unit")


class IndicatorFilter(django_filters.FilterSet):
    """Metric and category narrow the rows; the year only picks which year the table shows (the
    latest with data when none is chosen: IndicatorListView), since the charts beside it show
    every year of the same metrics. There is no "all years" choice: a table holds one year."""

    metric = SlugChoiceFilter(label=_("指标"), queryset=published_metrics)
    category = django_filters.ChoiceFilter(label=_("类别"), field_name="metric__category", choices=MetricCategory.choices)
    year = YearChoiceFilter(
        label=_("年份"),
        years=lambda: distinct_values(Indicator.objects.published(), "year", descending=True),
        method="choose_year",
        empty_label=None,
    )

    class Meta:
        model = Indicator
        fields = ["year", "category", "metric"]

    def choose_year(self, queryset, name, value):
        return queryset  # read by the view from the form's cleaned data, not a narrowing of the rows


class IndustryFilter(TextSearchFilterSet):
    text_fields = ("name", "description")

    class Meta:
        model = Industry
        fields = ["role", "q"]


class HonourFilter(TextSearchFilterSet):
    text_fields = ("name", "awarded_by", "holder", "stage", "distinction", "description")

    class Meta:
        model = Honour
        fields = ["level", "q"]
