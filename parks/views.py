"""Public pages of the park section. Every queryset starts from `.published()` (through the
portal's generic views) and carries the joins and prefetches its template needs, so each page
runs the same number of queries however many rows it shows."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import metadata
from portal.generic import PageMetadataMixin, PublishedDetailView, PublishedListView
from portal.models import SiteSettings
from portal.registry import registry

from .filters import AreaFilter, HonourFilter, IndicatorFilter, IndustryFilter, MilestoneFilter
from .indicators import IndicatorTable, csv_response, json_response, series_by_theme
from .models import Area, Honour, Indicator, Industry, MetricCategory, Milestone, Park
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


DOWNLOAD_FORMATS = ("csv", "json")


class IndicatorListView(PublishedListView):
    """A year's indicators as one table grouped by theme, each metric's years as a chart, and the
    table as CSV or JSON (?format=csv|json, with the same filters).

    The filtered indicators of every year are read in one query and arranged in Python
    (parks.indicators): the table takes the chosen year's rows (the latest year with data unless
    one is chosen), the charts every year. Nothing is paged and nothing needs to be: the zone
    publishes a few dozen metrics, so a year's table is a few dozen rows and all years together
    a few hundred; the query count stays the same however many there are.
    """

    model = Indicator
    filterset_class = IndicatorFilter
    paginate_by = None  # a year's table is never split across pages
    select_related = ("metric", "park")

    def get_context_data(self, **kwargs):
        indicators = list(kwargs.pop("object_list", self.object_list))
        form = self.filterset.form
        chosen = form.cleaned_data.get("year") if self.filterset.is_valid() else None
        year = int(chosen) if chosen else max((row.year for row in indicators), default=None)
        self.table = IndicatorTable.for_year(indicators, year)
        context = super().get_context_data(object_list=[row.indicator for row in self.table.rows], **kwargs)
        if year is not None and not chosen:  # show the year the table defaulted to as chosen
            if form.is_bound:
                form.data = form.data.copy()
                form.data["year"] = str(year)
            else:
                form.initial["year"] = year
        context["table"] = self.table
        context["series_themes"] = series_by_theme(indicators)
        context["rankings"] = Indicator.objects.published().rankings().latest_year().select_related("metric", "park")
        return context

    def render_to_response(self, context, **response_kwargs):
        kind = self.request.GET.get("format")
        if kind not in DOWNLOAD_FORMATS:
            return super().render_to_response(context, **response_kwargs)
        table = self.table
        chosen = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        filters = {key: getattr(value, "slug", value) for key, value in chosen.items() if value}  # a metric by its slug
        filters["year"] = table.year
        suffix = "".join(f"-{filters[key]}" for key in ("category", "metric") if key in filters)
        ascii_name = f"indicators-{table.year or 'none'}{suffix}"
        title = _("%(zone)s主要经济指标") % {"zone": SiteSettings.for_request(self.request).zone_name}
        name = f"{title}-{table.year or ''}{suffix}"
        if kind == "csv":
            return csv_response(table, ascii_name, name)
        return json_response(table, ascii_name, name, title=title, filters=filters)

    def get_structured_data(self, context):
        """Every year of every metric (not only this year's table) as a schema.org Dataset, with the
        latest year's table as its CSV and JSON downloads."""
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
            "distribution": [
                {
                    "@type": "DataDownload",
                    "encodingFormat": content_type,
                    "contentUrl": metadata.absolute(request, reverse("parks:indicator-list") + f"?format={kind}"),
                }
                for kind, content_type in (("csv", "text/csv"), ("json", "application/json"))
            ],
            "isAccessibleForFree": True,
            "inLanguage": metadata.CONTENT_LANGUAGE,
        }
        return [metadata.compact(node)]
