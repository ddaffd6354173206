"""FilterSets for the talent lists: explicit fields, substring match for text, slugs for choices."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filters import (
    DataChoiceFilter,
    ManyToManySlugFilter,
    SlugChoiceField,
    TextSearchFilterSet,
    YearChoiceFilter,
    distinct_values,
)
from portal.models import sample_label

from .models import Award, AwardCategory, CycleStatus, Expert, ExpertField, Laureate, frequency_label


def published_award_categories(request):
    return AwardCategory.objects.published().select_related("award")


class CategoryChoiceField(SlugChoiceField):
    """Categories labelled with their award, so two awards' 专业技术人才 are told apart, and
    "（示例）" after a sample category (or one of a sample award)."""

    def label_from_instance(self, obj):
        return sample_label(f"{obj.award.name} · {obj.name}", obj.is_sample or obj.award.is_sample)


class CategoryChoiceFilter(ManyToManySlugFilter):
    field_class = CategoryChoiceField


def frequency_choices():
    return [(years, frequency_label(years)) for years in distinct_values(Award.objects.published(), "frequency_years")]


def institution_choices():
    """The institutions of published experts (one query). An institution that only sample experts
    name is labelled "（示例）"; one a real expert names too is a fact and stays plain."""
    rows = Expert.objects.published().order_by("institution").values_list("institution", "is_sample").distinct()
    names = list(dict.fromkeys(name for name, _is_sample in rows if name))
    real = {name for name, is_sample in rows if not is_sample}
    return [(name, sample_label(name, name not in real)) for name in names]


class AwardFilter(TextSearchFilterSet):
    text_fields = ("name", "summary", "description", "organiser")

    status = django_filters.ChoiceFilter(label=_("本届状态"), choices=CycleStatus.choices, field_name="current_phase")
    category = CategoryChoiceFilter(label=_("类别"), field_name="categories", queryset=published_award_categories)
    frequency = DataChoiceFilter(label=_("评选周期"), field_name="frequency_years", choices_from=frequency_choices)

    class Meta:
        model = Award
        fields = ["status", "category", "frequency", "q"]


class LaureateFilter(TextSearchFilterSet):
    text_fields = ("name", "organisation", "citation")

    year = YearChoiceFilter(
        label=_("年度"),
        field_name="cycle__year",
        years=lambda: distinct_values(Laureate.objects.published(), "cycle__year", descending=True),
    )
    category = CategoryChoiceFilter(label=_("类别"), queryset=published_award_categories)
    organisation = django_filters.CharFilter(label=_("工作单位"), lookup_expr="icontains", max_length=100)

    class Meta:
        model = Laureate
        fields = ["year", "category", "organisation", "q"]


class ExpertFilter(TextSearchFilterSet):
    text_fields = ("name", "institution", "bio")

    field = ManyToManySlugFilter(label=_("领域"), field_name="fields", queryset=ExpertField.objects.all())
    institution = DataChoiceFilter(
        label=_("所在单位"),
        choices_from=institution_choices,
    )

    class Meta:
        model = Expert
        fields = ["field", "title", "institution", "q"]
