"""FilterSets for the innovation section's lists.

Many-to-many facets (partner, field, qualification, platform, country) and the text search
filter through `pk__in` subqueries, so a row matching twice is still listed once and the list
keeps its query count however many links a row has.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filters import (
    DataChoiceFilter,
    ManyToManySlugFilter,
    TextSearchFilterSet,
    YearChoiceFilter,
    distinct_values,
    related_subquery,
    value_choices,
)

from .models import (
    Achievement,
    CapitalStage,
    Cooperation,
    Enterprise,
    Event,
    PartnerInstitution,
    Platform,
    Qualification,
    TechField,
)


def published_partners(request):
    return PartnerInstitution.objects.published()


def published_platforms(request):
    return Platform.objects.published()


class PlatformFilter(TextSearchFilterSet):
    text_fields = ("name", "summary", "body", "state_note", "partners__name", "tech_fields__name")

    partner = ManyToManySlugFilter(label=_("合作机构"), field_name="partners", queryset=published_partners)
    field = ManyToManySlugFilter(label=_("技术领域"), field_name="tech_fields", queryset=TechField.objects.all())

    class Meta:
        model = Platform
        fields = ["kind", "partner", "state", "field", "q"]


class PartnerFilter(TextSearchFilterSet):
    text_fields = ("name", "short_name", "city", "country", "description")

    country = DataChoiceFilter(
        label=_("国家"),
        choices_from=lambda: value_choices(PartnerInstitution.objects.published(), "country"),
    )

    class Meta:
        model = PartnerInstitution
        fields = ["kind", "country", "q"]


class EnterpriseFilter(TextSearchFilterSet):
    text_fields = ("name", "short_name", "sector", "description")

    flag = ManyToManySlugFilter(label=_("资质"), field_name="qualifications", queryset=Qualification.objects.all())
    stage = django_filters.ChoiceFilter(label=_("资本市场进程"), field_name="capital_stage", choices=CapitalStage.choices)
    platform = ManyToManySlugFilter(label=_("孵化平台"), field_name="incubated_at", queryset=published_platforms)

    class Meta:
        model = Enterprise
        fields = ["flag", "stage", "platform", "q"]


class EventFilter(TextSearchFilterSet):
    text_fields = ("name", "organisers", "description")

    year = YearChoiceFilter(label=_("年份"), years=lambda: distinct_values(Event.objects.published(), "year", descending=True))

    class Meta:
        model = Event
        fields = ["kind", "year", "q"]


class AchievementFilter(TextSearchFilterSet):
    text_fields = ("title", "parties", "venue", "distinction", "description", "enterprise__name")

    class Meta:
        model = Achievement
        fields = ["kind", "q"]


def cooperation_countries():
    partners = PartnerInstitution.objects.published().filter(cooperations__in=Cooperation.objects.published())
    return value_choices(partners, "country")


class CooperationFilter(TextSearchFilterSet):
    text_fields = ("title", "agreement", "partner_note", "distinction", "description", "partners__name")

    country = DataChoiceFilter(label=_("国家"), choices_from=cooperation_countries, method="filter_country")

    class Meta:
        model = Cooperation
        fields = ["scope", "state", "country", "q"]

    def filter_country(self, queryset, name, value):
        return related_subquery(queryset, "partners__country", value)
