"""The expert directory in spreadsheets (talent.spreadsheets): GBK files, fields of work and
services as “、”-separated names that must exist, re-import updating by slug or by name and
institution, all or nothing with errors per row and column, a revision per row, who may import
and export, and the round trip export → import into an empty install → export."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from portal.models import User
from portal.publishing import Status
from portal.roles import EDITOR, PUBLISHER
from portal.spreadsheets import SPREADSHEET_FORMATS, SpreadsheetCSV, SpreadsheetXLSX
from talent.models import Expert
from talent.spreadsheets import ExpertResource
from tests.admin_helpers import admin_url
from tests.talent.factories_talent import make_expert, make_field, make_programme, make_service

pytestmark = pytest.mark.django_db

HEADERS = "网址别名,姓名,职称,所在单位,领域,服务内容,服务项目,简介,排序,示例内容,状态"


@pytest.fixture
def publisher():
    user = User.objects.create_user("publisher", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=PUBLISHER))
    return user


@pytest.fixture
def references():
    return {
        "cars": make_field(name="汽车", slug="qi-che"),
        "materials": make_field(name="新材料", slug="xin-cai-liao", ordering=2),
        "advice": make_service(name="一对一技术咨询", slug="advice"),
        "programme": make_programme(name="院士专家服务行", slug="academicians"),
    }


def csv_dataset(text: str, encoding="utf-8"):
    return SpreadsheetCSV().create_dataset(text.encode(encoding))


def import_file(dataset, user=None, dry_run=False, file_name="专家.csv"):
    return ExpertResource().import_data(dataset, dry_run=dry_run, user=user, file_name=file_name)


def errors_of(result):
    """{row number: {column: [messages]}} of the invalid rows, plus row-level and file errors."""
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    for number, row_errors in result.row_errors():
        errors.setdefault(number, {})["error"] = [str(error.error) for error in row_errors]
    for error in result.base_errors:
        errors.setdefault(0, {})["file"] = [str(error.error)]
    return errors


GBK_TEXT = (
    "姓名,职称,所在单位,领域,服务内容,服务项目,示例内容,状态\r\n"
    "张三,院士,清华大学,汽车、xin-cai-liao,一对一技术咨询,院士专家服务行,否,已发布\r\n"
    "李四,教授,同济大学,新材料,,,是,\r\n"
)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_chinese_csv_imports(encoding, references, publisher):
    result = import_file(csv_dataset(GBK_TEXT, encoding), user=publisher)
    assert errors_of(result) == {}
    zhang = Expert.objects.get(name="张三")
    assert (zhang.title, zhang.institution, zhang.programme, zhang.status) == (
        "academician",
        "清华大学",
        references["programme"],
        Status.PUBLISHED,
    )
    assert set(zhang.fields.all()) == {references["cars"], references["materials"]}
    assert list(zhang.services.all()) == [references["advice"]]
    assert zhang.slug, "a new row gets a slug from its name"
    li = Expert.objects.get(name="李四")
    assert (li.is_sample, li.status, li.programme, li.services.count()) == (True, Status.DRAFT, None, 0)


def test_reimport_finds_by_slug_else_name_and_institution(references, publisher):
    by_slug = make_expert(name="王五", slug="wang-wu", institution="旧单位", fields=[references["cars"]], bio="保留")
    by_name = make_expert(name="张三", institution="清华大学", fields=[references["cars"]])
    namesake = make_expert(name="张三", institution="同济大学", fields=[references["cars"]])
    text = "网址别名,姓名,所在单位,领域\r\nwang-wu,王五,新单位,新材料\r\n,张三,清华大学,新材料、汽车\r\n"
    result = import_file(csv_dataset(text), user=publisher)
    assert errors_of(result) == {}
    assert (result.totals["update"], result.totals["new"]) == (2, 0)
    by_slug.refresh_from_db()
    assert (by_slug.institution, by_slug.bio, list(by_slug.fields.all())) == ("新单位", "保留", [references["materials"]])
    assert set(by_name.fields.all()) == {references["cars"], references["materials"]}
    assert list(namesake.fields.all()) == [references["cars"]]
    assert Expert.objects.count() == 3


def test_one_invalid_row_writes_nothing_and_errors_name_row_and_column(references, publisher):
    text = (
        "姓名,职称,所在单位,领域,服务内容,服务项目\r\n"
        "张三,院士,清华大学,汽车,,\r\n"  # valid
        "李四,讲师,同济大学,,一对一技术咨询、不存在的服务,没有的项目\r\n"  # invalid four ways
        "王五,专家,,汽车、汽车工程,,\r\n"  # no institution; an unknown field
    )
    errors = errors_of(import_file(csv_dataset(text), user=publisher))
    assert set(errors) == {2, 3}
    assert set(errors[2]) == {"职称", "领域", "服务内容", "服务项目"}
    assert "不是可选的值" in errors[2]["职称"][0]
    assert "至少填写一个专家领域" in errors[2]["领域"][0]
    assert "找不到“不存在的服务”：请填写已有的专家服务的名称或网址别名，多个之间用“、”分隔。" in errors[2]["服务内容"][0]
    assert "找不到“没有的项目”" in errors[2]["服务项目"][0]
    assert set(errors[3]) == {"所在单位", "领域"}
    assert "找不到“汽车工程”" in errors[3]["领域"][0]
    assert Expert.objects.count() == 0
    assert Version.objects.count() == 0


def test_each_row_is_a_revision_by_the_importing_user_with_its_fields(references, publisher):
    import_file(csv_dataset(GBK_TEXT), user=publisher, file_name="专家名单.csv")
    for expert in Expert.objects.all():
        (version,) = Version.objects.get_for_object(expert)
        assert version.revision.user == publisher
        assert version.revision.comment == "从表格导入：专家名单.csv"
    import_file(csv_dataset("姓名,所在单位,领域\r\n张三,清华大学,新材料\r\n"), user=publisher)
    zhang = Expert.objects.get(name="张三")
    assert list(zhang.fields.all()) == [references["materials"]]
    Version.objects.get_for_object(zhang).last().revision.revert()  # the first import
    assert set(zhang.fields.all()) == {references["cars"], references["materials"]}


def login_as(group_name):
    user = User.objects.create_user(f"user-{User.objects.count()}", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role, allowed", [(EDITOR, False), (PUBLISHER, True)])
def test_editors_can_neither_import_nor_export(role, allowed):
    client = login_as(role)
    for view in ("import", "export"):
        assert client.get(admin_url(Expert, view)).status_code == (200 if allowed else 403), (role, view)
    if not allowed:
        response = client.post(
            admin_url(Expert, "process_import"),
            {"import_file_name": "x", "original_file_name": "x.csv", "format": SPREADSHEET_FORMATS.index(SpreadsheetCSV)},
        )
        assert response.status_code == 403


# --- the round trip --------------------------------------------------------------------------


def make_rows(references):
    make_expert(
        name="张三",
        title="academician",
        institution="清华大学",
        fields=[references["cars"], references["materials"]],
        services=[references["advice"]],
        programme=references["programme"],
        bio="第一段, 含逗号\n第二段“引号”",
        ordering=1,
    )
    make_expert(name="张三", institution="同济大学", fields=[references["materials"]], is_sample=True)
    make_expert(name="李四", title="professor", institution="浙江大学", fields=[references["cars"]], status=Status.DRAFT)


def export_as(file_format):
    return file_format.export_data(ExpertResource().export(force_native_type=isinstance(file_format, SpreadsheetXLSX)))


def xlsx_cells(data: bytes):
    return [[cell.value for cell in row] for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows()]


@pytest.mark.parametrize("file_format", [SpreadsheetCSV(), SpreadsheetXLSX()], ids=["csv", "xlsx"])
def test_round_trip_export_delete_import_export(file_format, references, publisher):
    make_rows(references)
    first = export_as(file_format)
    Expert.objects.all().delete()
    result = import_file(file_format.create_dataset(first), user=publisher, file_name="往返")
    assert errors_of(result) == {}
    assert result.totals["new"] == 3
    second = export_as(file_format)
    if isinstance(file_format, SpreadsheetCSV):
        assert first.startswith("\ufeff".encode())
        assert first.decode("utf-8-sig").splitlines()[0] == HEADERS
        assert "汽车、新材料,一对一技术咨询,院士专家服务行" in first.decode("utf-8-sig")
        assert second == first
    else:
        assert xlsx_cells(second) == xlsx_cells(first)


def test_export_queries_do_not_grow_with_rows(references):
    """Programme, fields and services are fetched once per export: as many queries for 23
    experts as for 3."""
    make_rows(references)
    with CaptureQueriesContext(connection) as few:
        ExpertResource().export()
    for _n in range(20):
        make_expert(fields=[references["cars"]], services=[references["advice"]], programme=references["programme"])
    with CaptureQueriesContext(connection) as many:
        dataset = ExpertResource().export()
    assert len(dataset) == 23
    assert len(many) == len(few) <= 4  # count, experts with their programme, fields, services
