"""FilterSets for the talent lists: explicit fields, substring match for text, slugs for choices."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filters import ManyToManySlugFilter, SlugChoiceField, TextSearchFilterSet

from .models import Award, AwardCategory, CycleStatus, Expert, ExpertField, ExpertTitle, Laureate


def published_award_categories(request):
    return AwardCategory.objects.published().select_related("award")


class CategoryChoiceField(SlugChoiceField):
    """Categories labelled with their award, so two awards' 专业技术人才 are told apart."""

    def label_from_instance(self, obj):
        return f"{obj.award.name} · {obj.name}"


class CategoryChoiceFilter(ManyToManySlugFilter):
    field_class = CategoryChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class AwardFilter(TextSearchFilterSet):
    text_fields = ("name", "summary", "description", "organiser")

    status = django_filters.ChoiceFilter(
        label=_("本届状态"), choices=CycleStatus.choices, field_name="current_phase", empty_label=_("全部状态")
    )
    category = CategoryChoiceFilter(
        label=_("类别"), field_name="categories", queryset=published_award_categories, empty_label=_("全部类别")
    )
    frequency = django_filters.ChoiceFilter(label=_("评选周期"), field_name="frequency_years", choices=[], empty_label=_("不限"))

    class Meta:
        model = Award
        fields = ["status", "category", "frequency", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = Award.objects.published().order_by("frequency_years").values_list("frequency_years", flat=True).distinct()
        self.filters["frequency"].extra["choices"] = [
            (years_, _("每年一次") if years_ == 1 else _("每%(years)s年一次") % {"years": years_}) for years_ in years
        ]


class LaureateFilter(TextSearchFilterSet):
    text_fields = ("name", "organisation", "citation")

    year = django_filters.ChoiceFilter(label=_("年度"), field_name="cycle__year", choices=[], empty_label=_("全部年度"))
    category = CategoryChoiceFilter(label=_("类别"), queryset=published_award_categories, empty_label=_("全部类别"))
    organisation = django_filters.CharFilter(label=_("工作单位"), lookup_expr="icontains", max_length=100)

    class Meta:
        model = Laureate
        fields = ["year", "category", "organisation", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = (
            Laureate.objects.published()
            .order_by("-cycle__year")
            .values_list("cycle__year", flat=True)
            .distinct()
        )
        self.filters["year"].extra["choices"] = [(year, _("%(year)s年") % {"year": year}) for year in years]


class ExpertFilter(TextSearchFilterSet):
    text_fields = ("name", "institution", "bio")

    field = ManyToManySlugFilter(
        label=_("领域"),
        field_name="fields",
        queryset=ExpertField.objects.all(),
        to_field_name="slug",
        empty_label=_("全部领域"),
    )
    title = django_filters.ChoiceFilter(label=_("职称"), choices=ExpertTitle.choices, empty_label=_("全部职称"))
    institution = django_filters.ChoiceFilter(label=_("所在单位"), choices=[], empty_label=_("全部单位"))

    class Meta:
        model = Expert
        fields = ["field", "title", "institution", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        institutions = Expert.objects.published().order_by("institution").values_list("institution", flat=True).distinct()
        self.filters["institution"].extra["choices"] = [(name, name) for name in institutions]
