"""Public pages of the innovation section. Querysets start from `.published()` (through the
portal's generic views) and prefetch only published related rows, so every page runs a fixed
number of queries however many rows, partners or photos it shows."""

from django.views.generic import TemplateView

from portal import metadata
from portal.dates import iso_precise_date
from portal.generic import PageMetadataMixin, PublishedDetailView, PublishedListView, public_rows

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


class InnovationHomeView(PageMetadataMixin, TemplateView):
    """The section's landing page: 双创 figures, the capital-market pipeline, platforms, and
    the way to every list."""

    template_name = "innovation/innovation_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = InnovationFigure.objects.published()
        groups = figure_groups(figures)
        context["figure_groups"] = [group for group in groups if group["group"] != FigureGroup.CAPITAL_MARKET]
        context["capital_figures"] = [figure for figure in figures if figure.group == FigureGroup.CAPITAL_MARKET]
        context["capital_policies"] = list(Policy.objects.published().filter(topic=PolicyTopic.CAPITAL_MARKET))
        pipeline = Enterprise.objects.published().exclude(capital_stage="").order_by("capital_stage", "ordering", "pk")
        context["pipeline"] = [
            {"stage": stage.value, "label": stage.label, "enterprises": [e for e in pipeline if e.capital_stage == stage]}
            for stage in CapitalStage
            if any(e.capital_stage == stage for e in pipeline)
        ]
        context["platforms"] = Platform.objects.published().prefetch_related(public_rows(Platform, "partners"))
        context["events"] = Event.objects.published()[:5]
        context["achievements"] = Achievement.objects.published().select_related("enterprise")[:3]
        context["cooperations"] = Cooperation.objects.published().prefetch_related(public_rows(Cooperation, "partners"))
        return context


class PlatformListView(PublishedListView):
    model = Platform
    filterset_class = PlatformFilter
    prefetch_related = ("partners", "tech_fields")


class PlatformDetailView(PublishedDetailView):
    model = Platform
    prefetch_related = ("partners", "tech_fields", "photos", "enterprises")
    breadcrumb_parents = ("innovation:innovation-home", "innovation:platform-list")


class PartnerListView(PublishedListView):
    model = PartnerInstitution
    template_name = "innovation/partner_list.html"
    filterset_class = PartnerFilter
    prefetch_related = ("platforms",)


class PartnerDetailView(PublishedDetailView):
    model = PartnerInstitution
    template_name = "innovation/partner_detail.html"
    context_object_name = "partner"
    prefetch_related = ("platforms", "platforms__tech_fields", "cooperations")
    breadcrumb_parents = ("innovation:innovation-home", "innovation:partner-list")


class EnterpriseListView(PublishedListView):
    model = Enterprise
    filterset_class = EnterpriseFilter
    prefetch_related = ("qualifications", "incubated_at")


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
    prefetch_related = ("partners", "tech_fields")
