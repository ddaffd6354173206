"""FilterSets for the talent lists: explicit fields, substring match for text, slugs for choices.

No choice lists every row of a big table: categories and institutions offer a bounded number of
choices plus the one in the address (`CHOICES_SHOWN`); the years come from the cycles."""

import django_filters
from django.core.validators import slug_re
from django.db import connection
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
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
from portal.publishing import Status

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
    # Only what an option shows and sorts by (CategoryChoiceField), not the awards' long texts.
    shown = ("award", "name", "slug", "ordering", "is_sample", "award__name", "award__ordering", "award__is_sample")
    return AwardCategory.objects.published().select_related("award").only(*shown)


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


class ListedChoices(ModelChoiceIterator):
    """The field's `rows`, already read by the view, as its choices: no query of its own."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.rows:
            yield self.choice(row)

    def __len__(self):
        return len(self.field.rows) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.rows)


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
    return Award.objects.published().only("name", "slug", "ordering", "is_sample")  # what an option shows


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


# The institution choices rank the institutions of this many experts, the directory's first:
# ranking every public expert's institution would read the whole table on every list page.
INSTITUTIONS_RANKED_AMONG = 1000


def institution_choices(current: str = ""):
    """The CHOICES_SHOWN institutions most named among the directory's first
    INSTITUTIONS_RANKED_AMONG experts (in its order), and `current` if a public expert names it,
    by name. An institution that only sample experts name is labelled "（示例）"; one a real
    expert names too, anywhere in the directory, is a fact and stays plain.

    One query: the first published experts' institutions, read from the
    `talent_expert_directory` index alone (no row, so no publishing time: an expert scheduled
    for later may count in the ranking, which only orders the candidates), grouped and ranked;
    then, for each ranked institution and `current`, whether a public and whether a real public
    expert names it (an institution no public expert names is not offered), two index lookups
    that stop at the first expert found. Ranking every public expert's institution read the
    whole table on every directory page."""
    first = Expert.objects.filter(status=Status.PUBLISHED).order_by(*Expert._meta.ordering).values("institution")
    first_sql, first_params = first[:INSTITUTIONS_RANKED_AMONG].query.sql_with_params()
    named = Expert.objects.published().filter(institution=RawSQL("shown.name", ())).order_by()
    any_sql, any_params = named.values("pk")[:1].query.sql_with_params()
    # `is_sample IN (false)`, not `NOT is_sample`: an equality the status_inst index looks up.
    real_sql, real_params = named.filter(is_sample__in=[False]).values("pk")[:1].query.sql_with_params()
    chosen = " UNION ALL SELECT %s, -1" if current else ""
    sql = f"""
        SELECT shown.name, EXISTS ({any_sql}), EXISTS ({real_sql}) FROM (
            SELECT name, experts FROM (
                SELECT institution AS name, COUNT(*) AS experts FROM ({first_sql}) AS first_experts
                WHERE institution <> '' GROUP BY institution ORDER BY experts DESC, institution LIMIT {CHOICES_SHOWN}
            ) AS ranked{chosen}
        ) AS shown ORDER BY shown.experts DESC, shown.name
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*any_params, *real_params, *first_params, *([current] if current else [])])
        found = {}
        for name, by_public, by_real in cursor.fetchall():
            if by_public:
                found.setdefault(name, bool(by_real))
    if current in found and len(found) > CHOICES_SHOWN:
        ranked = [name for name in found if name != current]
        del found[ranked[-1]]  # the least named one makes room for the chosen one
    return [(name, sample_label(name, not by_real)) for name, by_real in sorted(found.items())]


class InstitutionChoiceFilter(DataChoiceFilter):
    """The institution choices: the most named ones and the chosen one (institution_choices)."""

    current = ""  # the chosen institution (BoundedChoicesFilterSet)

    def __init__(self, *args, **kwargs):
        # A bound method: the FilterSet's deep copy of this filter reads its own `current`.
        super().__init__(*args, choices_from=self.shown_choices, **kwargs)

    def shown_choices(self):
        return institution_choices(self.current)


def laureate_years() -> list[int]:
    """The years of published cycles that have published laureates, newest first, in one query
    whose work grows with the number of years (at most CYCLE_YEAR_MAX - CYCLE_YEAR_MIN + 1), not
    with the cycles or the laureates: the years with a published cycle are found by skipping
    through the cycles' (status, year) index from the newest, one lookup a year (a recursive
    query); each is kept when one of its public cycles has a public laureate, a check that stops
    at the first such cycle. DISTINCT over the cycles would visit every public cycle."""
    cycles = connection.ops.quote_name(AwardCycle._meta.db_table)
    has_laureates = Exists(Laureate.objects.filter(public_in_its_cycle(), cycle=OuterRef("pk")))
    shown = AwardCycle.objects.published().filter(has_laureates, year=RawSQL("years.year", ())).order_by().values("pk")[:1]
    shown_sql, shown_params = shown.query.sql_with_params()
    sql = f"""
        WITH RECURSIVE years(year) AS (
            SELECT MAX(year) FROM {cycles} WHERE status = %s
            UNION ALL
            SELECT (SELECT MAX(year) FROM {cycles} WHERE status = %s AND year < years.year)
            FROM years WHERE years.year IS NOT NULL
        )
        SELECT year FROM years WHERE year IS NOT NULL AND EXISTS ({shown_sql}) ORDER BY year DESC
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.PUBLISHED, Status.PUBLISHED, *shown_params])
        return [year for (year,) in cursor.fetchall()]


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


class ExpertFieldFilter(ManyToManySlugFilter):
    """The experts of a field, each asked in the link table's (expert, field) index as the list
    is walked in its order: the page stops at its last row and the capped count at its cap.
    `pk IN (the field's experts)` first reads every expert of the field."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(Exists(Expert.fields.through.objects.filter(expert=OuterRef("pk"), expertfield=value)))


class ExpertFilter(BoundedChoicesFilterSet):
    text_fields = ("name", "institution", "bio")
    bounded_filters = {"institution": "text"}

    field = ExpertFieldFilter(label=_("领域"), field_name="fields", queryset=ExpertField.objects.all())
    institution = InstitutionChoiceFilter(label=_("所在单位"))

    class Meta:
        model = Expert
        fields = ["field", "title", "institution", "q"]
