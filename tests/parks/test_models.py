from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from parks.charts import Point, bar_chart
from parks.models import Indicator, Metric, Milestone, Park, ProfileItemKind
from portal.dates import DatePrecision
from portal.publishing import Status
from tests.factories import make_indicator, make_metric, make_milestone, make_park
from tests.parks.factories_parks import make_area, make_industry, make_profile_item

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "precision", "expected"),
    [
        (date(1992, 9, 1), DatePrecision.MONTH, "1992年9月"),
        (date(2005, 1, 1), DatePrecision.YEAR, "2005年"),
        (date(2010, 9, 1), DatePrecision.MONTH, "2010年9月"),
    ],
)
def test_milestone_dates_render_only_what_is_known(day, precision, expected):
    assert make_milestone(date=day, date_precision=precision).date_display == expected


def test_park_dates_render_with_their_precision():
    park = make_park(approved_on=date(1992, 9, 1), upgraded_on=date(2010, 9, 1))
    assert park.approved_on_display == "1992年9月"
    assert park.upgraded_on_display == "2010年9月"


def test_clean_stores_imprecise_dates_at_the_start_of_their_period():
    milestone = make_milestone(date=date(2005, 7, 9), date_precision=DatePrecision.YEAR)
    milestone.full_clean()
    assert milestone.date == date(2005, 1, 1)
    park = make_park(approved_on=date(1992, 9, 23), approved_on_precision=DatePrecision.MONTH)
    park.full_clean()
    assert park.approved_on == date(1992, 9, 1)


def test_indicator_period_is_the_year_or_the_as_of_date():
    assert make_indicator(year=2017).period_display == "2017年"
    as_of = make_indicator(year=2017, as_of=date(2017, 11, 1), as_of_precision=DatePrecision.MONTH)
    assert as_of.period_display == "截至2017年11月"


def test_indicator_as_of_date_must_fall_in_its_year():
    indicator = make_indicator(year=2017)
    indicator.as_of = date(2016, 11, 1)
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "as_of" in error.value.message_dict


def test_one_value_per_park_metric_and_year():
    first = make_indicator(year=2017)
    with pytest.raises(IntegrityError):
        make_indicator(park=first.park, metric=first.metric, year=2017)


@pytest.mark.parametrize("name", ["柳州高新区", "“112+1”组织架构", "！？。"])
def test_chinese_names_get_non_empty_unique_slugs(name):
    first, second = make_park(name=name), make_park(name=name)
    assert first.slug and second.slug
    assert first.slug != second.slug
    metric = make_metric(name=name + "指标")
    assert metric.slug
    areas = [make_area(name=name), make_area(name=name)]
    industries = [make_industry(name=name, park=first), make_industry(name=name, park=second)]
    assert len({area.slug for area in areas}) == 2 and all(area.slug for area in areas)
    assert len({industry.slug for industry in industries}) == 2


def test_pinyin_slug_for_the_zone():
    assert make_park(name="柳州高新区").slug == "liu-zhou-gao-xin-qu"


def test_a_park_slug_named_like_a_section_page_shadows_nothing(client):
    park = make_park(name="示例", slug="areas")
    park.full_clean()
    assert park.get_absolute_url() == "/parks/parks/areas/"
    assert client.get(reverse("parks:area-list")).context["view"].model._meta.model_name == "area"


def test_profile_sections_group_items_in_the_declared_order_of_kinds():
    park = make_park()
    make_profile_item(park=park, kind=ProfileItemKind.OPPORTUNITY, text="一带一路")
    make_profile_item(park=park, kind=ProfileItemKind.MISSION, text="高新技术产业基地")
    make_profile_item(park=park, kind=ProfileItemKind.MISSION, text="示范区", ordering=1)
    sections = Park.objects.prefetch_related("profile_items").get(pk=park.pk).profile_sections()
    assert [section["kind"] for section in sections] == [ProfileItemKind.MISSION, ProfileItemKind.OPPORTUNITY]
    assert [item.text for item in sections[0]["items"]] == ["高新技术产业基地", "示范区"]


def test_latest_year_is_per_park_and_respects_the_other_filters():
    park, other = make_park(), make_park()
    metric = make_metric()
    make_indicator(park=park, metric=metric, year=2016, featured=True)
    newest = make_indicator(park=park, metric=metric, year=2017, featured=True)
    make_indicator(park=park, metric=make_metric(), year=2018, featured=False)
    elsewhere = make_indicator(park=other, metric=metric, year=2015, featured=True)
    latest = Indicator.objects.published().filter(featured=True).latest_year()
    assert set(latest) == {newest, elsewhere}


def test_drafts_and_scheduled_rows_are_not_published():
    make_milestone(title="草稿", status=Status.DRAFT)
    make_milestone(title="定时", published_at=timezone.now() + timedelta(days=1))
    shown = make_milestone(title="已发布")
    assert list(Milestone.objects.published()) == [shown]


def test_metrics_with_published_indicators():
    shown = make_indicator().metric
    make_indicator(status=Status.DRAFT)
    make_metric()
    assert list(Metric.objects.with_published_indicators()) == [shown]


def test_milestone_decade():
    assert make_milestone(date=date(1992, 9, 1)).decade == 1990
    assert make_milestone(date=date(2010, 1, 1)).decade == 2010


def test_bar_chart_scales_bars_to_the_largest_value():
    chart = bar_chart([Point("2016", Decimal("50"), "50"), Point("2017", Decimal("100"), "100")])
    first, second = chart.bars
    assert float(second.height) == pytest.approx(2 * float(first.height))
    assert float(second.y) < float(first.y)


def test_bar_chart_handles_one_point_zero_and_negative_values():
    (single,) = bar_chart([Point("2017", Decimal("45"), "45")]).bars
    assert float(single.height) > 0
    zeros = bar_chart([Point("2016", Decimal("0"), "0"), Point("2017", Decimal("0"), "0")])
    assert all(float(bar.height) == 0 for bar in zeros.bars)
    mixed = bar_chart([Point("2016", Decimal("-3.5"), "−3.5"), Point("2017", Decimal("7"), "7")])
    negative, positive = mixed.bars
    assert negative.negative and not positive.negative
    assert float(negative.y) == float(mixed.axis_y)  # hangs below the axis
    assert float(positive.y) + float(positive.height) == pytest.approx(float(mixed.axis_y))


def test_bar_chart_widens_for_many_points():
    points = [Point(str(year), Decimal(year - 1990), str(year - 1990)) for year in range(1992, 2018)]
    chart = bar_chart(points)
    assert len(chart.bars) == 26
    assert chart.width > 26 * 60
    lefts = [float(bar.x) for bar in chart.bars]
    assert lefts == sorted(lefts)


def test_milestones_within_a_year_follow_their_sequence():
    park = make_park()
    upgrade = make_milestone(park=park, title="升级", date=date(2010, 9, 1), date_precision="month")
    same_year = make_milestone(park=park, title="同年", date=date(2010, 1, 1), date_precision="year", sequence=1)
    earlier = make_milestone(park=park, title="合并", date=date(2008, 1, 1), date_precision="year")
    assert list(Milestone.objects.all()) == [earlier, upgrade, same_year]
    assert list(Milestone.objects.latest_first()) == [same_year, upgrade, earlier]
