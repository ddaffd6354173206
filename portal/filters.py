"""FilterSets for the portal's own lists: the gallery and articles."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Article, Photo, PhotoSection, PhotoTag


class PhotoFilter(django_filters.FilterSet):
    section = django_filters.ChoiceFilter(label=_("栏目"), choices=PhotoSection.choices, empty_label=_("全部栏目"))
    tag = django_filters.ModelChoiceFilter(
        label=_("标签"), field_name="tags", queryset=PhotoTag.objects.all(), to_field_name="slug", empty_label=_("全部标签")
    )
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")

    class Meta:
        model = Photo
        fields = ["section", "tag", "q"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(caption__icontains=value) | Q(credit__icontains=value) | Q(alt_text__icontains=value))


class ArticleFilter(django_filters.FilterSet):
    column = django_filters.ChoiceFilter(label=_("栏目"), choices=[], empty_label=_("全部栏目"))
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")

    class Meta:
        model = Article
        fields = ["column", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        columns = Article.objects.published().exclude(column="").order_by("column").values_list("column", flat=True).distinct()
        self.filters["column"].extra["choices"] = [(column, column) for column in columns]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(subtitle__icontains=value) | Q(summary__icontains=value))
