"""FilterSets for the innovation section's lists.

Many-to-many facets (partner, field, qualification, platform, country) and the text search
filter through `pk__in` subqueries, so a row matching twice is still listed once and the list
keeps its query count however many links a row has.

A facet over a table that grows (partners, platforms) offers a bounded dropdown
(`OfferedSlugFilter`): the first CHOICE_LIMIT rows that would narrow the list, in the list's
own order, plus the current choice; any other row is still accepted (a link from its page), and
the keyword search finds the rest. Fields of work and qualifications are short reference lists
and are offered whole.
"""

import django_filters
from django.core.validators import slug_re
from django.db.models import Exists, OuterRef, Q
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from portal.filters import (
    DataChoiceFilter,
    ManyToManySlugFilter,
    SlugChoiceField,
    TextSearchFilterSet,
    YearChoiceFilter,
    distinct_values,
    related_subquery,
    value_choices,
)
from portal.models import sample_label
from portal.publishing import published_condition

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

# Options at most in a dropdown of partners or platforms, besides the current choice.
CHOICE_LIMIT = 30


def published_partners(request):
    return PartnerInstitution.objects.published()


def published_platforms(request):
    return Platform.objects.published()


def has_public_link(through, own: str, other_model, other: str) -> Exists:
    """Whether the outer row has a link in `through` (its column `own`) to a public row of
    `other_model` (column `other`). Two nested EXISTS, so every plan walks the outer rows in
    their order, finds a row's links by the link table's index and checks the other row by its
    primary key: the cost is that of the rows visited, with or without the database's statistics
    (SQLite without ANALYZE otherwise scans every public row of `other_model` for each outer row)."""
    public = other_model.objects.published().filter(pk=OuterRef(f"{other}_id"))
    return Exists(through.objects.filter(**{own: OuterRef("pk")}).filter(Exists(public)))


def partners_with_platforms():
    """Public partners of at least one public platform: the partners that narrow the platform list."""
    linked = has_public_link(Platform.partners.through, "partnerinstitution", Platform, "platform")
    return PartnerInstitution.objects.published().filter(linked)


def platforms_with_enterprises():
    """Public platforms that incubated at least one public enterprise: those that narrow the
    enterprise list."""
    linked = has_public_link(Enterprise.incubated_at.through, "platform", Enterprise, "enterprise")
    return Platform.objects.published().filter(linked)


class OfferedChoiceIterator(ModelChoiceIterator):
    """The options of an OfferedSlugChoiceField: its `offered` rows, not every row it accepts,
    read as (slug, name, is_sample) values: an option shows no more (`label_from_instance`: the
    name, which is the row's `__str__`, and the sample mark), so no model instance is built for
    each option of the dropdown."""

    def __init__(self, field):
        super().__init__(field)
        if field.offered is not None:
            self.queryset = field.offered

    def __iter__(self):
        if self.field.offered is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for slug, name, is_sample in self.queryset.values_list("slug", "name", "is_sample"):
            yield (slug, sample_label(name, is_sample))


class OfferedSlugChoiceField(SlugChoiceField):
    """Accepts any row of its queryset by slug, offers only `offered` (a queryset; None: all)
    and labels a sample row "（示例）"."""

    iterator = OfferedChoiceIterator
    offered = None

    def offer(self, rows) -> None:
        self.offered = rows
        self.widget.choices = self.choices  # the widget took its choices when the queryset was set

    def label_from_instance(self, obj):
        return sample_label(str(obj), obj.is_sample)


class OfferedSlugFilter(ManyToManySlugFilter):
    """A many-to-many slug choice whose dropdown stays the same size however many rows there are:
    it offers the first CHOICE_LIMIT rows of `offered()` (the rows that would narrow the list,
    in their model's order, read along the model's list index) and the row the request names,
    in one query. Any public row is accepted, so a link `?platform=<slug>` from elsewhere works."""

    field_class = OfferedSlugChoiceField

    def __init__(self, *args, offered, **kwargs):
        self.offered = offered
        super().__init__(*args, **kwargs)

    def chosen(self) -> str | None:
        """The slug the request names for this filter, when it could be one."""
        filterset = getattr(self, "parent", None)
        if filterset is None or not filterset.data:
            return None
        name = next((name for name, row in filterset.filters.items() if row is self), None)
        value = filterset.data.get(name) if name else None
        return value if isinstance(value, str) and len(value) <= 100 and slug_re.match(value) else None

    @property
    def field(self):
        field = super().field
        if field.offered is None:
            if chosen := self.chosen():
                condition = Q(pk__in=self.offered().values("pk")[:CHOICE_LIMIT])
                condition |= Q(pk__in=field.queryset.filter(slug=chosen).values("pk"))
                # Both subqueries hold public rows only: the options are read by primary key and the
                # few sorted, instead of walking every public row in order to pick out those few.
                field.offer(field.queryset.model._default_manager.filter(condition))
            else:
                # Nothing chosen: the first rows, read along the list index (one query level fewer to build).
                field.offer(self.offered()[:CHOICE_LIMIT])
        return field


class PlatformFilter(TextSearchFilterSet):
    text_fields = ("name", "summary", "body", "state_note", "partners__name", "tech_fields__name")

    partner = OfferedSlugFilter(
        label=_("合作机构"), field_name="partners", queryset=published_partners, offered=partners_with_platforms
    )
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
    platform = OfferedSlugFilter(
        label=_("孵化平台"), field_name="incubated_at", queryset=published_platforms, offered=platforms_with_enterprises
    )

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
    """The countries of the public partners of public cooperations, read from the cooperations
    outwards (their links, then each partner by primary key): the few cooperations decide the
    cost, not the number of partners (the demo data's thousands of partners are in none)."""
    cooperations = Cooperation.objects.published().filter(published_condition(PartnerInstitution, "partners__"))
    return value_choices(cooperations, "partners__country")


class CooperationFilter(TextSearchFilterSet):
    text_fields = ("title", "agreement", "partner_note", "distinction", "description", "partners__name")

    country = DataChoiceFilter(label=_("国家"), choices_from=cooperation_countries, method="filter_country")

    class Meta:
        model = Cooperation
        fields = ["scope", "state", "country", "q"]

    def filter_country(self, queryset, name, value):
        return related_subquery(queryset, "partners__country", value)
