"""Public pages of the park section. Every queryset starts from `.published()` (through the
portal's generic views) and carries the joins and prefetches its template needs, so each page
runs the same number of queries however many rows it shows."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import metadata
from portal.generic import PageMetadataMixin, PublishedDetailView, PublishedListView
from portal.models import SiteSettings
from portal.registry import registry

from .filters import AreaFilter, HonourFilter, IndicatorFilter, IndustryFilter, MilestoneFilter
from .models import Area, Honour, Indicator, Industry, Metric, MetricCategory, Milestone, Park
from .registrations import park_organization

LATEST_MILESTONE_COUNT = 5


class ParkDetailView(PublishedDetailView):
    """A park's profile: facts, profile items by kind, areas, industries, key figures, history."""

    model = Park
    template_name = "parks/park_detail.html"
    breadcrumb_parents = ("parks:park-home",)

    def get_queryset(self):
        published_indicators = Indicator.objects.published().select_related("metric")
        # The ranking has its own callout on the page, so it is not repeated among the key figures.
        key_figures = published_indicators.filter(featured=True).exclude(metric__category=MetricCategory.RANKING)
        return (
            super()
            .get_queryset()
            .select_related("photo")
            .prefetch_related(
                "profile_items",
                Prefetch("areas", queryset=Area.objects.published().select_related("photo")),
                Prefetch("industries", queryset=Industry.objects.published()),
                Prefetch(
                    "milestones",
                    queryset=Milestone.objects.published().latest_first()[:LATEST_MILESTONE_COUNT],
                    to_attr="latest_milestones",
                ),
                Prefetch(
                    "indicators",
                    queryset=key_figures.latest_year(),
                    to_attr="key_indicators",
                ),
                Prefetch("indicators", queryset=published_indicators.rankings().latest_year(), to_attr="rankings"),
                Prefetch("honours", queryset=Honour.objects.published()),
            )
        )

    def get_context_data(self, **kwargs):
        others = Park.objects.published().exclude(pk=self.object.pk) if self.object is not None else Park.objects.none()
        self.other_parks = list(others.only("name", "slug", "ordering"))
        context = super().get_context_data(**kwargs)
        context["other_parks"] = self.other_parks
        return context

    def get_structured_data(self, context):
        """The park as a GovernmentOrganization: the zone itself when it is the first published park."""
        park = self.object
        if park is None:
            return []
        is_zone = all((other.ordering, other.pk) > (park.ordering, park.pk) for other in self.other_parks)
        return [park_organization(self.request, park, is_zone=is_zone)]


class ParkHomeView(ParkDetailView):
    """/parks/: the first published park (by its ordering), or an empty state when there is none."""

    def get_object(self, queryset=None):
        return self.get_queryset().published().first()

    breadcrumb_parents = ()

    def get_breadcrumbs(self):
        return PageMetadataMixin.get_breadcrumbs(self)  # the section's home, named as registered


class AreaListView(PublishedListView):
    model = Area
    filterset_class = AreaFilter
    select_related = ("photo",)


class MilestoneListView(PublishedListView):
    model = Milestone
    filterset_class = MilestoneFilter
    select_related = ("photo",)


class IndustryListView(PublishedListView):
    model = Industry
    filterset_class = IndustryFilter


class HonourListView(PublishedListView):
    model = Honour
    filterset_class = HonourFilter


@dataclass
class MetricSeries:
    """One park's values of one metric, by year: a table and a chart on the indicators page."""

    park: Park
    metric: Metric
    rows: list[Indicator] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.metric.slug}-{self.park.pk}"


def metric_series(indicators) -> list[MetricSeries]:
    """Group indicators (ordered by metric, then year) into series, keeping that order."""
    series: dict[tuple[int, int], MetricSeries] = {}
    for indicator in indicators:
        key = (indicator.metric_id, indicator.park_id)
        if key not in series:
            series[key] = MetricSeries(park=indicator.park, metric=indicator.metric)
        series[key].rows.append(indicator)
    return list(series.values())


class IndicatorListView(PublishedListView):
    """Indicators grouped per metric; the page is a page of metrics, each with all its years.

    The filtered indicators are read in one query and grouped in Python: a metric never splits
    across two pages, and the query count does not grow with the number of metrics or years.
    """

    model = Indicator
    filterset_class = IndicatorFilter
    paginate_by = 8
    context_object_name = "series_list"
    select_related = ("metric", "park")

    def paginate_queryset(self, queryset, page_size):
        return super().paginate_queryset(metric_series(queryset), page_size)

    def get_structured_data(self, context):
        """The whole table (not this page of it) as a schema.org Dataset: its metrics and years."""
        request = self.request
        rows = Indicator.objects.published().order_by("metric__ordering", "metric_id", "year")
        rows = list(rows.values_list("metric__name", "year").distinct())
        if not rows:
            return []
        years = sorted({year for _name, year in rows})
        page = registry.page(request.resolver_match.view_name)
        node = {
            "@type": "Dataset",
            "name": _("%(zone)s主要经济指标") % {"zone": SiteSettings.for_request(request).zone_name},
            "description": page.description if page else "",
            "url": metadata.absolute(request, reverse("parks:indicator-list")),
            "temporalCoverage": str(years[0]) if len(years) == 1 else f"{years[0]}/{years[-1]}",
            "variableMeasured": list(dict.fromkeys(name for name, _year in rows)),
            "creator": metadata.zone_organization(request),
            "isAccessibleForFree": True,
            "inLanguage": metadata.CONTENT_LANGUAGE,
        }
        return [metadata.compact(node)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rankings"] = Indicator.objects.published().rankings().latest_year().select_related("metric", "park")
        context["multiple_parks"] = len({series.park.pk for series in context["series_list"]}) > 1
        return context
