"""Public pages of the park section. Every queryset starts from `.published()` (through the
portal's generic views) and carries the joins and prefetches its template needs, so each page
runs the same number of queries however many rows it shows."""

from django.db.models import Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import metadata
from portal.generic import PageMetadataMixin, PublishedDetailView, PublishedListView
from portal.models import SiteSettings
from portal.registry import registry

from .filters import AreaFilter, HonourFilter, IndicatorFilter, IndustryFilter, MilestoneFilter
from .indicators import IndicatorTable, csv_response, json_response, latest_rankings, series_by_theme
from .models import Area, Honour, Indicator, Industry, MetricCategory, Milestone, Park, ProfileItem
from .registrations import park_organization

# How many rows of each list a park's page shows; each block links to its full list.
LATEST_MILESTONE_COUNT = 5
PARK_PAGE_ROWS = 24  # areas, industries and honours


def park_page_rows(park: Park) -> dict:
    """What a park's page shows besides the park, each list read with one plain query filtered
    on the park (no prefetch machinery: one park, so nothing to batch) and capped, so the page
    neither grows nor slows with the rows: profile items, areas, industries, the latest
    milestones, honours, and in one query the latest year's key figures and rankings.

    Each list is ordered by its own columns (its Meta.ordering starts with the park, which would
    join and sort by the park's ordering: one park here) and reads only the columns the page
    shows, so there is less SQL to build and fewer values to turn into model fields.
    """
    if park is None:
        return {}
    indicators = Indicator.objects.published().filter(park=park)
    key_figures = indicators.filter(featured=True).exclude(metric__category=MetricCategory.RANKING)
    rankings = indicators.rankings()
    # The latest year is chosen for the key figures and for the rankings each on its own rows,
    # as `latest_year()` would; one query reads both and they are told apart by the category.
    latest_key_year = key_figures.order_by("-year").values("year")[:1]
    latest_ranking_year = rankings.order_by("-year").values("year")[:1]
    latest = indicators.filter(
        (Q(featured=True) & ~Q(metric__category=MetricCategory.RANKING) & Q(year=Subquery(latest_key_year)))
        | (Q(metric__category=MetricCategory.RANKING) & Q(year=Subquery(latest_ranking_year)))
    )
    latest = list(latest.select_related("metric"))
    industries = Industry.objects.published().filter(park=park).order_by("role", "ordering", "pk")
    areas = Area.objects.published().filter(park=park).order_by("ordering", "pk")
    milestones = Milestone.objects.published().filter(park=park).latest_first()
    honours = Honour.objects.published().filter(park=park)  # ordered by its own columns already
    items = ProfileItem.objects.filter(park=park).order_by("kind", "ordering", "pk").only("kind", "text", "description")
    return {
        "profile_sections": park.profile_sections(list(items)),
        "rankings": [row for row in latest if row.metric.category == MetricCategory.RANKING],
        "key_indicators": [row for row in latest if row.metric.category != MetricCategory.RANKING],
        "industries": list(industries.only("park_id", "name", "slug", "role")[:PARK_PAGE_ROWS]),
        "areas": list(areas.only("park_id", "name", "slug", "role", "date", "date_precision", "date_label")[:PARK_PAGE_ROWS]),
        "latest_milestones": list(milestones.only("park_id", "title", "date", "date_precision")[:LATEST_MILESTONE_COUNT]),
        "honours": list(honours.only("park_id", "name", "level", "distinction")[:PARK_PAGE_ROWS]),
    }


class ParkDetailView(PublishedDetailView):
    """A park's profile: facts, profile items by kind, areas, industries, key figures, history."""

    model = Park
    template_name = "parks/park_detail.html"
    breadcrumb_parents = ("parks:park-home",)
    select_related = ("photo",)

    def get_context_data(self, **kwargs):
        others = Park.objects.published().exclude(pk=self.object.pk) if self.object is not None else Park.objects.none()
        # A zone's parks are a handful; capped all the same, so a demo's many 示例 parks cannot
        # grow the page. is_sample: the 示例 badge.
        self.other_parks = list(others.only("name", "slug", "ordering", "is_sample")[:PARK_PAGE_ROWS])
        context = super().get_context_data(**kwargs)
        context["other_parks"] = self.other_parks
        context.update(park_page_rows(self.object))
        return context

    def get_structured_data(self, context):
        """The park as a GovernmentOrganization: the zone itself when it is the first published park."""
        park = self.object
        if park is None:
            return []
        # The others are in the parks' order, so the first of them decides (the list is capped).
        is_zone = all((other.ordering, other.pk) > (park.ordering, park.pk) for other in self.other_parks[:1])
        return [park_organization(self.request, park, is_zone=is_zone)]


class ParkHomeView(ParkDetailView):
    """/parks/: the first published park (by its ordering), or an empty state when there is none."""

    def get_object(self, queryset=None):
        # Staff too see the first published park here (no preview). Not get_queryset().published():
        # for the public get_queryset() is published() already, and its conditions would repeat.
        return Park.objects.published().select_related(*self.select_related).first()

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
    download_resource = "parks/honours"


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
        valid = self.filterset.is_valid()
        chosen = form.cleaned_data.get("year") if valid else None
        # Neither a metric nor a category chosen (the year narrows nothing): the rows are every
        # published indicator, so the rankings and the dataset's description are read from them
        # instead of being queried again.
        narrowed = form.is_bound and (not valid or form.cleaned_data.get("metric") or form.cleaned_data.get("category"))
        self.every_indicator = None if narrowed else indicators
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
        if self.every_indicator is not None:
            context["rankings"] = latest_rankings(self.every_indicator)
        else:
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
        every_indicator = getattr(self, "every_indicator", None)
        if every_indicator is not None:  # in the same order: metric (ordering, pk), year
            rows = [(row.metric.name, row.year) for row in every_indicator]
        else:
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
