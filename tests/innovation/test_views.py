import itertools

import pytest
from django.urls import reverse

from innovation.models import (
    AchievementKind,
    CapitalStage,
    CooperationState,
    EventKind,
    FigureGroup,
    PartnerKind,
    PlatformKind,
    PlatformState,
)
from portal.publishing import Status
from tests.factories import make_photo
from tests.innovation.factories_innovation import (
    make_achievement,
    make_cooperation,
    make_enterprise,
    make_event,
    make_figure,
    make_partner,
    make_platform,
    make_policy,
    make_qualification,
    make_tech_field,
)

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "innovation:innovation-home",
    "innovation:platform-list",
    "innovation:partner-list",
    "innovation:enterprise-list",
    "innovation:event-list",
    "innovation:achievement-list",
    "innovation:cooperation-list",
]


def text_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def main_of(response) -> str:
    content = text_of(response)
    return content[content.index("<h1") : content.index("</main>")]


_rows = itertools.count()


def populate(n):
    """n more rows of every innovation model, each linked to several others and a photo."""
    photo = make_photo()
    fields = [make_tech_field(name=f"领域{next(_rows)}") for _ in range(2)]
    flags = [make_qualification(name=f"资质{next(_rows)}") for _ in range(2)]
    for _ in range(n):
        i = next(_rows)
        partners = [
            make_partner(name=f"大学{i}", kind=list(PartnerKind)[i % 7], country=["中国", "乌克兰"][i % 2]),
            make_partner(name=f"企业{i}", kind=PartnerKind.ENTERPRISE),
        ]
        platform = make_platform(
            name=f"平台{i}",
            kind=list(PlatformKind)[i % 11],
            state=list(PlatformState)[i % 6],
            partners=partners,
            tech_fields=fields,
            photos=[photo],
        )
        enterprise = make_enterprise(
            name=f"公司{i}", capital_stage=list(CapitalStage)[i % 5], qualifications=flags, incubated_at=[platform]
        )
        make_event(name=f"大赛{i}", kind=list(EventKind)[i % 5], year=2015 + i % 3, photos=[photo])
        make_achievement(title=f"许可项目{i}", enterprise=enterprise, amount="4000", kind=list(AchievementKind)[i % 3])
        make_cooperation(title=f"合作{i}", partners=partners, tech_fields=fields, state=list(CooperationState)[i % 4])
        make_figure(label=f"数据{i}", group=list(FigureGroup)[i % 3], featured=True)
        make_policy(title=f"办法{i}")


# --- what the pages show ------------------------------------------------------------------


def test_every_page_links_to_every_other_page_of_the_section(client):
    for name in LIST_PAGES:
        content = text_of(client.get(reverse(name)))
        for other in LIST_PAGES:
            assert f'href="{reverse(other)}"' in content, (name, other)


def test_innovation_is_in_the_main_navigation_and_its_figures_on_the_home_page(client):
    make_figure(label="新增孵化企业", value="103", unit="家", featured=True)
    make_figure(label="不上首页的数据", value="7", featured=False)
    home = text_of(client.get(reverse("portal:home")))
    assert f'href="{reverse("innovation:innovation-home")}"' in home
    assert "新增孵化企业" in home and "<strong>103</strong>" in home and "不上首页的数据" not in home


def test_landing_page_shows_figures_pipeline_policy_and_platforms_from_data(client):
    make_figure(label="新增孵化企业", value="103", unit="家")
    make_figure(label="科技成果转化完成", value="13", unit="项", group=FigureGroup.TECH_TRANSFER)
    make_figure(label="完成股改挂牌培育", value="8", group=FigureGroup.CAPITAL_MARKET)
    make_figure(label="区域性股权交易市场挂牌", value="20", group=FigureGroup.CAPITAL_MARKET, is_target=True)
    make_figure(label="草稿数据", status=Status.DRAFT)
    for name in ("一阳科技", "达迪通信", "日高控股"):
        make_enterprise(name=name, capital_stage=CapitalStage.IPO_PROCESS)
    make_enterprise(name="草稿企业", capital_stage=CapitalStage.IPO_PROCESS, status=Status.DRAFT)
    make_policy(title="鼓励企业进入区域性股权交易市场管理办法(试行)", issued_by="新区管委会办公室")
    platform = make_platform(name="网络安全技术实验室", state=PlatformState.OPERATING, state_note="正式对外运营")
    content = main_of(client.get(reverse("innovation:innovation-home")))
    for text in [
        "双创",
        "新增孵化企业",
        "<strong>103</strong>",
        "科技成果转化",
        "<strong>13</strong>",
        "资本市场",
        "<strong>8</strong>",
        "<strong>20</strong>",
        "目标值",
        "IPO上市程序中",
        "（3 家）",
        "一阳科技",
        "达迪通信",
        "日高控股",
        "《鼓励企业进入区域性股权交易市场管理办法(试行)》",
        "新区管委会办公室",
        "网络安全技术实验室",
        "正式对外运营",
        platform.get_absolute_url(),
    ]:
        assert text in content, text
    assert "草稿数据" not in content and "草稿企业" not in content


def test_landing_page_without_content_is_not_an_error(client):
    content = main_of(client.get(reverse("innovation:innovation-home")))
    assert "<h1>创新创业</h1>" in content


def test_platform_detail_shows_partners_enterprises_fields_and_photos(client):
    university = make_partner(name="柳州职业技术学院", kind=PartnerKind.VOCATIONAL, city="柳州")
    draft_partner = make_partner(name="草稿机构", status=Status.DRAFT)
    platform = make_platform(
        name="柳职院协同创新研究院",
        kind=PlatformKind.COLLABORATIVE_INSTITUTE,
        partners=[university, draft_partner],
        tech_fields=[make_tech_field(name="汽车")],
        photos=[make_photo(caption="研究院实验室", credit="示例摄影师"), make_photo(caption="草稿图片", status=Status.DRAFT)],
        summary="多个项目注册落地。",
    )
    make_enterprise(name="新鹏机器人", incubated_at=[platform])
    make_enterprise(name="轻子机器视觉", incubated_at=[platform])
    make_enterprise(name="草稿公司", incubated_at=[platform], status=Status.DRAFT)
    content = main_of(client.get(platform.get_absolute_url()))
    for text in ["<h1>柳职院协同创新研究院</h1>", "协同创新研究院", "多个项目注册落地。", "汽车", "新鹏机器人", "轻子机器视觉"]:
        assert text in content, text
    assert f'href="{university.get_absolute_url()}"' in content
    assert "<figure" in content and "<figcaption>" in content and "研究院实验室" in content and "示例摄影师/摄" in content
    for hidden in ("草稿机构", "草稿公司", "草稿图片"):
        assert hidden not in content


def test_partner_page_lists_its_platforms_and_each_platform_links_back(client):
    partner = make_partner(name="华中科技大学")
    platforms = [make_platform(name=f"研究中心{i}", partners=[partner]) for i in range(2)]
    make_platform(name="草稿中心", partners=[partner], status=Status.DRAFT)
    make_platform(name="无关平台")
    partner_page = main_of(client.get(partner.get_absolute_url()))
    for platform in platforms:
        assert f'href="{platform.get_absolute_url()}"' in partner_page
        assert f'href="{partner.get_absolute_url()}"' in main_of(client.get(platform.get_absolute_url()))
    assert "草稿中心" not in partner_page and "无关平台" not in partner_page


def test_partner_page_shows_an_associations_membership_figures(client):
    iasp = make_partner(
        name="国际科技园协会", kind=PartnerKind.ASSOCIATION, country="西班牙", member_count=406, member_country_count=73
    )
    cooperation = make_cooperation(title="会员单位", partners=[iasp], state=CooperationState.MEMBERSHIP)
    content = main_of(client.get(iasp.get_absolute_url()))
    assert "西班牙" in content and "在 73 个国家有 406 家会员单位" in content
    assert f'href="{cooperation.get_absolute_url()}"' in content


def test_enterprise_page_links_to_its_platform_and_achievements(client):
    platform = make_platform(name="协同创新研究院")
    enterprise = make_enterprise(
        name="环保科技公司", incubated_at=[platform], qualifications=[make_qualification(name="国家级高新技术企业")]
    )
    achievement = make_achievement(title="智慧环卫系统五年许可项目", enterprise=enterprise, amount="4000")
    content = main_of(client.get(enterprise.get_absolute_url()))
    assert f'href="{platform.get_absolute_url()}"' in content
    assert "国家级高新技术企业" in content and achievement.title in content and "4000 万元" in content


def test_achievements_show_amount_unit_venue_and_the_transfer_figure(client):
    enterprise = make_enterprise(name="广西示例环保科技有限公司")
    make_achievement(
        title="智慧环卫系统五年许可项目",
        enterprise=enterprise,
        amount="4000.00",
        amount_unit="万元",
        venue="示例知识产权交易中心",
        distinction="成交金额最高的单个项目",
    )
    make_figure(label="科技成果转化完成", value="13", unit="项", group=FigureGroup.TECH_TRANSFER)
    content = main_of(client.get(reverse("innovation:achievement-list")))
    for text in [
        "<strong>4000</strong> 万元",
        "示例知识产权交易中心",
        "成交金额最高的单个项目",
        "科技成果转化完成",
        "<strong>13</strong>",
    ]:
        assert text in content, text
    assert f'href="{enterprise.get_absolute_url()}"' in content


def test_cooperation_page_lists_partners_countries_and_unnamed_partners(client):
    make_cooperation(
        title="与乌克兰高校合作",
        partners=[make_partner(name="乌克兰基辅国立大学", country="乌克兰")],
        partner_note="另外两所未列名称",
        tech_fields=[make_tech_field(name="新材料")],
        agreement="未来将在新材料领域成果转化进行合作。",
    )
    content = main_of(client.get(reverse("innovation:cooperation-list")))
    for text in ["与乌克兰高校合作", "乌克兰基辅国立大学", "乌克兰", "另外两所未列名称", "新材料", "达成初步合作意向"]:
        assert text in content, text


def test_events_show_kind_year_and_organisers(client):
    make_event(name="第二届创客文化节", kind=EventKind.FESTIVAL, year=2017, organisers="示例高新区")
    content = main_of(client.get(reverse("innovation:event-list")))
    assert "第二届创客文化节" in content and "文化节" in content and "2017年" in content and "示例高新区" in content


# --- drafts -------------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [make_platform, make_partner, make_enterprise], ids=["platform", "partner", "enterprise"])
def test_draft_details_are_404_for_the_public_and_a_preview_for_staff(client, staff_client, factory):
    obj = factory(status=Status.DRAFT)
    url = obj.get_absolute_url()
    assert client.get(url).status_code == 404
    content = text_of(staff_client.get(url))
    assert "草稿预览" in content and str(obj) in content


@pytest.mark.parametrize(
    ("url_name", "factory"),
    [
        ("innovation:platform-list", lambda: make_platform(name="草稿行", status=Status.DRAFT)),
        ("innovation:partner-list", lambda: make_partner(name="草稿行", status=Status.DRAFT)),
        ("innovation:enterprise-list", lambda: make_enterprise(name="草稿行", status=Status.DRAFT)),
        ("innovation:event-list", lambda: make_event(name="草稿行", status=Status.DRAFT)),
        ("innovation:achievement-list", lambda: make_achievement(title="草稿行", status=Status.DRAFT)),
        ("innovation:cooperation-list", lambda: make_cooperation(title="草稿行", status=Status.DRAFT)),
    ],
)
def test_lists_hide_drafts_and_say_when_empty(client, url_name, factory):
    factory()
    content = main_of(client.get(reverse(url_name)))
    assert "草稿行" not in content and "暂无内容" in content


def test_unknown_slugs_are_404(client):
    for name in ("platform-detail", "partner-detail", "enterprise-detail"):
        assert client.get(reverse(f"innovation:{name}", kwargs={"slug": "no-such-thing"})).status_code == 404


# --- query budgets ------------------------------------------------------------------------


def count_queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


PAGES_WITH_PARAMS = [
    ("innovation:innovation-home", {}),
    ("innovation:platform-list", {}),
    ("innovation:platform-list", {"kind": "laboratory", "state": "operating", "q": "平台"}),
    ("innovation:partner-list", {}),
    ("innovation:partner-list", {"kind": "university", "country": "中国", "q": "大学"}),
    ("innovation:enterprise-list", {}),
    ("innovation:enterprise-list", {"stage": "ipo_process", "q": "公司"}),
    ("innovation:event-list", {}),
    ("innovation:event-list", {"kind": "competition", "year": "2016"}),
    ("innovation:achievement-list", {"kind": "ip_licence"}),
    ("innovation:cooperation-list", {}),
    ("innovation:cooperation-list", {"country": "乌克兰", "state": "intent", "q": "合作"}),
    ("portal:home", {}),
]


@pytest.mark.parametrize(("url_name", "params"), PAGES_WITH_PARAMS)
def test_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, url_name, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    populate(2)
    url = reverse(url_name)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, params).status_code == 200
    populate(8)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url, params).status_code == 200


def test_query_count_with_many_to_many_facets_does_not_grow(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from innovation.models import PartnerInstitution, Platform, Qualification, TechField

    populate(2)

    def facets():
        field = TechField.objects.first()
        flag = Qualification.objects.first()
        platform = Platform.objects.first()
        partner = PartnerInstitution.objects.filter(platforms__isnull=False).first()
        return [
            (reverse("innovation:platform-list"), {"field": field.slug, "partner": partner.slug}),
            (reverse("innovation:enterprise-list"), {"flag": flag.slug, "platform": platform.slug}),
            (platform.get_absolute_url(), {}),
            (partner.get_absolute_url(), {}),
        ]

    budgets = []
    for url, params in facets():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        budgets.append(len(queries))
    populate(8)
    for (url, params), budget in zip(facets(), budgets, strict=True):
        with django_assert_max_num_queries(budget):
            assert client.get(url, params).status_code == 200
