"""The talent section's open-data resources (/api/v1/talent/…): awards with their categories and
cycles, laureates and experts, the same rows and filters as their pages, through portal.api's
building blocks.

Nominations are never a resource, nor a field of one: they are private to the nominator and the
reviewers. Staff-only text (an award's 编辑来源说明) is left out, and an expert shows exactly
what the expert's page shows — no contact details are stored, none are invented here.

A row that *shows* sample content is a sample row here too, as on the pages: a laureate of a
sample cycle, award or category, a sample cycle or category of a real award. Without
`?include_samples=1` they are left out, and `is_sample` says what the page's 示例 badge says.
"""

from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from portal.api import INCLUDE_SAMPLES_PARAMETER, PageURLField, PublishedViewSet
from portal.metadata import iso_datetime

from .filters import AwardFilter, ExpertFilter, LaureateFilter
from .models import (
    CYCLE_YEAR_MIN,
    Award,
    AwardCategory,
    AwardCycle,
    CycleStatus,
    Expert,
    Laureate,
)


def samples_asked(request) -> bool:
    return request is not None and request.query_params.get(INCLUDE_SAMPLES_PARAMETER) == "1"


class LocalDateTimeField(serializers.DateTimeField):
    """An aware date-time in ISO 8601 with the site's offset, to the second: 2026-12-01T17:00:00+08:00
    (the time a Beijing reader sees on the page, and the instant for everybody else)."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return iso_datetime(value)


@extend_schema_field({"type": "string", "nullable": True, "example": "yan-ba-zhi-liang-guan"})
class PublicSlugField(serializers.Field):
    """The slug of a linked row (a photo, a programme) while that row is public, as the page shows
    it only then; null otherwise, and for a sample row unless samples were asked for."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, row):
        if not row.is_published or (getattr(row, "is_sample", False) and not samples_asked(self.context.get("request"))):
            return None
        return row.slug


# --- awards ---------------------------------------------------------------------------------


class AwardCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardCategory
        fields = ["slug", "name", "eligibility", "is_sample"]


class AwardCycleSerializer(serializers.ModelSerializer):
    """One edition: its nomination window (date-times with the time zone offset), its phase as the
    award page computes it from the dates and now."""

    nomination_opens = LocalDateTimeField(help_text="提名开始时间（ISO 8601，含时区偏移，例如 +08:00）。")
    nomination_closes = LocalDateTimeField(help_text="提名截止时间（ISO 8601，含时区偏移，例如 +08:00）。")
    phase = serializers.ChoiceField(
        choices=CycleStatus.choices, read_only=True, help_text="本届阶段：即将开始、正在接受提名、评审中、已公布结果。"
    )
    is_open = serializers.BooleanField(read_only=True, help_text="现在是否接受提名。")

    class Meta:
        model = AwardCycle
        fields = [
            *("id", "edition", "year", "nomination_opens", "nomination_closes", "announcement_date"),
            *("phase", "is_open", "notes", "is_sample"),
        ]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "人才奖项",
            value={
                "slug": "gao-xin-qu-jie-chu-ren-cai-jiang",
                "name": "高新区杰出人才奖",
                "summary": "表彰在园区创新创业中作出突出贡献的人才。",
                "description": "……",
                "organiser": "高新区管委会",
                "frequency_years": 2,
                "prize_amount": "5.00",
                "prize_unit": "万元",
                "eligibility": "……",
                "nominator_rules": ["园区企业", "高校与科研院所"],
                "procedure_steps": ["提名", "资格审核", "专家评审", "公示"],
                "current_phase": "open",
                "is_open": True,
                "nomination_deadline": "2026-12-01T17:00:00+08:00",
                "categories": [
                    {"slug": "zhuan-ye-ji-shu-ren-cai", "name": "专业技术人才", "eligibility": "", "is_sample": False}
                ],
                "cycles": [
                    {
                        "id": 7,
                        "edition": 5,
                        "year": 2026,
                        "nomination_opens": "2026-10-01T09:00:00+08:00",
                        "nomination_closes": "2026-12-01T17:00:00+08:00",
                        "announcement_date": None,
                        "phase": "open",
                        "is_open": True,
                        "notes": "",
                        "is_sample": False,
                    }
                ],
                "is_sample": False,
                "page_url": "https://portal.example.org/talent/awards/gao-xin-qu-jie-chu-ren-cai-jiang/",
            },
        )
    ]
)
class AwardSerializer(serializers.ModelSerializer):
    nominator_rules = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="谁可以提名，每条一项。")
    procedure_steps = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="评选程序的各个步骤。")
    current_phase = serializers.SerializerMethodField(help_text="最新一届的阶段；还没有评选周期时为 null。")
    is_open = serializers.SerializerMethodField(help_text="现在是否有一届接受提名（奖项页的“正在接受提名”）。")
    nomination_deadline = serializers.SerializerMethodField(
        help_text="正在接受提名的一届的截止时间（ISO 8601，含时区偏移）；不在提名期时为 null。"
    )
    categories = AwardCategorySerializer(source="shown_categories", many=True, read_only=True)
    cycles = AwardCycleSerializer(source="shown_cycles", many=True, read_only=True, help_text="已发布的各届评选，最新的在前。")
    page_url = PageURLField()

    class Meta:
        model = Award
        fields = [
            *("slug", "name", "summary", "description", "organiser", "frequency_years", "prize_amount", "prize_unit"),
            *("eligibility", "nominator_rules", "procedure_steps", "current_phase", "is_open", "nomination_deadline"),
            *("categories", "cycles", "is_sample", "page_url"),
        ]

    @extend_schema_field(
        {"type": "string", "enum": [value for value, _label in CycleStatus.choices], "nullable": True, "example": "open"}
    )
    def get_current_phase(self, award) -> str | None:
        return award.shown_cycles[0].phase if award.shown_cycles else None

    def get_is_open(self, award) -> bool:
        return any(cycle.is_open for cycle in award.shown_cycles)

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_nomination_deadline(self, award) -> str | None:
        deadlines = [cycle.nomination_closes for cycle in award.shown_cycles if cycle.is_open]
        return iso_datetime(min(deadlines)) if deadlines else None


class AwardViewSet(PublishedViewSet):
    """人才奖项：介绍、参评条件、类别与各届评选（提名起止时间含时区，当前是否接受提名）。不含提名。"""

    serializer_class = AwardSerializer
    filterset_class = AwardFilter
    lookup_field = "slug"

    def get_queryset(self):
        # with_current_phase(): the annotation the page's "本届状态" filter reads.
        categories, cycles = AwardCategory.objects.all(), AwardCycle.objects.published().order_by("-nomination_opens", "-pk")
        if not samples_asked(self.request):
            categories, cycles = categories.filter(is_sample=False), cycles.filter(is_sample=False)
        return (
            super()
            .get_queryset()
            .with_current_phase()
            .prefetch_related(
                Prefetch("categories", queryset=categories, to_attr="shown_categories"),
                Prefetch("cycles", queryset=cycles, to_attr="shown_cycles"),
            )
        )


# --- laureates ------------------------------------------------------------------------------


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "获奖者",
            value={
                "id": 31,
                "name": "张三",
                "organisation": "某汽车集团",
                "citation": "……",
                "award": "gao-xin-qu-jie-chu-ren-cai-jiang",
                "award_name": "高新区杰出人才奖",
                "cycle": 4,
                "edition": 4,
                "year": 2024,
                "category": "zhuan-ye-ji-shu-ren-cai",
                "category_name": "专业技术人才",
                "photo": None,
                "is_sample": False,
                "page_url": "https://portal.example.org/talent/laureates/#laureate-31",
            },
        )
    ]
)
class LaureateSerializer(serializers.ModelSerializer):
    """One laureate, flat (one CSV row): the award, edition and category it was named under."""

    award = serializers.CharField(source="cycle.award.slug", read_only=True, help_text="奖项的网址别名。")
    award_name = serializers.CharField(source="cycle.award.name", read_only=True)
    edition = serializers.IntegerField(source="cycle.edition", read_only=True, help_text="第几届。")
    year = serializers.IntegerField(source="cycle.year", read_only=True, help_text="评选年度。")
    category = serializers.CharField(source="category.slug", read_only=True, help_text="类别的网址别名。")
    category_name = serializers.CharField(source="category.name", read_only=True)
    photo = PublicSlugField(help_text="照片的网址别名（/api/v1/photos/<别名>/）；没有时为 null。")
    is_sample = serializers.SerializerMethodField(help_text="示例数据：本人、所在评选周期、奖项或类别是虚构的演示数据。")
    page_url = PageURLField()

    class Meta:
        model = Laureate
        fields = [
            *("id", "name", "organisation", "citation", "award", "award_name", "cycle", "edition", "year"),
            *("category", "category_name", "photo", "is_sample", "page_url"),
        ]

    def get_is_sample(self, laureate) -> bool:
        return any(row.is_sample for row in (laureate, laureate.cycle, laureate.cycle.award, laureate.category))


class LaureateViewSet(PublishedViewSet):
    """历届获奖者：姓名、工作单位、评语、奖项、届次与类别；只列已发布的奖项和评选周期下的获奖者。"""

    serializer_class = LaureateSerializer
    filterset_class = LaureateFilter
    select_related = ("cycle__award", "category", "photo")
    tabular = True

    def get_queryset(self):
        # The range is always true (cycle_year_plausible): the laureate page's plan (its docstring).
        rows = super().get_queryset().filter(cycle__year__gte=CYCLE_YEAR_MIN)
        if not samples_asked(self.request):
            rows = rows.exclude(Q(cycle__is_sample=True) | Q(cycle__award__is_sample=True) | Q(category__is_sample=True))
        return rows


# --- experts --------------------------------------------------------------------------------


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "专家",
            value={
                "slug": "li-si",
                "name": "李四",
                "title": "professor",
                "title_label": "教授",
                "institution": "某大学",
                "fields": ["汽车", "智能制造"],
                "services": ["一对一技术咨询"],
                "programme": "zhuan-jia-fu-wu-xiang-mu",
                "bio": "……",
                "photo": None,
                "is_sample": False,
                "page_url": "https://portal.example.org/talent/experts/li-si/",
            },
        )
    ]
)
class ExpertSerializer(serializers.ModelSerializer):
    """Exactly what the expert's page shows: name, title, institution, fields, services, the
    public programme, biography and photo. Nothing else is stored about an expert for the public."""

    title_label = serializers.CharField(source="get_title_display", read_only=True, help_text="职称的中文名称。")
    fields = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name", help_text="专家领域。")
    services = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name", help_text="服务内容。")
    programme = PublicSlugField(help_text="所属专家服务项目的网址别名；没有或未公开时为 null。")
    photo = PublicSlugField(help_text="照片的网址别名（/api/v1/photos/<别名>/）；没有时为 null。")
    page_url = PageURLField()

    class Meta:
        model = Expert
        fields = [
            *("slug", "name", "title", "title_label", "institution", "fields", "services", "programme", "bio"),
            *("photo", "is_sample", "page_url"),
        ]


class ExpertViewSet(PublishedViewSet):
    """专家服务名录：姓名、职称、所在单位、领域、服务内容与简介（只有专家页面公开的内容）。"""

    serializer_class = ExpertSerializer
    filterset_class = ExpertFilter
    lookup_field = "slug"
    select_related = ("photo", "programme")
    prefetch_related = ("fields", "services")
    tabular = True


api_resources = [
    ("talent/awards", AwardViewSet),
    ("talent/laureates", LaureateViewSet),
    ("talent/experts", ExpertViewSet),
]
