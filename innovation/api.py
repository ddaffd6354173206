"""The innovation section's open-data resources (/api/v1/innovation/…): platforms, partner
institutions, enterprises, 双创 figures, events, achievements and cooperation, the same rows and
filters as their pages, through portal.api's building blocks. Staff-only notes (来源说明) are
not in them.

A linked row (a platform's partners, an enterprise's incubator, a photo) is named by its slug
only while it is public, as the pages link it only then; a linked sample row only when samples
were asked for (`?include_samples=1`), like the rows themselves.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from portal.api import INCLUDE_SAMPLES_PARAMETER, PageURLField, PreciseDateField, PublishedViewSet
from portal.filters import YearChoiceFilter, distinct_values

from .filters import AchievementFilter, CooperationFilter, EnterpriseFilter, EventFilter, PartnerFilter, PlatformFilter
from .models import (
    Achievement,
    Cooperation,
    Enterprise,
    Event,
    InnovationFigure,
    PartnerInstitution,
    Platform,
)


def slugs(help_text: str) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug", help_text=help_text)


def names(help_text: str) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(many=True, read_only=True, slug_field="name", help_text=help_text)


# --- platforms, partners, enterprises ------------------------------------------------------


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "创新平台",
            value={
                "slug": "qi-che-yan-jiu-yuan",
                "name": "某汽车研究院",
                "kind": "research_institute",
                "partners": ["mou-da-xue"],
                "tech_fields": ["智能制造"],
                "state": "operating",
                "state_note": "已投入使用",
                "date": "2016-05",
                "summary": "……",
                "body": "……",
                "photos": [],
                "website": "",
                "is_sample": False,
                "page_url": "https://portal.example.org/innovation/platforms/qi-che-yan-jiu-yuan/",
            },
        )
    ]
)
class PlatformSerializer(serializers.ModelSerializer):
    partners = slugs("合作机构的网址别名（/api/v1/innovation/partners/<别名>/）。")
    tech_fields = names("技术领域。")
    date = PreciseDateField(help_text="成立、揭牌或签约时间，只写已知的精度；未知时为 null。")
    photos = slugs("图片的网址别名（/api/v1/photos/<别名>/）。")
    page_url = PageURLField()

    class Meta:
        model = Platform
        fields = [
            *("slug", "name", "kind", "partners", "tech_fields", "state", "state_note", "date", "summary", "body"),
            *("photos", "website", "is_sample", "page_url"),
        ]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "合作机构",
            value={
                "slug": "mou-da-xue",
                "name": "某大学",
                "short_name": "",
                "kind": "university",
                "city": "柳州",
                "country": "中国",
                "is_international": False,
                "headquarters": "",
                "distinction": "",
                "description": "……",
                "member_count": None,
                "member_country_count": None,
                "website": "",
                "is_sample": False,
                "page_url": "https://portal.example.org/innovation/partners/mou-da-xue/",
            },
        )
    ]
)
class PartnerSerializer(serializers.ModelSerializer):
    page_url = PageURLField()

    class Meta:
        model = PartnerInstitution
        fields = [
            *("slug", "name", "short_name", "kind", "city", "country", "is_international", "headquarters"),
            *("distinction", "description", "member_count", "member_country_count", "website", "is_sample", "page_url"),
        ]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "园区企业",
            value={
                "slug": "mou-qi-che-gong-si",
                "name": "某汽车零部件有限公司",
                "short_name": "",
                "sector": "汽车零部件",
                "qualifications": ["国家级高新技术企业"],
                "capital_stage": "neeq",
                "incubated_at": ["qi-che-yan-jiu-yuan"],
                "description": "……",
                "website": "",
                "is_sample": False,
                "page_url": "https://portal.example.org/innovation/enterprises/mou-qi-che-gong-si/",
            },
        )
    ]
)
class EnterpriseSerializer(serializers.ModelSerializer):
    qualifications = names("资质，例如国家级高新技术企业。")
    incubated_at = slugs("孵化平台的网址别名（/api/v1/innovation/platforms/<别名>/）。")
    page_url = PageURLField()

    class Meta:
        model = Enterprise
        fields = [
            *("slug", "name", "short_name", "sector", "qualifications", "capital_stage", "incubated_at"),
            *("description", "website", "is_sample", "page_url"),
        ]


class PlatformViewSet(PublishedViewSet):
    """创新平台：研究院、研发中心、实验室、孵化器等，及其合作机构、技术领域与进展。"""

    serializer_class = PlatformSerializer
    filterset_class = PlatformFilter
    lookup_field = "slug"
    prefetch_related = ("partners", "tech_fields", "photos")
    tabular = True


class PartnerViewSet(PublishedViewSet):
    """合作机构：高校、科研院所、企业、政府机构与协会组织。"""

    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter
    lookup_field = "slug"
    tabular = True


class EnterpriseViewSet(PublishedViewSet):
    """园区企业：行业、资质、资本市场进程与孵化平台。"""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    lookup_field = "slug"
    prefetch_related = ("qualifications", "incubated_at")
    tabular = True


# --- figures, events, achievements, cooperation -----------------------------------------------


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "双创数据",
            value={
                "id": 5,
                "group": "entrepreneurship",
                "label": "在孵企业",
                "value": "120.00",
                "unit": "家",
                "year": 2017,
                "is_target": False,
                "note": "",
                "page_url": "https://portal.example.org/innovation/#figures-entrepreneurship",
            },
        )
    ]
)
class FigureSerializer(serializers.ModelSerializer):
    page_url = PageURLField()

    class Meta:
        model = InnovationFigure
        fields = ["id", "group", "label", "value", "unit", "year", "is_target", "note", "page_url"]
        extra_kwargs = {"is_target": {"help_text": "尚未完成的计划数（目标值）。"}, "note": {"help_text": "公开备注。"}}


class FigureFilter(django_filters.FilterSet):
    """The 双创 figures have no list page of their own (the section's home shows them by group):
    a group and a year, as the home page arranges them."""

    year = YearChoiceFilter(
        label=_("年份"), years=lambda: distinct_values(InnovationFigure.objects.published(), "year", descending=True)
    )

    class Meta:
        model = InnovationFigure
        fields = ["group", "year"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "双创活动",
            value={
                "id": 3,
                "name": "中国创新创业大赛分区赛",
                "edition": 6,
                "year": 2017,
                "kind": "competition",
                "date": "2017-06",
                "organisers": "……",
                "description": "……",
                "photos": [],
                "page_url": "https://portal.example.org/innovation/events/#event-3",
            },
        )
    ]
)
class EventSerializer(serializers.ModelSerializer):
    date = PreciseDateField(help_text="举办日期，只写已知的精度；未知时为 null（见 year）。")
    photos = slugs("图片的网址别名（/api/v1/photos/<别名>/）。")
    page_url = PageURLField()

    class Meta:
        model = Event
        fields = ["id", "name", "edition", "year", "kind", "date", "organisers", "description", "photos", "page_url"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "创新成果",
            value={
                "id": 8,
                "title": "某专利许可项目",
                "kind": "ip_licence",
                "enterprise": "mou-qi-che-gong-si",
                "enterprise_name": "某汽车零部件有限公司",
                "parties": "",
                "amount": "120.00",
                "amount_unit": "万元",
                "venue": "某知识产权交易中心",
                "date": "2017",
                "distinction": "",
                "description": "",
                "is_sample": False,
                "page_url": "https://portal.example.org/innovation/achievements/#achievement-8",
            },
        )
    ]
)
class AchievementSerializer(serializers.ModelSerializer):
    enterprise = serializers.SlugRelatedField(
        read_only=True, slug_field="slug", help_text="园区企业的网址别名；原文未指明企业时为 null。"
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None, allow_null=True)
    date = PreciseDateField()
    page_url = PageURLField()

    class Meta:
        model = Achievement
        fields = [
            *("id", "title", "kind", "enterprise", "enterprise_name", "parties", "amount", "amount_unit", "venue"),
            *("date", "distinction", "description", "is_sample", "page_url"),
        ]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "对外合作",
            value={
                "slug": "zhong-de-he-zuo",
                "title": "中德合作项目",
                "scope": "international",
                "partners": ["mou-da-xue"],
                "countries": ["德国"],
                "partner_note": "",
                "tech_fields": ["智能制造"],
                "agreement": "……",
                "state": "agreement",
                "date": "2016-09",
                "distinction": "",
                "description": "",
                "page_url": "https://portal.example.org/innovation/cooperations/#zhong-de-he-zuo",
            },
        )
    ]
)
class CooperationSerializer(serializers.ModelSerializer):
    partners = slugs("合作各方的网址别名（/api/v1/innovation/partners/<别名>/）。")
    countries = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="合作各方所在国家（国际组织不计）。"
    )
    tech_fields = names("合作领域。")
    date = PreciseDateField()
    page_url = PageURLField()

    class Meta:
        model = Cooperation
        fields = [
            *("slug", "title", "scope", "partners", "countries", "partner_note", "tech_fields", "agreement", "state"),
            *("date", "distinction", "description", "page_url"),
        ]


class FigureViewSet(PublishedViewSet):
    """双创数据：孵化企业、众创空间、科技成果转化与资本市场等逐年数字，含目标值与公开备注。"""

    serializer_class = FigureSerializer
    filterset_class = FigureFilter
    tabular = True


class EventViewSet(PublishedViewSet):
    """双创活动：大赛、文化节、论坛与展会。"""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    prefetch_related = ("photos",)
    tabular = True


class AchievementViewSet(PublishedViewSet):
    """创新成果：知识产权许可与转让、科技成果转化：各方、金额、交易场所与时间。"""

    serializer_class = AchievementSerializer
    filterset_class = AchievementFilter
    select_related = ("enterprise",)
    tabular = True

    def get_queryset(self):
        """An achievement of a sample enterprise shows sample content: left out unless asked for."""
        rows = super().get_queryset()
        if self.request.query_params.get(INCLUDE_SAMPLES_PARAMETER) != "1":
            rows = rows.exclude(enterprise__is_sample=True)
        return rows


class CooperationApiFilter(CooperationFilter):
    """The cooperation page's filters; the country method's value typed, so the schema says it
    is a string (drf-spectacular reads the hint)."""

    def filter_country(self, queryset, name, value: str):
        return super().filter_country(queryset, name, value)


class CooperationViewSet(PublishedViewSet):
    """对外合作：国际与区域合作的各方、国家、合作内容与进展。"""

    serializer_class = CooperationSerializer
    filterset_class = CooperationApiFilter
    lookup_field = "slug"
    prefetch_related = ("partners", "tech_fields")
    tabular = True


api_resources = [
    ("innovation/platforms", PlatformViewSet),
    ("innovation/partners", PartnerViewSet),
    ("innovation/enterprises", EnterpriseViewSet),
    ("innovation/figures", FigureViewSet),
    ("innovation/events", EventViewSet),
    ("innovation/achievements", AchievementViewSet),
    ("innovation/cooperation", CooperationViewSet),
]
