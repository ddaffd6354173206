import re

import pytest
from django.db.models import Q
from django.urls import reverse

from innovation.filters import (
    AchievementFilter,
    CooperationFilter,
    EnterpriseFilter,
    EventFilter,
    PartnerFilter,
    PlatformFilter,
)
from innovation.models import CapitalStage, CooperationState, EventKind, PartnerKind, PlatformKind, PlatformState
from portal.publishing import Status
from tests.innovation.factories_innovation import (
    make_achievement,
    make_cooperation,
    make_enterprise,
    make_event,
    make_partner,
    make_platform,
    make_qualification,
    make_tech_field,
)

pytestmark = pytest.mark.django_db

ODD_VALUES = ["", "abc", "-1", "0", "99999999999999999999", "%00", "\x00", "'\"<>", "长" * 300, "2017.5", "[]", "None", "a b"]


def get(client, url_name, params=None):
    response = client.get(reverse(url_name), params or {})
    assert response.status_code == 200
    content = response.content.decode()
    return content[content.index("<h1") : content.index("</main>")]


def card_titles(content) -> list[str]:
    return re.findall(r'class="card__title">(?:<a href="[^"]*">)?([^<]+)<', content)


@pytest.fixture
def platforms():
    sjtu = make_partner(name="上海交通大学", kind=PartnerKind.UNIVERSITY)
    hust = make_partner(name="华中科技大学", kind=PartnerKind.UNIVERSITY)
    firm = make_partner(name="湖大艾盛", kind=PartnerKind.ENTERPRISE)
    manufacturing = make_tech_field(name="智能制造")
    cars = make_tech_field(name="汽车")
    return {
        "institute": make_platform(
            name="智能制造技术研究院",
            kind=PlatformKind.RESEARCH_INSTITUTE,
            state=PlatformState.UNDER_CONSTRUCTION,
            partners=[sjtu, hust],
            tech_fields=[manufacturing, cars],
        ),
        "centre": make_platform(
            name="数字装备研究中心",
            kind=PlatformKind.RD_CENTRE,
            state=PlatformState.UNDER_CONSTRUCTION,
            partners=[hust],
            tech_fields=[cars],
        ),
        "lab": make_platform(
            name="网络安全技术实验室", kind=PlatformKind.LABORATORY, state=PlatformState.OPERATING, partners=[firm]
        ),
        "partners": {"sjtu": sjtu, "hust": hust, "firm": firm},
        "fields": {"manufacturing": manufacturing, "cars": cars},
    }


def test_platform_filters_narrow_by_each_facet(client, platforms):
    partners, fields = platforms["partners"], platforms["fields"]
    cases = [
        ({"kind": PlatformKind.LABORATORY}, ["网络安全技术实验室"]),
        ({"state": PlatformState.UNDER_CONSTRUCTION}, ["智能制造技术研究院", "数字装备研究中心"]),
        ({"partner": partners["hust"].slug}, ["智能制造技术研究院", "数字装备研究中心"]),
        ({"partner": partners["sjtu"].slug}, ["智能制造技术研究院"]),
        ({"field": fields["cars"].slug}, ["智能制造技术研究院", "数字装备研究中心"]),
        ({"field": fields["manufacturing"].slug}, ["智能制造技术研究院"]),
        ({"partner": partners["hust"].slug, "field": fields["cars"].slug}, ["智能制造技术研究院", "数字装备研究中心"]),
        ({"q": "网络"}, ["网络安全技术实验室"]),
        ({"q": "大学"}, ["智能制造技术研究院", "数字装备研究中心"]),  # partners' names, each platform once
        ({"q": "汽车"}, ["智能制造技术研究院", "数字装备研究中心"]),  # fields' names
    ]
    for params, expected in cases:
        assert card_titles(get(client, "innovation:platform-list", params)) == expected, params


def test_many_to_many_filters_never_repeat_a_row(client, platforms):
    content = get(client, "innovation:platform-list", {"q": "大学", "field": platforms["fields"]["cars"].slug})
    assert card_titles(content).count("智能制造技术研究院") == 1


def test_partner_filter_offers_only_published_partners(client, platforms):
    make_partner(name="草稿大学", status=Status.DRAFT)
    content = get(client, "innovation:platform-list")
    assert "上海交通大学</option>" in content and "草稿大学" not in content


def test_partner_filters_narrow_by_kind_and_country(client):
    make_partner(name="乌克兰基辅国立大学", kind=PartnerKind.UNIVERSITY, country="乌克兰")
    make_partner(name="上汽通用五菱印尼汽车有限公司", kind=PartnerKind.ENTERPRISE, country="印度尼西亚")
    make_partner(name="华中科技大学", kind=PartnerKind.UNIVERSITY, country="中国")
    assert card_titles(get(client, "innovation:partner-list", {"kind": "university"})) == ["乌克兰基辅国立大学", "华中科技大学"]
    assert card_titles(get(client, "innovation:partner-list", {"country": "印度尼西亚"})) == ["上汽通用五菱印尼汽车有限公司"]
    assert card_titles(get(client, "innovation:partner-list", {"q": "基辅"})) == ["乌克兰基辅国立大学"]
    content = get(client, "innovation:partner-list")
    countries = re.search(r'<select name="country"[^>]*>(.*?)</select>', content, re.S).group(1)
    assert set(re.findall(r'<option value="([^"]+)">', countries)) == {"中国", "乌克兰", "印度尼西亚"}


def test_enterprise_filters_narrow_by_flag_stage_and_platform(client):
    high_tech = make_qualification(name="国家级高新技术企业")
    ip = make_qualification(name="国家级知识产权优势企业")
    institute = make_platform(name="协同创新研究院")
    make_enterprise(name="一阳科技", capital_stage=CapitalStage.IPO_PROCESS, qualifications=[high_tech, ip])
    make_enterprise(name="新鹏机器人", incubated_at=[institute], qualifications=[high_tech])
    make_enterprise(name="示例挂牌公司", capital_stage=CapitalStage.REGIONAL_EQUITY)
    assert card_titles(get(client, "innovation:enterprise-list", {"flag": high_tech.slug})) == ["一阳科技", "新鹏机器人"]
    assert card_titles(get(client, "innovation:enterprise-list", {"flag": ip.slug})) == ["一阳科技"]
    assert card_titles(get(client, "innovation:enterprise-list", {"stage": "ipo_process"})) == ["一阳科技"]
    assert card_titles(get(client, "innovation:enterprise-list", {"platform": institute.slug})) == ["新鹏机器人"]
    assert card_titles(get(client, "innovation:enterprise-list", {"q": "机器人"})) == ["新鹏机器人"]


def test_event_filters_narrow_by_kind_year_and_text(client):
    make_event(name="创新创业大赛分区赛", kind=EventKind.COMPETITION, year=2017)
    make_event(name="第二届创客文化节", kind=EventKind.FESTIVAL, year=2017)
    make_event(name="往年大赛", kind=EventKind.COMPETITION, year=2016)
    assert card_titles(get(client, "innovation:event-list", {"kind": "festival"})) == ["第二届创客文化节"]
    assert card_titles(get(client, "innovation:event-list", {"year": "2016"})) == ["往年大赛"]
    assert card_titles(get(client, "innovation:event-list", {"q": "分区赛"})) == ["创新创业大赛分区赛"]
    assert re.findall(r'<option value="(\d{4})">', get(client, "innovation:event-list")) == ["2017", "2016"]


def test_achievement_filters_narrow_by_kind_and_text(client):
    make_achievement(title="智慧环卫系统五年许可项目", kind="ip_licence", enterprise=make_enterprise(name="升禾环保"))
    make_achievement(title="农产品加工技术转化", kind="tech_transfer")
    assert card_titles(get(client, "innovation:achievement-list", {"kind": "tech_transfer"})) == ["农产品加工技术转化"]
    assert card_titles(get(client, "innovation:achievement-list", {"q": "升禾"})) == ["智慧环卫系统五年许可项目"]


def test_cooperation_filters_narrow_by_country_state_and_text(client):
    indonesia = [make_partner(name=f"印尼机构{i}", country="印度尼西亚") for i in range(2)]
    make_cooperation(title="汽车教育培训基地", partners=indonesia, state=CooperationState.ESTABLISHED)
    make_cooperation(title="与乌克兰高校合作", partners=[make_partner(name="基辅国立大学", country="乌克兰")])
    by_country = get(client, "innovation:cooperation-list", {"country": "印度尼西亚"})
    assert card_titles(by_country) == ["汽车教育培训基地"]  # two Indonesian partners, one row
    assert card_titles(get(client, "innovation:cooperation-list", {"state": "intent"})) == ["与乌克兰高校合作"]
    assert card_titles(get(client, "innovation:cooperation-list", {"q": "基辅"})) == ["与乌克兰高校合作"]


@pytest.mark.parametrize(
    "filterset_class",
    [PlatformFilter, PartnerFilter, EnterpriseFilter, EventFilter, AchievementFilter, CooperationFilter],
)
def test_keyword_search_by_relation_finds_what_one_joined_search_found(filterset_class):
    """Each relation's text is searched in a subquery of its own (portal's TextSearchFilterSet):
    the same rows, each once, as one subquery across every join, for every field searched — own
    text, a partner's or a field's name, no match — except that a draft partner's name, which no
    page shows, finds nothing."""
    draft = make_partner(name="草稿大学甲", status=Status.DRAFT)
    twins = [make_partner(name=f"双子大学{i}", description="合作介绍乙", city="城市丙") for i in range(2)]
    field = make_tech_field(name="领域丁")
    make_platform(name="名称戊研究院", summary="摘要己", body="介绍庚", state_note="进展辛", partners=[draft, *twins])
    make_platform(name="只有领域的平台", tech_fields=[field], partners=[twins[0]])
    make_platform(name="无关平台")
    enterprise = make_enterprise(name="企业壬", short_name="简称癸", sector="行业子", description="介绍丑")
    make_achievement(title="成果寅", parties="各方卯", venue="场所辰", distinction="突出巳", enterprise=enterprise)
    make_achievement(title="没有企业的成果", description="说明午")
    make_cooperation(title="合作未", agreement="内容申", partner_note="补充酉", partners=[draft, *twins])
    make_event(name="大赛戌", organisers="主办亥", description="介绍甲子")
    terms = ["草稿大学甲", "双子大学", "合作介绍乙", "城市丙", "领域丁", "名称戊", "摘要己", "介绍", "进展辛", "企业壬"]
    terms += ["简称癸", "行业子", "成果寅", "各方卯", "场所辰", "突出巳", "说明午", "合作未", "内容申", "补充酉", "大赛戌"]
    terms += ["主办亥", "示例", "大学", "没有这个词"]
    model = filterset_class._meta.model
    for term in terms:
        filterset = filterset_class(data={"q": term}, queryset=model.objects.all())
        found = list(filterset.qs.values_list("pk", flat=True))
        condition = Q()
        for field_name in filterset_class.text_fields:
            condition |= Q(**{f"{field_name}__icontains": term})
        joined = model.objects.filter(pk__in=model.objects.filter(condition).values("pk"))
        by_draft_partner = term == "草稿大学甲" and "partners__name" in filterset_class.text_fields
        expected = [] if by_draft_partner else list(joined.values_list("pk", flat=True))
        assert found == expected, (model.__name__, term)
        assert len(found) == len(set(found))


def test_filters_survive_pagination(client, settings):
    partner = make_partner(name="共建大学")
    for i in range(25):
        make_platform(name=f"平台{i:02d}", partners=[partner])
    content = get(client, "innovation:platform-list", {"partner": partner.slug})
    assert f"partner={partner.slug}&amp;page=2" in content


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("innovation:platform-list", ["kind", "partner", "state", "field", "q", "page"]),
        ("innovation:partner-list", ["kind", "country", "q", "page"]),
        ("innovation:enterprise-list", ["flag", "stage", "platform", "q", "page"]),
        ("innovation:event-list", ["kind", "year", "q", "page"]),
        ("innovation:achievement-list", ["kind", "q", "page"]),
        ("innovation:cooperation-list", ["scope", "state", "country", "q", "page"]),
        ("innovation:innovation-home", ["q", "page"]),
    ],
)
def test_bad_input_answers_cleanly(client, platforms, url_name, params):
    url = reverse(url_name)
    for param in params + ["unknown"]:
        for value in ODD_VALUES:
            response = client.get(url, {param: value})
            assert response.status_code == 200, (param, value)
        assert client.get(url, {param: ["1", "2"]}).status_code == 200
    assert client.get(url + "?%ff%fe=%ff&&=&page&page=").status_code == 200


def test_a_bad_filter_value_says_so(client, platforms):
    response = client.get(reverse("innovation:platform-list"), {"partner": "no-such-partner"})
    content = response.content.decode()
    assert response.status_code == 200 and "筛选条件有误" in content


def test_bad_detail_slugs_are_404_not_500(client):
    for prefix in ("platforms", "partners", "enterprises"):
        for slug in ("%00", "长", "a" * 300):
            assert client.get(f"/innovation/{prefix}/{slug}/").status_code == 404
