"""FilterSets for the talent lists: explicit fields, substring match for text, slugs for choices.

No choice lists every row of a big table: categories and institutions offer a bounded number of
choices plus the one in the address (`CHOICES_SHOWN`); the years come from the cycles."""

import django_filters
from django.core.validators import slug_re
from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceIterator

from portal.filters import (
    DataChoiceFilter,
    ManyToManySlugFilter,
    SlugChoiceField,
    SlugChoiceFilter,
    TextSearchFilterSet,
    YearChoiceFilter,
    distinct_values,
)
from portal.models import sample_label

from .models import (
    Award,
    AwardCategory,
    AwardCycle,
    CycleStatus,
    Expert,
    ExpertField,
    Laureate,
    frequency_label,
    public_in_its_cycle,
)

# How many categories or institutions a filter offers (besides the chosen one): a select of
# every row would grow with the data (148 categories, 10,000 experts' institutions at scale).
CHOICES_SHOWN = 30


def chosen(value, *, slug: bool = False) -> str:
    """The value the address chose, if it can be one (a slug, a short text without NUL, which
    PostgreSQL refuses): it orders the bounded choices so the choice in force is always shown."""
    value = value if isinstance(value, str) else ""
    if "\x00" in value or len(value) > 100 or (slug and not slug_re.match(value)):
        return ""
    return value


def published_award_categories(request):
    return AwardCategory.objects.published().select_related("award")


class ShownChoices(ModelChoiceIterator):
    """The first CHOICES_SHOWN rows in the field's `shown_order`, and the chosen one (one query),
    listed in the model's own order (`shown_sort_key`)."""

    def __iter__(self):
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        current = Case(When(slug=field.current, then=Value(1)), default=Value(0), output_field=IntegerField())
        rows = list(field.queryset.order_by(current.desc(), *field.shown_order)[:CHOICES_SHOWN])
        rows.sort(key=field.shown_sort_key)  # Meta.ordering
        for row in rows:
            yield self.choice(row)


class BoundedSlugChoiceField(SlugChoiceField):
    """Any published row is a valid choice; the select shows a bounded number of them and the
    chosen one (ShownChoices)."""

    iterator = ShownChoices
    shown_order = ("ordering", "pk")

    def __init__(self, *args, current: str = "", **kwargs):
        self.current = current
        super().__init__(*args, **kwargs)

    @staticmethod
    def shown_sort_key(row):
        return (row.ordering, row.pk)


class CategoryChoiceField(BoundedSlugChoiceField):
    """Categories in the awards' order, labelled with their award, so two awards' 专业技术人才 are
    told apart, and "（示例）" after a sample category (or one of a sample award)."""

    shown_order = ("award", "ordering", "pk")

    @staticmethod
    def shown_sort_key(row):
        return (row.award.ordering, row.award_id, row.ordering, row.pk)

    def label_from_instance(self, obj):
        return sample_label(f"{obj.award.name} · {obj.name}", obj.is_sample or obj.award.is_sample)


class AwardChoiceField(BoundedSlugChoiceField):
    """Awards, "（示例）" after a sample one."""

    def label_from_instance(self, obj):
        return sample_label(obj.name, obj.is_sample)


class ChosenValueMixin:
    """A bounded choice filter told the chosen slug (`current`, by BoundedChoicesFilterSet), which
    its field always shows."""

    current = ""

    @property
    def field(self):
        self.extra["current"] = self.current
        return super().field


class AwardChoiceFilter(ChosenValueMixin, SlugChoiceFilter):
    """A laureate list of one award (?award=<slug>), e.g. a past cycle's laureates with ?year=
    (linked from the award's page, which lists the laureates of its newest cycles only)."""

    field_class = AwardChoiceField


def published_awards(request):
    return Award.objects.published()


class CategoryChoiceFilter(ChosenValueMixin, ManyToManySlugFilter):
    field_class = CategoryChoiceField


class BoundedChoicesFilterSet(TextSearchFilterSet):
    """Tells its bounded choice filters (`bounded_filters`: name → "slug" or "text") which value
    the address chose, so they always show it."""

    bounded_filters: dict[str, str] = {}

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for name, kind in self.bounded_filters.items():
            value = chosen(data.get(name) if data is not None else "", slug=kind == "slug")
            self.filters[name].current = value


def frequency_choices():
    return [(years, frequency_label(years)) for years in distinct_values(Award.objects.published(), "frequency_years")]


def institution_choices(current: str = ""):
    """The CHOICES_SHOWN institutions most published experts name, and `current` if an expert
    names it, by name (one query). An institution that only sample experts name is labelled
    "（示例）"; one a real expert names too is a fact and stays plain."""
    # An aggregate (not a grouped expression), so the rows are grouped in the index's order.
    is_current = Max(Case(When(institution=current, then=Value(1)), default=Value(0), output_field=IntegerField()))
    rows = (
        Expert.objects.published()
        .exclude(institution="")
        .values("institution")
        .annotate(experts=Count("pk"), real=Count("pk", filter=Q(is_sample=False)), is_current=is_current)
        .order_by("-is_current", "-experts", "institution")[:CHOICES_SHOWN]
    )
    return [
        (row["institution"], sample_label(row["institution"], not row["real"]))
        for row in sorted(rows, key=lambda row: row["institution"])
    ]


class InstitutionChoiceFilter(DataChoiceFilter):
    """The institution choices: the most named ones and the chosen one (institution_choices)."""

    current = ""  # the chosen institution (BoundedChoicesFilterSet)

    def __init__(self, *args, **kwargs):
        # A bound method: the FilterSet's deep copy of this filter reads its own `current`.
        super().__init__(*args, choices_from=self.shown_choices, **kwargs)

    def shown_choices(self):
        return institution_choices(self.current)


def laureate_years():
    """The years of published cycles that have published laureates, newest first: read from the
    cycles (one row a cycle, each asked through an index), never by going through every laureate."""
    has_laureates = Exists(Laureate.objects.filter(public_in_its_cycle(), cycle=OuterRef("pk")))
    return distinct_values(AwardCycle.objects.published().filter(has_laureates), "year", descending=True)


class AwardFilter(BoundedChoicesFilterSet):
    bounded_filters = {"category": "slug"}
    text_fields = ("name", "summary", "description", "organiser")

    status = django_filters.ChoiceFilter(label=_("本届状态"), choices=CycleStatus.choices, field_name="current_phase")
    category = CategoryChoiceFilter(label=_("类别"), field_name="categories", queryset=published_award_categories)
    frequency = DataChoiceFilter(label=_("评选周期"), field_name="frequency_years", choices_from=frequency_choices)

    class Meta:
        model = Award
        fields = ["status", "category", "frequency", "q"]


class LaureateFilter(BoundedChoicesFilterSet):
    text_fields = ("name", "organisation", "citation")
    bounded_filters = {"award": "slug", "category": "slug"}

    year = YearChoiceFilter(label=_("年度"), field_name="cycle__year", years=laureate_years)
    award = AwardChoiceFilter(label=_("奖项"), field_name="cycle__award", queryset=published_awards)
    category = CategoryChoiceFilter(label=_("类别"), queryset=published_award_categories)
    organisation = django_filters.CharFilter(label=_("工作单位"), lookup_expr="icontains", max_length=100)

    class Meta:
        model = Laureate
        fields = ["year", "award", "category", "organisation", "q"]


class ExpertFilter(BoundedChoicesFilterSet):
    text_fields = ("name", "institution", "bio")
    bounded_filters = {"institution": "text"}

    field = ManyToManySlugFilter(label=_("领域"), field_name="fields", queryset=ExpertField.objects.all())
    institution = InstitutionChoiceFilter(label=_("所在单位"))

    class Meta:
        model = Expert
        fields = ["field", "title", "institution", "q"]
