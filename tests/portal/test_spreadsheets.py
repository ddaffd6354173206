"""The spreadsheet building blocks (portal.spreadsheets) and the admin's import/export pages:
reading real files, who may import and export (portal.roles), the preview → confirm flow, and
the export of the changelist's current filters. Indicators are the example model."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from reversion.models import Version

from parks.models import Indicator
from portal.dates import DatePrecision
from portal.models import User
from portal.roles import EDITOR, EXPORT_SPREADSHEETS, IMPORT_SPREADSHEETS, NOMINATION_REVIEWER, PUBLISHER, SITE_ADMIN
from portal.spreadsheets import (
    SPREADSHEET_FORMATS,
    NumberWidget,
    SpreadsheetCSV,
    SpreadsheetError,
    SpreadsheetXLSX,
    decode_csv,
    parse_precise_date,
)
from tests.admin_helpers import admin_url
from tests.factories import make_indicator, make_metric, make_park

CSV_INDEX = SPREADSHEET_FORMATS.index(SpreadsheetCSV)
XLSX_INDEX = SPREADSHEET_FORMATS.index(SpreadsheetXLSX)


# --- cells and files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, number",
    [
        ("１，２３４．５", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        (" 1 234 ", Decimal(1234)),
        ("-0.5", Decimal("-0.5")),
        (12.5, Decimal("12.5")),
        ("", None),
    ],
)
def test_numbers_as_people_type_them(typed, number):
    assert NumberWidget().clean(typed) == number


@pytest.mark.parametrize("typed", ["abc", "1.2.3", "NaN", "Infinity", "5%"])
def test_not_a_number_says_so_in_chinese(typed):
    with pytest.raises(ValueError, match="不是数字"):
        NumberWidget().clean(typed)


def test_number_written_without_trailing_zeros_and_natively_to_xlsx():
    widget = NumberWidget()
    assert widget.render(Decimal("12.3000")) == "12.3"
    assert widget.render(Decimal("100.0000")) == "100"
    assert widget.render(Decimal("100.0000"), force_native_type=True) == 100
    assert widget.render(Decimal("12.25"), force_native_type=True) == 12.25
    # A float would lose a digit: written as text rather than changed.
    assert widget.render(Decimal("1234567890123456.7"), force_native_type=True) == "1234567890123456.7"


@pytest.mark.parametrize(
    "typed, date, precision",
    [
        ("2017年", datetime.date(2017, 1, 1), DatePrecision.YEAR),
        ("2017", datetime.date(2017, 1, 1), DatePrecision.YEAR),
        (2017, datetime.date(2017, 1, 1), DatePrecision.YEAR),
        ("2017年9月", datetime.date(2017, 9, 1), DatePrecision.MONTH),
        ("2017-09", datetime.date(2017, 9, 1), DatePrecision.MONTH),
        ("２０１７年９月", datetime.date(2017, 9, 1), DatePrecision.MONTH),
        ("2017/9", datetime.date(2017, 9, 1), DatePrecision.MONTH),
        ("2017年9月5日", datetime.date(2017, 9, 5), DatePrecision.DAY),
        ("2017-09-05", datetime.date(2017, 9, 5), DatePrecision.DAY),
        (datetime.datetime(2017, 9, 5), datetime.date(2017, 9, 5), DatePrecision.DAY),
    ],
)
def test_precise_dates(typed, date, precision):
    assert parse_precise_date(typed) == (date, precision)


@pytest.mark.parametrize("typed", ["2017年13月", "2017-02-30", "九月", "17-09", "2017年9月前后"])
def test_bad_dates_say_what_is_accepted(typed):
    with pytest.raises(ValueError, match="不是可识别的日期"):
        parse_precise_date(typed)


def test_csv_encodings_are_detected():
    text = "园区,指标\r\n苏州高新区,工业总产值\r\n"
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        assert decode_csv(text.encode(encoding)) == text
    dataset = SpreadsheetCSV().create_dataset(text.encode("gbk"))
    assert dataset.headers == ["园区", "指标"] and dataset[0] == ("苏州高新区", "工业总产值")


def test_undecodable_csv_is_refused():
    with pytest.raises(SpreadsheetError, match="无法识别文件的文字编码"):
        decode_csv(b"\xff\xfe\x00\xd8\x00\x00\x81")


def xlsx_bytes(rows, merge=None):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if merge:
        book.active.merge_cells(merge)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_xlsx_with_merged_header_is_refused():
    data = xlsx_bytes([["2017年指标", None, None], ["园区", "指标", "年份"]], merge="A1:C1")
    with pytest.raises(SpreadsheetError, match=r"合并的单元格（A1:C1）"):
        SpreadsheetXLSX().create_dataset(data)


def test_xlsx_date_cells_keep_the_precision_they_show():
    data = xlsx_bytes([["日期", "年"], [datetime.datetime(2017, 9, 1), datetime.datetime(2017, 1, 1)]])
    book = openpyxl.load_workbook(io.BytesIO(data))
    book.active["A2"].number_format = 'yyyy"年"m"月"'
    book.active["B2"].number_format = 'yyyy"年"'
    out = io.BytesIO()
    book.save(out)
    assert SpreadsheetXLSX().create_dataset(out.getvalue())[0] == ("2017-09", "2017")


# --- the admin: who may, and the flow --------------------------------------------------------


pytestmark_db = pytest.mark.django_db


def login_as(group_name):
    user = User.objects.create_user(f"user-{User.objects.count()}", password="a-long-test-password", is_staff=True)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client, user


@pytestmark_db
def test_only_publishers_and_site_admins_hold_the_permissions():
    for name, expected in {EDITOR: False, PUBLISHER: True, SITE_ADMIN: True, NOMINATION_REVIEWER: False}.items():
        permissions = {
            f"{ct}.{code}"
            for ct, code in Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename")
        }
        assert (IMPORT_SPREADSHEETS in permissions) is expected, name
        assert (EXPORT_SPREADSHEETS in permissions) is expected, name


@pytestmark_db
@pytest.mark.parametrize("role, allowed", [(EDITOR, False), (PUBLISHER, True), (SITE_ADMIN, True), (NOMINATION_REVIEWER, False)])
def test_import_and_export_pages_per_role(role, allowed):
    client, _user = login_as(role)
    for view in ("import", "export"):
        response = client.get(admin_url(Indicator, view))
        assert response.status_code == (200 if allowed else 403), (role, view)
    changelist = client.get(admin_url(Indicator, "changelist"))
    if changelist.status_code == 200:
        assert (admin_url(Indicator, "import") in changelist.text) is allowed
        assert (admin_url(Indicator, "export") in changelist.text) is allowed


@pytestmark_db
def test_editor_cannot_confirm_an_import_either():
    client, _user = login_as(EDITOR)
    response = client.post(
        admin_url(Indicator, "process_import"), {"import_file_name": "x", "original_file_name": "x.csv", "format": CSV_INDEX}
    )
    assert response.status_code == 403
    assert Indicator.objects.count() == 0


@pytest.fixture
def park_and_metric(db):
    return make_park(name="苏州高新区", slug="snd"), make_metric(name="工业总产值", unit="亿元")


def upload(client, content: bytes, name: str, format_index: int):
    return client.post(
        admin_url(Indicator, "import"),
        {"format": format_index, "import_file": SimpleUploadedFile(name, content)},
    )


@pytestmark_db
def test_preview_then_confirm_imports_with_revisions_and_log(park_and_metric):
    client, user = login_as(PUBLISHER)
    text = '园区,指标,年份,截至日期,数值,状态\r\n苏州高新区,工业总产值,2017,2017年9月,"１，２３４．５",已发布\r\n'
    preview = upload(client, text.encode("gbk"), "指标.csv", CSV_INDEX)
    assert preview.status_code == 200
    assert Indicator.objects.count() == 0, "the preview is a dry run"
    confirm = preview.context["confirm_form"]
    assert confirm is not None
    assert "2017年9月" in preview.text and "1234.5" in preview.text
    response = client.post(
        admin_url(Indicator, "process_import"), {name: field.initial for name, field in confirm.fields.items()} | confirm.initial
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.value, indicator.as_of_precision) == (Decimal("1234.5"), DatePrecision.MONTH)
    (version,) = Version.objects.get_for_object(indicator)
    assert (version.revision.user, version.revision.comment) == (user, "从表格导入：指标.csv")
    assert LogEntry.objects.filter(user=user, object_id=str(indicator.pk)).exists()


@pytestmark_db
def test_preview_of_an_invalid_file_shows_chinese_errors_and_no_confirm(park_and_metric):
    client, _user = login_as(PUBLISHER)
    text = "园区,指标,年份,数值\r\n苏州高新区,工业总产值,2017,1\r\n苏州高新区,工业总产值,2018,abc\r\n"
    preview = upload(client, text.encode(), "指标.csv", CSV_INDEX)
    assert preview.status_code == 200
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert "“abc”不是数字。" in preview.text and "数值" in preview.text
    assert Indicator.objects.count() == 0


@pytestmark_db
@pytest.mark.parametrize(
    "content, name, format_index, message",
    [
        (xlsx_bytes([["指标数据", None], ["园区", "指标"]], merge="A1:B1"), "合并.xlsx", XLSX_INDEX, "合并的单元格"),
        (b"not a workbook", "x.xlsx", XLSX_INDEX, "无法打开这个 Excel 文件"),
        (b"\xff\xfe\x00\xd8\x00\x00\x81", "x.csv", CSV_INDEX, "无法识别文件的文字编码"),
        (b"", "empty.csv", CSV_INDEX, ""),
    ],
)
def test_unreadable_files_are_form_errors_not_500s(park_and_metric, content, name, format_index, message):
    client, _user = login_as(PUBLISHER)
    response = upload(client, content, name, format_index)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert message in response.text
    assert Indicator.objects.count() == 0


@pytestmark_db
def test_export_follows_the_changelist_filters(park_and_metric):
    park, metric = park_and_metric
    make_indicator(park=park, metric=metric, year=2016, value="1", source_note="内部来源")
    make_indicator(park=park, metric=metric, year=2017, value="2")
    client, _user = login_as(PUBLISHER)
    url = admin_url(Indicator, "export") + "?year=2016"
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    data["format"] = CSV_INDEX
    response = client.post(url, data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff园区,指标,单位,年份")
    assert ",2016," in text and ",2017," not in text
    assert "内部来源" in text, "staff-only notes are exported to staff"


@pytestmark_db
def test_xlsx_export_writes_numbers_as_numbers(park_and_metric):
    park, metric = park_and_metric
    make_indicator(park=park, metric=metric, year=2017, value="1234.5000", yoy_change="-3.25")
    client, _user = login_as(SITE_ADMIN)
    url = admin_url(Indicator, "export")
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    data["format"] = XLSX_INDEX
    response = client.post(url, data)
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("园区", "指标", "单位", "年份", "截至日期", "数值")
    assert rows[1][:7] == ("苏州高新区", "工业总产值", "亿元", 2017, None, 1234.5, -3.25)


@pytestmark_db
def test_admin_export_queries_do_not_grow_with_rows(park_and_metric):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    park, metric = park_and_metric
    client, _user = login_as(PUBLISHER)
    url = admin_url(Indicator, "export")
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    data["format"] = CSV_INDEX
    counts = []
    for years in (range(2000, 2003), range(2003, 2033)):
        for year in years:
            make_indicator(park=park, metric=metric, year=year)
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, data).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
