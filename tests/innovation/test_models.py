from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from innovation.models import FigureGroup
from portal.dates import DatePrecision
from portal.publishing import Status
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


def test_chinese_names_get_pinyin_slugs_that_never_collide():
    first = make_platform(name="国际合作技术中心")
    assert first.slug == "guo-ji-he-zuo-ji-shu-zhong-xin"
    partner = make_partner(name="上海交通大学")
    assert partner.slug == "shang-hai-jiao-tong-da-xue"
    assert make_partner(name="上海交通大学（分部）").slug != partner.slug


def test_every_model_has_a_readable_str_and_a_public_url():
    partner = make_partner(name="湖南大学")
    platform = make_platform(name="智能激光制造重点实验室", partners=[partner])
    objects = [
        make_tech_field(name="激光制造"),
        make_qualification(name="国家级高新技术企业"),
        partner,
        platform,
        make_enterprise(name="示例机器人", incubated_at=[platform]),
        make_event(name="第二届创客文化节", year=2017),
        make_achievement(title="智慧环卫系统五年许可项目"),
        make_cooperation(title="汽车教育培训基地", partners=[partner]),
        make_figure(label="新增孵化企业", year=2017),
        make_policy(title="鼓励企业进入区域性股权交易市场管理办法"),
    ]
    for obj in objects:
        assert str(obj)
        assert obj.get_absolute_url().startswith("/innovation/")


def test_platform_date_renders_only_what_is_known():
    platform = make_platform(date=date(2017, 6, 15), date_precision=DatePrecision.MONTH)
    platform.full_clean()
    assert platform.date == date(2017, 6, 1) and platform.date_display == "2017年6月"


def test_links_both_ways_between_platforms_partners_and_enterprises():
    university = make_partner(name="柳州职业技术学院")
    platform = make_platform(name="协同创新研究院", partners=[university])
    enterprise = make_enterprise(name="新鹏机器人", incubated_at=[platform])
    assert list(university.platforms.all()) == [platform]
    assert list(platform.enterprises.all()) == [enterprise]


def test_cooperation_countries_come_from_its_partners_in_order_without_repeats():
    cooperation = make_cooperation(
        partners=[
            make_partner(name="甲职业学院", country="中国", ordering=1),
            make_partner(name="乙汽车公司", country="印度尼西亚", ordering=2),
            make_partner(name="丙职业学校", country="印度尼西亚", ordering=3),
        ]
    )
    assert cooperation.countries() == ["中国", "印度尼西亚"]


def test_an_international_organisation_is_no_partner_country():
    iasp = make_partner(name="国际科技园协会", country="", is_international=True, headquarters="西班牙")
    cooperation = make_cooperation(partners=[make_partner(name="甲大学", country="乌克兰"), iasp])
    assert cooperation.countries() == ["乌克兰"]
    assert iasp.location == "国际组织 · 总部：西班牙"
    iasp.country = "西班牙"
    with pytest.raises(ValidationError) as error:
        iasp.full_clean()
    assert "country" in error.value.message_dict


def test_one_figure_per_group_label_and_year():
    make_figure(group=FigureGroup.ENTREPRENEURSHIP, label="新增孵化企业", year=2017)
    make_figure(group=FigureGroup.ENTREPRENEURSHIP, label="新增孵化企业", year=2018)
    with pytest.raises(IntegrityError):
        make_figure(group=FigureGroup.ENTREPRENEURSHIP, label="新增孵化企业", year=2017)


def test_implausible_years_are_refused_by_the_database():
    with pytest.raises(IntegrityError):
        make_event(year=20170)


def test_event_year_is_validated_in_forms_too():
    event = make_event()
    event.year = 1800
    with pytest.raises(ValidationError):
        event.full_clean()


def test_published_queryset_hides_drafts():
    from innovation.models import Platform

    make_platform(name="已发布平台")
    make_platform(name="草稿平台", status=Status.DRAFT)
    assert [platform.name for platform in Platform.objects.published()] == ["已发布平台"]
