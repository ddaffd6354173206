"""A 审核发布 user imports indicators in the admin, in a real browser: a GBK-encoded CSV (as Excel
saves it on a Chinese Windows) and an XLSX, each through the preview and its confirm button."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from parks.models import Indicator
from portal.roles import PUBLISHER
from tests.factories import make_metric, make_park

from .conftest import save_screenshot

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"

GBK_CSV = (
    "园区,指标,年份,截至日期,数值,同比增长（%）,统计口径,首页展示,状态\r\n"
    '苏州高新区,工业总产值,2016,,"２，９８７．６",8.1%,全区口径,否,已发布\r\n'
    '苏州高新区,工业总产值,2017,2017年9月,"3,012.5",-1.5,全区口径,是,已发布\r\n'
).encode("gbk")


def xlsx_file() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["园区", "指标", "年份", "数值", "状态"])
    sheet.append(["snd", "专利授权量", 2017, 1520, "草稿"])
    sheet.append(["苏州高新区", "专利授权量", 2018, 1688.0, "草稿"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def import_through_preview(page, base_url, name, mime, content, format_label, screenshot=None):
    page.goto(base_url + reverse("admin:parks_indicator_changelist"))
    page.get_by_role("link", name="导入").click()
    page.wait_for_url("**/import/")
    page.set_input_files("input[name=import_file]", files=[{"name": name, "mimeType": mime, "buffer": content}])
    page.select_option("select[name=format]", label=format_label)
    if screenshot:
        save_screenshot(page, screenshot.replace("preview", "form"))
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("load")
    confirm = page.get_by_role("button", name="确认导入")
    assert confirm.count() == 1, page.locator("#content").inner_text()[:2000]
    if screenshot:
        save_screenshot(page, screenshot)
    confirm.click()
    page.wait_for_url("**" + reverse("admin:parks_indicator_changelist"))
    assert page.locator(".messagelist .success").is_visible()


def test_publisher_imports_a_gbk_csv_and_an_xlsx_through_the_preview(live_server, transactional_db, django_user_model, open_page):
    make_park(name="苏州高新区", slug="snd")
    make_metric(name="工业总产值", unit="亿元")
    make_metric(name="专利授权量", unit="件")
    user = django_user_model.objects.create_user("publisher", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=PUBLISHER))
    page, problems = open_page("desktop")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("input[name=username]", "publisher")
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))

    # A file with a bad line: errors by row and column, no confirm button, nothing saved.
    page.goto(live_server.url + reverse("admin:parks_indicator_import"))
    bad = "园区,指标,年份,数值\r\n苏州高新区,工业总产值,2015,1\r\n苏州高新区,没有的指标,2016,一千\r\n".encode("gbk")
    page.set_input_files("input[name=import_file]", files=[{"name": "有错.csv", "mimeType": "text/csv", "buffer": bad}])
    page.select_option("select[name=format]", label="csv")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("load")
    errors = page.locator("#content").inner_text()
    assert "“一千”不是数字。" in errors and "没有的指标" in errors
    assert page.get_by_role("button", name="确认导入").count() == 0
    save_screenshot(page, "admin-import-errors")
    assert Indicator.objects.count() == 0

    import_through_preview(
        page, live_server.url, "指标（GBK）.csv", "text/csv", GBK_CSV, "csv", screenshot="admin-import-preview"
    )
    assert Indicator.objects.count() == 2
    assert str(Indicator.objects.get(year=2016).value) == "2987.6000"

    import_through_preview(
        page,
        live_server.url,
        "专利.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        xlsx_file(),
        "xlsx",
    )
    assert Indicator.objects.filter(metric__name="专利授权量").count() == 2
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert not problems.report(page)
