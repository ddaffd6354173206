"""Partners, platforms, enterprises and 双创 figures in spreadsheets (innovation.spreadsheets):
GBK files, many-to-many cells as “、”-separated names that must exist, re-import updating by
slug or name, all or nothing with errors per row and column, a revision per row, who may
import and export, and the round trip export → import into an empty install → export."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from innovation.models import Enterprise, InnovationFigure, PartnerInstitution, Platform
from innovation.spreadsheets import (
    EnterpriseResource,
    InnovationFigureResource,
    PartnerInstitutionResource,
    PlatformResource,
)
from portal.dates import DatePrecision
from portal.models import User
from portal.publishing import Status
from portal.roles import EDITOR, PUBLISHER
from portal.spreadsheets import SPREADSHEET_FORMATS, SpreadsheetCSV, SpreadsheetXLSX
from tests.admin_helpers import admin_url
from tests.innovation.factories_innovation import (
    make_enterprise,
    make_figure,
    make_partner,
    make_platform,
    make_qualification,
    make_tech_field,
)

pytestmark = pytest.mark.django_db

RESOURCES = {
    PartnerInstitution: PartnerInstitutionResource,
    Platform: PlatformResource,
    Enterprise: EnterpriseResource,
    InnovationFigure: InnovationFigureResource,
}
MODELS = list(RESOURCES)
MODEL_IDS = [model.__name__ for model in MODELS]


@pytest.fixture
def publisher():
    user = User.objects.create_user("publisher", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=PUBLISHER))
    return user


def csv_dataset(text: str, encoding="utf-8"):
    return SpreadsheetCSV().create_dataset(text.encode(encoding))


def import_file(model, dataset, user=None, dry_run=False, file_name="表格.csv"):
    return RESOURCES[model]().import_data(dataset, dry_run=dry_run, user=user, file_name=file_name)


def errors_of(result):
    """{row number: {column: [messages]}} of the invalid rows, plus row-level and file errors."""
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    for number, row_errors in result.row_errors():
        errors.setdefault(number, {})["error"] = [str(error.error) for error in row_errors]
    for error in result.base_errors:
        errors.setdefault(0, {})["file"] = [str(error.error)]
    return errors


@pytest.fixture
def references():
    """The rows many-to-many cells name: partners, fields, qualifications, platforms."""
    return {
        "tsinghua": make_partner(name="清华大学", slug="tsinghua"),
        "cas": make_partner(name="中国科学院", slug="cas"),
        "materials": make_tech_field(name="新材料", slug="xin-cai-liao"),
        "manufacturing": make_tech_field(name="智能制造", slug="zhi-neng-zhi-zao", ordering=2),
        "hightech": make_qualification(name="国家级高新技术企业", slug="hightech"),
        "ip": make_qualification(name="知识产权优势企业", slug="ip", ordering=2),
        "incubator": make_platform(name="创业孵化器", slug="incubator"),
    }


# --- what real files import as ---------------------------------------------------------------

GBK_FILES = {
    PartnerInstitution: (
        "名称,类型,国家,城市,国际组织,总部所在地,会员数,示例内容,状态\r\n"
        '新华大学,高校,中国,北京,否,,,是,已发布\r\n国际合作协会,协会组织,,,是,日内瓦,"１，２００",否,草稿\r\n'
    ),
    Platform: (
        "名称,类型,合作机构,技术领域,进展,日期,示例内容,状态\r\n"
        "新材料研究院,研究院,清华大学、cas,新材料、智能制造,已运营,2017年9月,否,已发布\r\n"
    ),
    Enterprise: (
        "名称,简称,行业,资质,资本市场进程,孵化平台,状态\r\n新华科技股份有限公司,新华科技,软件,国家级高新技术企业、ip,新三板挂牌,创业孵化器,已发布\r\n"
    ),
    InnovationFigure: (
        "分组,名称,年份,数值,单位,目标值,来源说明（仅工作人员可见）,首页展示,状态\r\n"
        '双创,孵化企业,2017年,"１，２３４",家,否,年报,是,已发布\r\n'
    ),
}


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_chinese_csv_imports(model, encoding, references, publisher):
    before = model.objects.count()
    result = import_file(model, csv_dataset(GBK_FILES[model], encoding), user=publisher)
    assert errors_of(result) == {}
    assert model.objects.count() == before + result.totals["new"] > before


def test_gbk_cells_become_the_right_values(references, publisher):
    for model in MODELS:
        assert errors_of(import_file(model, csv_dataset(GBK_FILES[model], "gbk"), user=publisher)) == {}
    association = PartnerInstitution.objects.get(name="国际合作协会")
    assert (association.kind, association.is_international, association.country) == ("association", True, "")
    assert (association.member_count, association.status, association.is_sample) == (1200, Status.DRAFT, False)
    assert PartnerInstitution.objects.get(name="新华大学").is_sample is True
    platform = Platform.objects.get(name="新材料研究院")
    assert set(platform.partners.all()) == {references["tsinghua"], references["cas"]}
    assert set(platform.tech_fields.all()) == {references["materials"], references["manufacturing"]}
    assert (platform.date, platform.date_precision, platform.state) == (
        datetime.date(2017, 9, 1),
        DatePrecision.MONTH,
        "operating",
    )
    assert platform.slug, "a new row gets a slug from its name"
    enterprise = Enterprise.objects.get(name="新华科技股份有限公司")
    assert set(enterprise.qualifications.all()) == {references["hightech"], references["ip"]}
    assert list(enterprise.incubated_at.all()) == [references["incubator"]]
    assert enterprise.capital_stage == "neeq"
    figure = InnovationFigure.objects.get()
    assert (figure.group, figure.year, figure.value, figure.source_note) == ("entrepreneurship", 2017, Decimal(1234), "年报")
    assert (figure.featured, figure.is_target, figure.status) == (True, False, Status.PUBLISHED)


# --- natural keys ----------------------------------------------------------------------------


def test_reimport_finds_rows_by_slug_else_name_and_an_empty_slug_keeps_the_address(references, publisher):
    platform = make_platform(name="旧名称", slug="old-address", summary="保留")
    text = (
        "网址别名,名称,类型,合作机构\r\n"
        "old-address,新名称,研发中心,清华大学\r\n"  # by slug: renamed
        ",创业孵化器,孵化器,\r\n"  # by name; the empty slug keeps "incubator"
    )
    result = import_file(Platform, csv_dataset(text), user=publisher)
    assert errors_of(result) == {}
    assert (result.totals["update"], result.totals["new"]) == (2, 0)
    platform.refresh_from_db()
    assert (platform.name, platform.kind, platform.summary) == ("新名称", "rd_centre", "保留")
    assert list(platform.partners.all()) == [references["tsinghua"]]
    assert Platform.objects.get(name="创业孵化器").slug == "incubator"


def test_figure_found_by_group_label_and_year(publisher):
    figure = make_figure(label="孵化企业", year=2017, value="1", source_note="旧")
    result = import_file(InnovationFigure, csv_dataset("分组,名称,年份,数值,单位\r\n双创,孵化企业,2017,2,家\r\n"), user=publisher)
    assert errors_of(result) == {} and result.totals["update"] == 1
    figure.refresh_from_db()
    assert (figure.value, figure.source_note) == (2, "旧")
    assert InnovationFigure.objects.count() == 1


# --- all or nothing --------------------------------------------------------------------------

INVALID_FILES = {
    PartnerInstitution: (
        "名称,类型,国家,国际组织,会员数\r\n新华大学,高校,中国,否,\r\n甲协会,学会,,否,abc\r\n乙协会,协会组织,中国,是,\r\n",
        {2: {"类型": "不是可选的值", "会员数": "不是数字"}, 3: {"国家": "国际组织不属于某个国家"}},
    ),
    Platform: (
        "名称,类型,合作机构,技术领域,日期\r\n新平台,研究院,清华大学,,\r\n坏平台,研究院,清华大学、不存在的大学,不存在的领域,2017年13月\r\n",
        {
            2: {
                "合作机构": "找不到“不存在的大学”：请填写已有的合作机构的名称或网址别名",
                "技术领域": "找不到“不存在的领域”",
                "日期": "不是可识别的日期",
            }
        },
    ),
    Enterprise: (
        "名称,资质,孵化平台\r\n新企业,国家级高新技术企业,\r\n坏企业,高新企业、ip,不存在的孵化器\r\n",
        {2: {"资质": "找不到“高新企业”：请填写已有的企业资质", "孵化平台": "找不到“不存在的孵化器”"}},
    ),
    InnovationFigure: (
        "分组,名称,年份,数值,单位\r\n双创,孵化企业,2017,1,家\r\n随便,众创空间,2017,abc,个\r\n",
        {2: {"分组": "不是可选的值", "数值": "不是数字"}},
    ),
}


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_one_invalid_row_writes_nothing_and_errors_name_row_and_column(model, references, publisher):
    before = {m: m.objects.count() for m in MODELS}
    text, expected = INVALID_FILES[model]
    errors = errors_of(import_file(model, csv_dataset(text), user=publisher))
    assert set(errors) == set(expected)
    for row, columns in expected.items():
        assert set(errors[row]) == set(columns), row
        for column, message in columns.items():
            assert message in errors[row][column][0], (row, column, errors[row][column])
    assert {m: m.objects.count() for m in MODELS} == before
    assert Version.objects.count() == 0


# --- revisions -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_each_row_is_a_revision_by_the_importing_user(model, references, publisher):
    existing = set(model.objects.values_list("pk", flat=True))
    assert errors_of(import_file(model, csv_dataset(GBK_FILES[model]), user=publisher, file_name="导入.csv")) == {}
    imported = model.objects.exclude(pk__in=existing)
    assert imported.exists()
    for row in imported:
        (version,) = Version.objects.get_for_object(row)
        assert version.revision.user == publisher
        assert version.revision.comment == "从表格导入：导入.csv"


def test_a_revision_holds_the_imported_relations_and_restores_them(references, publisher):
    import_file(Platform, csv_dataset("名称,类型,合作机构\r\n新平台,研究院,清华大学\r\n"), user=publisher)
    import_file(Platform, csv_dataset("名称,类型,合作机构\r\n新平台,研究院,中国科学院\r\n"), user=publisher)
    platform = Platform.objects.get(name="新平台")
    assert list(platform.partners.all()) == [references["cas"]]
    Version.objects.get_for_object(platform).last().revision.revert()  # the first import
    assert list(platform.partners.all()) == [references["tsinghua"]]


# --- who may -------------------------------------------------------------------------------


def login_as(group_name):
    user = User.objects.create_user(f"user-{User.objects.count()}", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
@pytest.mark.parametrize("role, allowed", [(EDITOR, False), (PUBLISHER, True)])
def test_editors_can_neither_import_nor_export(model, role, allowed):
    client = login_as(role)
    for view in ("import", "export"):
        assert client.get(admin_url(model, view)).status_code == (200 if allowed else 403), (role, view)
    if not allowed:
        response = client.post(
            admin_url(model, "process_import"),
            {"import_file_name": "x", "original_file_name": "x.csv", "format": SPREADSHEET_FORMATS.index(SpreadsheetCSV)},
        )
        assert response.status_code == 403


# --- the round trip --------------------------------------------------------------------------


def make_rows(references):
    association = make_partner(
        name="国际“创新”协会, 日内瓦",
        kind="association",
        country="",
        is_international=True,
        headquarters="瑞士日内瓦",
        member_count=1200,
        member_country_count=45,
        description="第一段\n第二段",
        website="https://example.org/",
        is_sample=True,
        status=Status.DRAFT,
        ordering=3,
    )
    make_platform(
        name="新材料研究院",
        kind="research_institute",
        partners=[references["tsinghua"], association],
        tech_fields=[references["materials"], references["manufacturing"]],
        state="",
        state_note="正在建设",
        date=datetime.date(2017, 9, 1),
        date_precision=DatePrecision.MONTH,
        summary="摘要, 含逗号",
        is_sample=True,
        ordering=1,
    )
    make_platform(name="检测中心", kind="laboratory", date=datetime.date(2012, 1, 1), date_precision=DatePrecision.YEAR)
    make_platform(name="无日期平台", kind="incubator", status=Status.DRAFT)
    make_enterprise(
        name="新华科技股份有限公司",
        short_name="新华科技",
        sector="软件",
        qualifications=[references["hightech"], references["ip"]],
        capital_stage="neeq",
        incubated_at=[references["incubator"]],
        description="介绍\n两行",
        is_sample=True,
    )
    make_enterprise(name="无资质企业", status=Status.DRAFT, ordering=2)
    make_figure(label="孵化企业", value="12345.67", unit="家", year=2017, source_note="年报", featured=True)
    make_figure(label="孵化企业", value="100", unit="家", year=2018, is_target=True, status=Status.DRAFT)
    make_figure(group="capital_market", label="新三板挂牌", value="3", unit="家", year=2017, note="含“引号”")


def export_as(model, file_format):
    resource = RESOURCES[model]()
    return file_format.export_data(resource.export(force_native_type=isinstance(file_format, SpreadsheetXLSX)))


def xlsx_cells(data: bytes):
    return [[cell.value for cell in row] for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows()]


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
@pytest.mark.parametrize("file_format", [SpreadsheetCSV(), SpreadsheetXLSX()], ids=["csv", "xlsx"])
def test_round_trip_export_delete_import_export(model, file_format, references, publisher):
    make_rows(references)
    if model is PartnerInstitution:
        Platform.objects.all().delete()  # partners are deleted below; platforms would lose them
    first = export_as(model, file_format)
    count = model.objects.count()
    model.objects.all().delete()
    result = import_file(model, file_format.create_dataset(first), user=publisher, file_name="往返")
    assert errors_of(result) == {}
    assert result.totals["new"] == count
    second = export_as(model, file_format)
    if isinstance(file_format, SpreadsheetCSV):
        assert first.startswith("\ufeff".encode())
        assert second == first
    else:
        assert xlsx_cells(second) == xlsx_cells(first)


def test_platform_export_writes_names_and_precise_dates(references):
    make_rows(references)
    lines = export_as(Platform, SpreadsheetCSV()).decode("utf-8-sig").splitlines()
    assert lines[0] == "网址别名,名称,类型,合作机构,技术领域,进展,进展原文,日期,摘要,介绍,网站,排序,示例内容,状态"
    (line,) = [line for line in lines if ",新材料研究院," in line]
    assert '"清华大学、国际“创新”协会, 日内瓦",新材料、智能制造,,正在建设,2017年9月,' in line


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
def test_export_queries_do_not_grow_with_rows(model, references):
    """The relations are prefetched: as many queries for 20 rows as for 2."""
    make_rows(references)
    with CaptureQueriesContext(connection) as few:
        RESOURCES[model]().export()
    for n in range(20):
        make_platform(partners=[references["cas"]], tech_fields=[references["materials"]])
        make_enterprise(qualifications=[references["ip"]], incubated_at=[references["incubator"]])
        make_partner()
        make_figure(year=2000 + n)
    with CaptureQueriesContext(connection) as many:
        dataset = RESOURCES[model]().export()
    assert len(dataset) >= 20
    assert len(many) == len(few) <= 4


# --- in the admin ----------------------------------------------------------------------------


def test_admin_preview_then_confirm_a_gbk_platform_file(references):
    client = login_as(PUBLISHER)
    text = "名称,类型,合作机构,技术领域,日期,状态\r\n新材料研究院,研究院,清华大学、cas,新材料,2017年9月,已发布\r\n"
    preview = client.post(
        admin_url(Platform, "import"),
        {
            "format": SPREADSHEET_FORMATS.index(SpreadsheetCSV),
            "import_file": SimpleUploadedFile("平台.csv", text.encode("gbk")),
        },
    )
    assert preview.status_code == 200
    assert not Platform.objects.filter(name="新材料研究院").exists(), "the preview is a dry run"
    confirm = preview.context["confirm_form"]
    assert "清华大学、中国科学院" in preview.text and "2017年9月" in preview.text
    response = client.post(
        admin_url(Platform, "process_import"), {name: field.initial for name, field in confirm.fields.items()} | confirm.initial
    )
    assert response.status_code == 302
    platform = Platform.objects.get(name="新材料研究院")
    assert set(platform.partners.all()) == {references["tsinghua"], references["cas"]}
    assert Version.objects.get_for_object(platform).count() == 1


def test_admin_preview_of_an_unknown_partner_shows_the_error_and_no_confirm(references):
    client = login_as(PUBLISHER)
    text = "名称,类型,合作机构\r\n新平台,研究院,清华大学，中国科学院\r\n"  # a full-width comma, not “、”
    preview = client.post(
        admin_url(Platform, "import"),
        {"format": SPREADSHEET_FORMATS.index(SpreadsheetCSV), "import_file": SimpleUploadedFile("平台.csv", text.encode())},
    )
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None
    assert "找不到“清华大学，中国科学院”" in preview.text and "多个之间用“、”分隔" in preview.text
    assert not Platform.objects.filter(name="新平台").exists()
