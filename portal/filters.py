"""Filter building blocks every section uses, and the FilterSets of the gallery and articles."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db.models import Q
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import ModelChoiceField

from .models import Article, Photo, PhotoTag


class YearFilter(django_filters.NumberFilter):
    """A whole year within plausible bounds, so no value can reach date() and fail."""

    field_class = forms.IntegerField


class SlugChoiceField(ModelChoiceField):
    """Refuses what cannot be a slug (e.g. a NUL byte, which PostgreSQL rejects) before any query."""

    def to_python(self, value):
        if value not in self.empty_values and not slug_re.match(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of a row by its slug (?tag=jian-zhu)."""

    field_class = SlugChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class DataChoiceFilter(django_filters.ChoiceFilter):
    """A choice among the values the published data has: `choices_from()` returns (value,
    label) pairs, read once per request when the form is built (one query)."""

    def __init__(self, *args, choices_from, **kwargs):
        self.choices_from = choices_from
        super().__init__(*args, choices=[], **kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            self.extra["choices"] = list(self.choices_from())
        return super().field


def distinct_values(queryset, field: str, *, descending: bool = False) -> list:
    """The distinct non-empty values of `field` in `queryset`, sorted (one query)."""
    values = queryset.order_by(f"-{field}" if descending else field).values_list(field, flat=True).distinct()
    return [value for value in values if value not in ("", None)]


def value_choices(queryset, field: str) -> list[tuple]:
    """Choices named by the values themselves (a country, an institution), as the data has them."""
    return [(value, value) for value in distinct_values(queryset, field)]


def year_label(year) -> str:
    return _("%(year)s年") % {"year": year}


class YearChoiceFilter(DataChoiceFilter):
    """The years the published rows of `years()` have, newest first: "2017年"."""

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, choices_from=lambda: [(year, year_label(year)) for year in years()], **kwargs)


def related_subquery(queryset, lookup, value):
    """Rows of `queryset` matching `lookup=value`, answered as `pk IN (subquery)`: a lookup across
    a many-to-many or reverse relation lists each row once and adds no query."""
    return queryset.filter(pk__in=queryset.model._default_manager.filter(**{lookup: value}).values("pk"))


class ManyToManySlugFilter(SlugChoiceFilter):
    """A slug choice over a many-to-many (or reverse) relation, one row per match."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return related_subquery(qs, self.field_name, value)


def _attrs_html(attrs: dict) -> str:
    """Django's widgets/attrs.html in Python: ` name="value"`, a bare ` name` for True, none for False."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """A <select> written in Python with the markup of Django's select.html and
    select_option.html, straight from its choices: the template engine's include for every
    option, and the option dicts `optgroups()` builds for it, cost more than the rest of a list
    page's filter form. PublishedListView gives its filter forms' selects this class."""

    def render(self, name, value, attrs=None, renderer=None):
        selected_values = set(self.format_value(value))
        attrs = self.build_attrs(self.attrs, attrs)
        html = [format_html('<select name="{}"', name), _attrs_html(attrs), ">"]
        has_selected = False
        for group_value, group_label in self.choices:
            group_value = "" if group_value is None else group_value
            grouped = isinstance(group_label, list | tuple)
            if grouped:
                html.append(format_html('\n  <optgroup label="{}">', group_value))
            for option_value, option_label in group_label if grouped else [(group_value, group_label)]:
                text = str(option_value)
                selected = (not has_selected or self.allow_multiple_selected) and text in selected_values
                has_selected |= selected
                html.append(f'\n  <option value="{escape(text)}"{" selected" if selected else ""}>')
                html.append(f"{conditional_escape(option_label)}</option>\n")  # the option template's last newline
            if grouped:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # every value above is escaped


class TextSearchFilterSet(django_filters.FilterSet):
    """A `q` filter matching any of `text_fields` (icontains: right for Chinese). Fields may
    cross relations (`partners__name`, `enterprise__name`).

    The row's own columns are matched on the row itself, so a page stops at its last row and a
    capped count at its cap. Each relation is matched through its own `pk IN (subquery)` over
    the related rows the public can see: one subquery joining every relation would OR across
    LEFT OUTER JOINs, reading each row once per (partner, field) pair (5,000 platforms: the
    page's rows 59 → 0.7 ms), would repeat rows, and would find a row by the name of a draft
    partner the page never shows."""

    text_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(label=_("关键词"), method="filter_text", max_length=100)

    def filter_text(self, queryset, name, value):
        model = queryset.model
        condition, related = Q(), {}
        for field_name in self.text_fields:
            relation, _, rest = field_name.partition("__")
            if rest:
                related[relation] = related.get(relation, Q()) | Q(**{f"{rest}__icontains": value})
            else:
                condition |= Q(**{f"{field_name}__icontains": value})
        for relation, match in related.items():
            manager = model._meta.get_field(relation).related_model._default_manager
            shown = manager.published() if hasattr(manager, "published") else manager.all()
            condition |= Q(pk__in=model._default_manager.filter(**{f"{relation}__in": shown.filter(match)}).values("pk"))
        return queryset.filter(condition)


class PhotoFilter(TextSearchFilterSet):
    text_fields = ("caption", "credit", "alt_text")

    tag = SlugChoiceFilter(label=_("标签"), field_name="tags", queryset=PhotoTag.objects.all())

    class Meta:
        model = Photo
        fields = ["section", "tag", "q"]


class ArticleFilter(TextSearchFilterSet):
    text_fields = ("title", "subtitle", "summary")

    column = DataChoiceFilter(label=_("栏目"), choices_from=lambda: value_choices(Article.objects.published(), "column"))

    class Meta:
        model = Article
        fields = ["column", "q"]
