"""Public pages of the innovation section. Querysets start from `.published()` (through the
portal's generic views) and prefetch only published related rows, so every page runs a fixed
number of queries however many rows, partners or photos it shows."""

from django.db.models import Count, Prefetch, Q
from django.views.generic import TemplateView

from portal import metadata
from portal.dates import iso_precise_date
from portal.generic import PageMetadataMixin, PublishedDetailView, PublishedListView, public_linked, public_rows

from .filters import AchievementFilter, CooperationFilter, EnterpriseFilter, EventFilter, PartnerFilter, PlatformFilter
from .models import (
    Achievement,
    CapitalStage,
    Cooperation,
    Enterprise,
    Event,
    FigureGroup,
    InnovationFigure,
    PartnerInstitution,
    Platform,
    Policy,
    PolicyTopic,
)


def figure_groups(figures) -> list[dict]:
    """Figures grouped in the order groups are declared: [{group, label, figures}]."""
    figures = list(figures)
    return [
        {"group": group.value, "label": group.label, "figures": [figure for figure in figures if figure.group == group]}
        for group in FigureGroup
        if any(figure.group == group for figure in figures)
    ]


# How many rows the landing page shows of each list; each block links to its full list.
HOME_PLATFORM_COUNT = 8
HOME_COOPERATION_COUNT = 6
HOME_STAGE_ENTERPRISE_COUNT = 8  # per capital-market stage; the stage links to its filtered list

# How many linked rows a card or a page lists; when there are more, it links to the filtered list.
CARD_PLATFORM_COUNT = 6  # a partner's platforms on its card in the partner list
PAGE_LINKED_COUNT = 30  # a partner's platforms, a platform's enterprises on their pages
# What a page shows of each linked row (templates/innovation/partner_detail.html, platform_detail.html).
LINKED_PLATFORM_FIELDS = ("name", "slug", "is_sample", "kind", "state", "state_note")
LINKED_ENTERPRISE_FIELDS = ("name", "slug", "is_sample")
# What a cooperation shows of its partners: links and, through Cooperation.countries(), their countries.
COOPERATION_PARTNER_FIELDS = ("name", "slug", "country", "is_international")


def first_linked(lookup: str, model, count: int, fields: tuple[str, ...]) -> Prefetch:
    """Prefetch the first `count` + 1 public rows of `model` at `lookup` into `first_<lookup>`,
    one query for all rows (Django numbers each row's links with a window function):
    `trim_linked` keeps `count` and notes whether there are more, so a row with hundreds of
    links loads (as model instances) `count` + 1 of them. "Public" is asked per linked row by
    primary key (EXISTS), so the query starts from the links whatever the database's statistics.

    Only `fields` of the linked rows are read (and numbered): each template that shows them must
    read no other, or each row would cost a query (tests/innovation/test_scale.py counts them).
    The database reads and sorts every link of the rows shown, found by the link table's index:
    the cost follows those rows' own links, not the table's size. No index can stop after the
    first ones, because the order (`ordering`, `id`) is the linked model's, not the link table's;
    `pk IN (a row's first links) OR …` per row, tried, sorted the same links and cost four times
    the CPU to build and compile (20 subqueries for a page of partners)."""
    return Prefetch(lookup, queryset=public_linked(model, fields)[: count + 1], to_attr=f"first_{lookup}")


def trim_linked(rows, lookup: str, count: int) -> None:
    """Cut each row's `first_<lookup>` to `count` rows and set `more_<lookup>` when it had more."""
    for row in rows:
        linked = getattr(row, f"first_{lookup}")
        setattr(row, f"more_{lookup}", len(linked) > count)
        setattr(row, f"first_{lookup}", linked[:count])


def capital_pipeline() -> list[dict]:
    """The capital-market stages with enterprises, in declared order: [{stage, label, count,
    enterprises}], `count` all the stage's public enterprises, `enterprises` the first
    HOME_STAGE_ENTERPRISE_COUNT of them. Two queries however many enterprises there are: the
    counts, read from the stage index alone, then the rows shown, `pk IN (first rows of a
    stage) OR …` (each subquery walks the stage index in order and stops after the few shown;
    numbering every public enterprise with a window function sorted them all)."""
    public = Enterprise.objects.published().exclude(capital_stage="")
    counts = dict(public.order_by().values_list("capital_stage").annotate(count=Count("pk")))
    stages = [stage for stage in CapitalStage if counts.get(stage.value)]
    firsts = Q()
    for stage in stages:
        firsts |= Q(pk__in=public.filter(capital_stage=stage).values("pk")[:HOME_STAGE_ENTERPRISE_COUNT])
    fields = ("name", "slug", "capital_stage", "is_sample")
    shown = list(Enterprise.objects.filter(firsts).only(*fields)) if stages else []
    return [
        {
            "stage": stage.value,
            "label": stage.label,
            "count": counts[stage.value],
            "enterprises": [enterprise for enterprise in shown if enterprise.capital_stage == stage],
        }
        for stage in stages
    ]


class InnovationHomeView(PageMetadataMixin, TemplateView):
    """The section's landing page: 双创 figures, the capital-market pipeline, platforms, and
    the way to every list. Each list shows its first few rows and links to the whole list, so
    the page does not grow with the number of platforms, enterprises or cooperations."""

    template_name = "innovation/innovation_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = InnovationFigure.objects.published()
        groups = figure_groups(figures)
        context["figure_groups"] = [group for group in groups if group["group"] != FigureGroup.CAPITAL_MARKET]
        context["capital_figures"] = [figure for figure in figures if figure.group == FigureGroup.CAPITAL_MARKET]
        context["capital_policies"] = list(Policy.objects.published().filter(topic=PolicyTopic.CAPITAL_MARKET))
        context["pipeline"] = capital_pipeline()
        # The summary shows a platform's name and state only: no partners to prefetch.
        platforms = Platform.objects.published().only("name", "slug", "state", "state_note", "is_sample")
        context["platforms"] = list(platforms[:HOME_PLATFORM_COUNT])
        context["events"] = Event.objects.published()[:5]
        context["achievements"] = list(Achievement.objects.published().select_related("enterprise")[:3])
        partners = public_rows(Cooperation, "partners", only=COOPERATION_PARTNER_FIELDS)
        cooperations = Cooperation.objects.published().prefetch_related(partners)
        context["cooperations"] = cooperations[:HOME_COOPERATION_COUNT]
        # A 示例 row among those shown: the sample banner and noindex (base.html).
        shown = [*context["platforms"], *context["achievements"]]
        shown += [enterprise for stage in context["pipeline"] for enterprise in stage["enterprises"]]
        context["shows_sample"] = any(row.is_sample for row in shown)
        return context


class PlatformListView(PublishedListView):
    model = Platform
    filterset_class = PlatformFilter
    prefetch_related = ("tech_fields",)
    download_resource = "innovation/platforms"

    def get_queryset(self):
        return super().get_queryset().prefetch_related(public_rows(Platform, "partners", only=("name", "slug")))


class PlatformDetailView(PublishedDetailView):
    """A platform, its partners, fields, photos and first PAGE_LINKED_COUNT enterprises (the
    enterprise list filtered by the platform has them all)."""

    model = Platform
    prefetch_related = ("partners", "tech_fields", "photos")
    breadcrumb_parents = ("innovation:innovation-home", "innovation:platform-list")

    def get_queryset(self):
        enterprises = first_linked("enterprises", Enterprise, PAGE_LINKED_COUNT, fields=LINKED_ENTERPRISE_FIELDS)
        return super().get_queryset().prefetch_related(enterprises)

    def get_context_data(self, **kwargs):
        trim_linked([self.object], "enterprises", PAGE_LINKED_COUNT)
        return super().get_context_data(**kwargs)


class PartnerListView(PublishedListView):
    """Partners, each card naming its first CARD_PLATFORM_COUNT platforms (and linking to the
    platform list filtered by the partner when it has more)."""

    model = PartnerInstitution
    template_name = "innovation/partner_list.html"
    filterset_class = PartnerFilter

    def get_queryset(self):
        platforms = first_linked("platforms", Platform, CARD_PLATFORM_COUNT, fields=("name", "slug"))
        return super().get_queryset().prefetch_related(platforms)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trim_linked(context["object_list"], "platforms", CARD_PLATFORM_COUNT)
        return context


class PartnerDetailView(PublishedDetailView):
    """A partner and its first PAGE_LINKED_COUNT platforms (the platform list filtered by the
    partner has them all)."""

    model = PartnerInstitution
    template_name = "innovation/partner_detail.html"
    context_object_name = "partner"
    prefetch_related = ("cooperations",)
    breadcrumb_parents = ("innovation:innovation-home", "innovation:partner-list")

    def get_queryset(self):
        platforms = first_linked("platforms", Platform, PAGE_LINKED_COUNT, fields=LINKED_PLATFORM_FIELDS)
        return super().get_queryset().prefetch_related(platforms)

    def get_context_data(self, **kwargs):
        trim_linked([self.object], "platforms", PAGE_LINKED_COUNT)
        return super().get_context_data(**kwargs)


class EnterpriseListView(PublishedListView):
    model = Enterprise
    filterset_class = EnterpriseFilter
    prefetch_related = ("qualifications",)
    download_resource = "innovation/enterprises"

    def get_queryset(self):
        return super().get_queryset().prefetch_related(public_rows(Enterprise, "incubated_at", only=("name", "slug")))


class EnterpriseDetailView(PublishedDetailView):
    model = Enterprise
    prefetch_related = ("qualifications", "incubated_at", "achievements")
    breadcrumb_parents = ("innovation:innovation-home", "innovation:enterprise-list")


def event_node(request, event: Event) -> dict:
    """An event as schema.org Event, dated only as precisely as known (a year: "2017")."""
    start = iso_precise_date(event.date, event.date_precision) if event.date else str(event.year)
    node = {
        "@type": "Event",
        "name": event.name,
        "startDate": start,
        "organizer": metadata.organization(event.organisers),
        "description": event.description,
        "url": metadata.absolute(request, event.get_absolute_url()),
    }
    return metadata.compact(node)


class EventListView(PublishedListView):
    model = Event
    filterset_class = EventFilter
    prefetch_related = ("photos",)

    def get_structured_data(self, context):
        return [event_node(self.request, event) for event in context["object_list"]]


class AchievementListView(PublishedListView):
    model = Achievement
    filterset_class = AchievementFilter
    select_related = ("enterprise",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["transfer_figures"] = InnovationFigure.objects.published().filter(group=FigureGroup.TECH_TRANSFER)
        return context


class CooperationListView(PublishedListView):
    model = Cooperation
    filterset_class = CooperationFilter
    prefetch_related = ("tech_fields",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related(public_rows(Cooperation, "partners", only=COOPERATION_PARTNER_FIELDS))
