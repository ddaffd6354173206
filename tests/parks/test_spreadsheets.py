"""Indicators and milestones in spreadsheets (parks.spreadsheets): what real files import as,
re-import updating rather than duplicating, all or nothing, revisions, and the round trip
export → import into an empty install → export giving the same file."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from reversion.models import Version

from parks.models import Indicator, Milestone
from parks.spreadsheets import IndicatorResource, MilestoneResource
from portal.dates import DatePrecision
from portal.models import User
from portal.publishing import Status
from portal.roles import PUBLISHER
from portal.spreadsheets import SpreadsheetCSV, SpreadsheetXLSX
from tests.factories import make_indicator, make_metric, make_milestone, make_park

pytestmark = pytest.mark.django_db

INDICATOR_HEADERS = [
    "园区",
    "指标",
    "单位",
    "年份",
    "截至日期",
    "数值",
    "同比增长（%）",
    "统计口径",
    "备注",
    "来源说明（仅工作人员可见）",
    "首页展示",
    "状态",
]


@pytest.fixture
def publisher():
    user = User.objects.create_user("publisher", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=PUBLISHER))
    return user


def csv_dataset(text: str, encoding="utf-8"):
    return SpreadsheetCSV().create_dataset(text.encode(encoding))


def import_file(resource, dataset, user=None, dry_run=False, file_name="指标.csv"):
    return resource.import_data(dataset, dry_run=dry_run, user=user, file_name=file_name)


def errors_of(result):
    """{row number: {column: [messages]}} of the invalid rows, plus row-level errors."""
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    for number, row_errors in result.row_errors():
        errors.setdefault(number, {})["error"] = [str(error.error) for error in row_errors]
    for error in result.base_errors:
        errors.setdefault(0, {})["file"] = [str(error.error)]
    return errors


@pytest.fixture
def park_and_metric():
    park = make_park(name="苏州高新区", slug="snd")
    metric = make_metric(name="工业总产值", unit="亿元")
    return park, metric


def test_indicator_csv_in_gbk_with_chinese_numbers_and_dates(park_and_metric, publisher):
    park, metric = park_and_metric
    text = (
        "园区,指标,年份,截至日期,数值,同比增长（%）,统计口径,来源说明（仅工作人员可见）,首页展示,状态\r\n"
        '苏州高新区,工业总产值,2017,2017年9月,"１，２３４．５",5.2%,全区口径,统计公报,是,已发布\r\n'
        'snd,工业总产值,2016年,,"3,000",,,,否,草稿\r\n'
    )
    result = import_file(IndicatorResource(), csv_dataset(text, "gbk"), user=publisher)
    assert errors_of(result) == {}
    new = Indicator.objects.get(year=2017)
    assert (new.park, new.metric, new.value, new.yoy_change) == (park, metric, Decimal("1234.5"), Decimal("5.2"))
    assert (new.as_of, new.as_of_precision) == (datetime.date(2017, 9, 1), DatePrecision.MONTH)
    assert (new.featured, new.status, new.source_note) == (True, Status.PUBLISHED, "统计公报")
    old = Indicator.objects.get(year=2016)
    assert (old.park, old.value, old.as_of, old.status, old.featured) == (park, Decimal(3000), None, Status.DRAFT, False)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(park_and_metric, encoding):
    text = "园区,指标,年份,数值,状态\r\n苏州高新区,工业总产值,2017,1,草稿\r\n"
    assert errors_of(import_file(IndicatorResource(), csv_dataset(text, encoding))) == {}
    assert Indicator.objects.get().value == 1


def test_reimport_updates_by_park_metric_year(park_and_metric, publisher):
    park, metric = park_and_metric
    existing = make_indicator(park=park, metric=metric, year=2017, value="1", source_note="旧")
    text = "园区,指标,年份,数值,状态\r\n苏州高新区,工业总产值,2017,2,已发布\r\n"
    result = import_file(IndicatorResource(), csv_dataset(text), user=publisher)
    assert errors_of(result) == {}
    assert result.totals["update"] == 1 and result.totals["new"] == 0
    existing.refresh_from_db()
    assert existing.value == 2
    assert existing.source_note == "旧", "a column not in the file keeps its value"
    assert Indicator.objects.count() == 1


def test_an_empty_status_keeps_an_existing_row_published_and_makes_a_new_row_a_draft(park_and_metric, publisher):
    park, metric = park_and_metric
    existing = make_indicator(park=park, metric=metric, year=2017, value="1", status=Status.PUBLISHED)
    text = "园区,指标,年份,数值,状态\r\n苏州高新区,工业总产值,2017,2,\r\n苏州高新区,工业总产值,2018,3,\r\n"
    assert errors_of(import_file(IndicatorResource(), csv_dataset(text), user=publisher)) == {}
    existing.refresh_from_db()
    assert (existing.value, existing.status) == (2, Status.PUBLISHED)
    assert Indicator.objects.get(year=2018).status == Status.DRAFT


def test_one_invalid_row_writes_nothing_and_errors_name_row_and_column(park_and_metric, publisher):
    text = (
        "园区,指标,年份,截至日期,数值,状态\r\n"
        "苏州高新区,工业总产值,2017,,1,已发布\r\n"  # valid
        "苏州高新区,没有这个指标,2018,2018年13月,abc,已发布\r\n"  # invalid three ways
        "苏州高新区,工业总产值,2019,2018-05,1,随便\r\n"  # as_of outside the year; unknown status
    )
    result = import_file(IndicatorResource(), csv_dataset(text), user=publisher)
    errors = errors_of(result)
    assert set(errors) == {2, 3}
    assert "没有这个指标" in errors[2]["指标"][0]
    assert "不是可识别的日期" in errors[2]["截至日期"][0]
    assert "不是数字" in errors[2]["数值"][0]
    assert "不是可选的值" in errors[3]["状态"][0]
    assert "截至日期应在所填年份之内" in errors[3]["截至日期"][0]
    assert Indicator.objects.count() == 0
    assert Version.objects.count() == 0


def test_missing_key_column_is_a_file_error(park_and_metric):
    result = import_file(IndicatorResource(), csv_dataset("园区,数值\r\n苏州高新区,1\r\n"))
    assert "文件缺少这些列：指标、年份" in errors_of(result)[0]["file"][0]
    assert Indicator.objects.count() == 0


def test_dry_run_writes_nothing(park_and_metric, publisher):
    text = "园区,指标,年份,数值,状态\r\n苏州高新区,工业总产值,2017,1,草稿\r\n"
    result = import_file(IndicatorResource(), csv_dataset(text), user=publisher, dry_run=True)
    assert result.totals["new"] == 1
    assert Indicator.objects.count() == 0 and Version.objects.count() == 0


def test_each_row_is_a_revision_with_user_and_file_name(park_and_metric, publisher):
    text = "园区,指标,年份,数值,状态\r\n苏州高新区,工业总产值,2017,1,草稿\r\n苏州高新区,工业总产值,2018,2,草稿\r\n"
    import_file(IndicatorResource(), csv_dataset(text), user=publisher, file_name="2018年指标.csv")
    for indicator in Indicator.objects.all():
        (version,) = Version.objects.get_for_object(indicator)
        assert version.revision.user == publisher
        assert version.revision.comment == "从表格导入：2018年指标.csv"
    # Restorable like an admin edit: the version holds the imported value.
    indicator = Indicator.objects.get(year=2017)
    import_file(IndicatorResource(), csv_dataset("园区,指标,年份,数值\r\n苏州高新区,工业总产值,2017,9\r\n"), user=publisher)
    Version.objects.get_for_object(indicator).last().revision.revert()
    indicator.refresh_from_db()
    assert indicator.value == 1


def test_milestone_dates_keep_their_precision_and_never_invent_a_day(publisher):
    park = make_park(name="苏州高新区", slug="snd")
    text = (
        "园区,日期,标题\r\n苏州高新区,1992年11月,成立\r\nsnd,2017年,升级\r\nsnd,２０１０－０９－０１,挂牌\r\nsnd,2012-09,建园\r\n"
    )
    result = import_file(MilestoneResource(), csv_dataset(text), user=publisher)
    assert errors_of(result) == {}
    found = {m.title: (m.park, m.date, m.date_precision) for m in Milestone.objects.all()}
    assert found == {
        "成立": (park, datetime.date(1992, 11, 1), DatePrecision.MONTH),
        "升级": (park, datetime.date(2017, 1, 1), DatePrecision.YEAR),
        "挂牌": (park, datetime.date(2010, 9, 1), DatePrecision.DAY),
        "建园": (park, datetime.date(2012, 9, 1), DatePrecision.MONTH),
    }


def test_milestone_found_by_id_else_park_date_title(publisher):
    park = make_park(name="苏州高新区")
    by_id = make_milestone(park=park, title="旧标题", date=datetime.date(2001, 1, 1), date_precision="year")
    by_key = make_milestone(park=park, title="建园", date=datetime.date(1990, 9, 1), date_precision="month")
    text = f"编号,园区,日期,标题,内容\r\n{by_id.pk},苏州高新区,2001年,新标题,甲\r\n,苏州高新区,1990年9月,建园,乙\r\n"
    result = import_file(MilestoneResource(), csv_dataset(text), user=publisher)
    assert errors_of(result) == {}
    assert result.totals["update"] == 2
    by_id.refresh_from_db()
    by_key.refresh_from_db()
    assert (by_id.title, by_id.body, by_key.body) == ("新标题", "甲", "乙")
    assert Milestone.objects.count() == 2


def test_xlsx_with_numbers_dates_and_blank_rows(park_and_metric):
    park, _metric = park_and_metric
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["园区", "指标", "年份", "截至日期", "数值", "状态"])
    sheet.append(["苏州高新区", "工业总产值", 2017, datetime.datetime(2017, 9, 1), 1234.5, "已发布"])
    sheet["D2"].number_format = 'yyyy"年"m"月"'  # shown as 2017年9月: month-precise
    sheet.append([None] * 6)
    data = io.BytesIO()
    book.save(data)
    dataset = SpreadsheetXLSX().create_dataset(data.getvalue())
    assert len(dataset) == 1
    assert errors_of(import_file(IndicatorResource(), dataset, file_name="指标.xlsx")) == {}
    indicator = Indicator.objects.get()
    assert (indicator.value, indicator.as_of, indicator.as_of_precision) == (
        Decimal("1234.5"),
        datetime.date(2017, 9, 1),
        "month",
    )


# --- the round trip --------------------------------------------------------------------------


def make_rows():
    parks = [make_park(name="苏州高新区", slug="snd"), make_park(name="南京高新区", slug="njnd")]
    metrics = [make_metric(name="工业总产值", unit="亿元"), make_metric(name="专利授权量", unit="件", ordering=2)]
    for park in parks:
        for metric in metrics:
            for year in (2016, 2017):
                make_indicator(
                    park=park,
                    metric=metric,
                    year=year,
                    value="12345.6789" if year == 2016 else "7",
                    yoy_change="-3.25" if year == 2017 else None,
                    as_of=datetime.date(year, 9, 1) if metric.unit == "件" else None,
                    as_of_precision="month",
                    scope_note="全区口径",
                    note="含“引号”, 逗号\n和换行",
                    source_note="统计公报",
                    featured=year == 2017,
                    status=Status.PUBLISHED if year == 2017 else Status.DRAFT,
                )
        make_milestone(park=park, title="成立", date=datetime.date(1992, 11, 1), date_precision="month", body="国务院批准")
        make_milestone(park=park, title="升级", date=datetime.date(2012, 1, 1), date_precision="year", sequence=2)
        make_milestone(park=park, title="挂牌", date=datetime.date(2010, 9, 16), date_precision="day", status=Status.DRAFT)


def export_as(resource, file_format):
    return file_format.export_data(resource.export(force_native_type=isinstance(file_format, SpreadsheetXLSX)))


def xlsx_cells(data: bytes):
    return [[cell.value for cell in row] for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows()]


@pytest.mark.parametrize("resource_class, model", [(IndicatorResource, Indicator), (MilestoneResource, Milestone)])
@pytest.mark.parametrize("file_format", [SpreadsheetCSV(), SpreadsheetXLSX()], ids=["csv", "xlsx"])
def test_round_trip_export_import_into_empty_install_export(resource_class, model, file_format, publisher):
    make_rows()
    first = export_as(resource_class(), file_format)
    model.objects.all().delete()
    result = import_file(resource_class(), file_format.create_dataset(first), user=publisher, file_name="往返")
    assert errors_of(result) == {}
    assert result.totals["new"] == (8 if model is Indicator else 6)
    second = export_as(resource_class(), file_format)
    if isinstance(file_format, SpreadsheetCSV):
        assert first.startswith("\ufeff".encode())
        assert second == first
    else:
        assert xlsx_cells(second) == xlsx_cells(first)
    if model is Indicator and isinstance(file_format, SpreadsheetCSV):
        assert first.decode("utf-8-sig").splitlines()[0] == ",".join(INDICATOR_HEADERS)


def test_export_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    park = make_park()
    metric = make_metric()
    for year in range(2000, 2040):
        make_indicator(park=park, metric=metric, year=year)
    with django_assert_max_num_queries(2):
        IndicatorResource().export()


def test_import_looks_up_parks_and_metrics_once_per_file(park_and_metric, django_assert_max_num_queries):
    """A line costs a fixed number of queries (find, validate, save, its revision); the parks
    and metrics its cells name are looked up once per file, not once per line."""
    text = "园区,指标,年份,数值,状态\r\n" + "".join(f"苏州高新区,工业总产值,{2000 + i},1,草稿\r\n" for i in range(40))
    with django_assert_max_num_queries(40 * 25) as queries:
        result = import_file(IndicatorResource(), csv_dataset(text))
    assert result.totals["new"] == 40
    lookups = [q["sql"] for q in queries.captured_queries if 'FROM "parks_park" WHERE "parks_park"."name"' in q["sql"]]
    assert len(lookups) == 1
    lookups = [q["sql"] for q in queries.captured_queries if 'FROM "parks_metric" WHERE "parks_metric"."name"' in q["sql"]]
    assert len(lookups) == 1
