"""The park section's open-data resources (/api/v1/parks/…): the same rows and filters as its
pages, through portal.api's building blocks. Staff-only notes (an indicator's 来源说明) are not
in them."""

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from portal.api import PageURLField, PreciseDateField, PublishedViewSet

from .filters import AreaFilter, HonourFilter, IndicatorFilter, IndustryFilter, MilestoneFilter
from .models import Area, Honour, Indicator, Industry, Milestone, Park, ProfileItem

PARK = serializers.SlugRelatedField(read_only=True, slug_field="slug", help_text="所属园区的网址别名。")


class ProfileItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProfileItem
        fields = ["kind", "text", "description"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "园区",
            value={
                "slug": "liu-zhou-gao-xin-qu",
                "name": "柳州高新技术产业开发区",
                "short_name": "柳州高新区",
                "level": "national",
                "summary": "……",
                "approved_on": "1992-09",
                "approval_body": "广西壮族自治区人民政府",
                "upgraded_on": "2010-11",
                "upgrade_body": "国务院",
                "planned_area": "45.00",
                "area_unit": "平方公里",
                "profile_items": [{"kind": "mission", "text": "……", "description": ""}],
                "is_sample": False,
                "page_url": "https://portal.example.org/parks/parks/liu-zhou-gao-xin-qu/",
            },
        )
    ]
)
class ParkSerializer(serializers.ModelSerializer):
    approved_on = PreciseDateField("approved_on", "approved_on_precision")
    upgraded_on = PreciseDateField("upgraded_on", "upgraded_on_precision")
    profile_items = ProfileItemSerializer(many=True, read_only=True)
    page_url = PageURLField()

    class Meta:
        model = Park
        fields = [
            *("slug", "name", "short_name", "level", "summary", "approved_on", "approval_body", "upgraded_on"),
            *("upgrade_body", "planned_area", "area_unit", "profile_items", "is_sample", "page_url"),
        ]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "片区",
            value={
                "slug": "guan-tang-pian-qu",
                "name": "官塘片区",
                "park": "liu-zhou-gao-xin-qu",
                "date": "2005",
                "date_label": "起进驻",
                "role": "进驻片区",
                "description": "……",
                "page_url": "https://portal.example.org/parks/areas/#guan-tang-pian-qu",
            },
        )
    ]
)
class AreaSerializer(serializers.ModelSerializer):
    park = PARK
    date = PreciseDateField()
    page_url = PageURLField()

    class Meta:
        model = Area
        fields = ["slug", "name", "park", "date", "date_label", "role", "description", "page_url"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "大事记",
            value={
                "id": 1,
                "park": "liu-zhou-gao-xin-qu",
                "date": "1992-09",
                "title": "经广西壮族自治区政府批准成立",
                "body": "……",
                "page_url": "https://portal.example.org/parks/milestones/#milestone-1",
            },
        )
    ]
)
class MilestoneSerializer(serializers.ModelSerializer):
    park = PARK
    date = PreciseDateField()
    page_url = PageURLField()

    class Meta:
        model = Milestone
        fields = ["id", "park", "date", "title", "body", "page_url"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "产业",
            value={
                "slug": "qi-che",
                "name": "汽车",
                "park": "liu-zhou-gao-xin-qu",
                "role": "pillar",
                "description": "……",
                "page_url": "https://portal.example.org/parks/industries/#qi-che",
            },
        )
    ]
)
class IndustrySerializer(serializers.ModelSerializer):
    park = PARK
    page_url = PageURLField()

    class Meta:
        model = Industry
        fields = ["slug", "name", "park", "role", "description", "page_url"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "经济指标",
            value={
                "id": 12,
                "park": "liu-zhou-gao-xin-qu",
                "metric": "规模以上工业总产值",
                "metric_slug": "gui-mo-yi-shang-gong-ye-zong-chan-zhi",
                "category": "output",
                "unit": "亿元",
                "year": 2017,
                "as_of": None,
                "value": "1230.5000",
                "yoy_change": "12.30",
                "scope_note": "全区口径",
                "note": "",
            },
        )
    ]
)
class IndicatorSerializer(serializers.ModelSerializer):
    """One figure of one year: flat, so that it is also one CSV row."""

    park = PARK
    metric = serializers.CharField(source="metric.name", read_only=True, help_text="指标名称。")
    metric_slug = serializers.CharField(source="metric.slug", read_only=True)
    category = serializers.CharField(source="metric.category", read_only=True, help_text="指标类别。")
    unit = serializers.CharField(source="metric.unit", read_only=True, help_text="单位，例如亿元、件、家。")
    as_of = PreciseDateField("as_of", "as_of_precision", help_text="数据只统计到年内某时点时的截至日期；全年数据为 null。")
    page_url = PageURLField()

    class Meta:
        model = Indicator
        fields = [
            *("id", "park", "metric", "metric_slug", "category", "unit", "year", "as_of", "value"),
            *("yoy_change", "scope_note", "note", "page_url"),
        ]
        extra_kwargs = {"yoy_change": {"help_text": "同比增长（%），例如 5.2 表示增长 5.2%；未知时为 null。"}}


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "荣誉",
            value={
                "id": 1,
                "park": "liu-zhou-gao-xin-qu",
                "date": None,
                "name": "国家知识产权示范园区",
                "level": "national",
                "awarded_by": "国家知识产权局",
                "stage": "获批建设",
                "holder": "",
                "distinction": "广西唯一获批建设单位",
                "description": "",
                "page_url": "https://portal.example.org/parks/honours/#honour-1",
            },
        )
    ]
)
class HonourSerializer(serializers.ModelSerializer):
    park = PARK
    date = PreciseDateField()
    page_url = PageURLField()

    class Meta:
        model = Honour
        fields = [
            *("id", "park", "date", "name", "level", "awarded_by", "stage", "holder", "distinction", "description"),
            "page_url",
        ]


class ParkViewSet(PublishedViewSet):
    """园区概况：批准成立与升级、规划面积、级别与概况条目（使命定位、管理模式等）。"""

    serializer_class = ParkSerializer
    lookup_field = "slug"
    prefetch_related = ("profile_items",)


class AreaViewSet(PublishedViewSet):
    """一区多园：各片区的定位、进驻或合并时间与介绍。"""

    serializer_class = AreaSerializer
    filterset_class = AreaFilter
    lookup_field = "slug"
    select_related = ("park",)
    tabular = True


class MilestoneViewSet(PublishedViewSet):
    """发展历程：大事记，日期只写已知的精度。"""

    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    select_related = ("park",)
    tabular = True


class IndustryViewSet(PublishedViewSet):
    """产业布局：支柱（基石）产业与战略性新兴产业。"""

    serializer_class = IndustrySerializer
    filterset_class = IndustryFilter
    lookup_field = "slug"
    select_related = ("park",)
    tabular = True


class IndicatorApiFilter(IndicatorFilter):
    """The indicator page's filters; `year` narrows the rows here (on the page it picks the year
    its table shows, the charts keeping every year)."""

    def choose_year(self, queryset, name, value):
        return queryset.filter(year=value)


class IndicatorViewSet(PublishedViewSet):
    """经济指标：逐年数值、单位、同比增长、统计口径与公开备注。"""

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorApiFilter
    select_related = ("park", "metric")
    tabular = True


class HonourViewSet(PublishedViewSet):
    """园区荣誉：称号、试点与示范资格及其级别、授予单位与进展。"""

    serializer_class = HonourSerializer
    filterset_class = HonourFilter
    select_related = ("park",)
    tabular = True


api_resources = [
    ("parks/parks", ParkViewSet),
    ("parks/areas", AreaViewSet),
    ("parks/milestones", MilestoneViewSet),
    ("parks/industries", IndustryViewSet),
    ("parks/indicators", IndicatorViewSet),
    ("parks/honours", HonourViewSet),
]
