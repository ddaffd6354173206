"""The park section: profile, areas (一区多园), history, industries, indicators and honours."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils.translation import gettext_lazy as _

from portal.addresses import detail_url, page_url
from portal.choices import ChoiceLabelsMixin
from portal.dates import DatePrecision, PreciseDateMixin, format_precise_date, normalise_precise_date
from portal.models import Photo, SampleMixin
from portal.publishing import Publishable, PublishableQuerySet
from portal.slugs import SluggedMixin


class ParkLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("省级（自治区级）")
    NATIONAL = "national", _("国家级")


class Park(SluggedMixin, SampleMixin, Publishable):
    slug_source = "name"

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    slug = models.SlugField(_("网址别名"), max_length=80, unique=True, blank=True)
    summary = models.TextField(_("概述"), blank=True)
    approved_on = models.DateField(_("批准成立日期"), null=True, blank=True)
    approved_on_precision = models.CharField(
        _("成立日期精度"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.MONTH
    )
    approval_body = models.CharField(_("批准机关"), max_length=100, blank=True)
    planned_area = models.DecimalField(_("规划面积"), max_digits=10, decimal_places=2, null=True, blank=True)
    area_unit = models.CharField(_("面积单位"), max_length=20, default="平方公里")
    level = models.CharField(_("级别"), max_length=16, choices=ParkLevel.choices, default=ParkLevel.PROVINCIAL)
    upgraded_on = models.DateField(_("升级日期"), null=True, blank=True)
    upgraded_on_precision = models.CharField(
        _("升级日期精度"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.MONTH
    )
    upgrade_body = models.CharField(_("升级批准机关"), max_length=100, blank=True)
    photo = models.ForeignKey(Photo, verbose_name=_("主图"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("园区")
        verbose_name_plural = _("园区")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url("parks:park-detail", self.slug)

    @property
    def approved_on_display(self):
        return format_precise_date(self.approved_on, self.approved_on_precision)

    @property
    def upgraded_on_display(self):
        return format_precise_date(self.upgraded_on, self.upgraded_on_precision)

    def clean(self):
        super().clean()
        self.approved_on = normalise_precise_date(self.approved_on, self.approved_on_precision)
        self.upgraded_on = normalise_precise_date(self.upgraded_on, self.upgraded_on_precision)

    def profile_sections(self, items=None) -> list[dict]:
        """The profile items grouped by kind ({kind, label, items}), in the order kinds are declared.

        Reads `items` when given (the park's page reads them in a query of its own), else
        `profile_items.all()`, so a prefetch serves it without another query.
        """
        items = list(self.profile_items.all()) if items is None else items
        return [
            {"kind": kind, "label": kind.label, "items": [item for item in items if item.kind == kind]}
            for kind in ProfileItemKind
            if any(item.kind == kind for item in items)
        ]


class ProfileItemKind(models.TextChoices):
    MISSION = "mission", _("使命定位")
    MANAGEMENT = "management", _("管理模式")
    OPPORTUNITY = "opportunity", _("发展机遇")
    REGIONAL_ROLE = "regional_role", _("区域地位与带动作用")


class ProfileItem(ChoiceLabelsMixin, models.Model):
    """One line of the profile's lists: a mission, a management feature, an opportunity."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="profile_items", verbose_name=_("园区"))
    kind = models.CharField(_("类别"), max_length=16, choices=ProfileItemKind.choices)
    text = models.CharField(_("内容"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["park", "kind", "ordering", "pk"]
        verbose_name = _("园区概况条目")
        verbose_name_plural = _("园区概况条目")

    def __str__(self):
        return self.text


class Area(SluggedMixin, PreciseDateMixin, Publishable):
    """A part of the zone under 一区多园 (core area, 片区, merged new district)."""

    published_parents = ("park",)

    slug_source = "name"

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="areas", verbose_name=_("园区"))
    date = models.DateField(
        _("日期"),
        null=True,
        blank=True,
        help_text=_("片区设立、进驻或合并的时间；只知道年份时填该年1月1日，并把精度设为“年”。"),
    )
    name = models.CharField(_("名称"), max_length=100)
    slug = models.SlugField(_("网址别名"), max_length=80, unique=True, blank=True)
    date_label = models.CharField(
        _("日期含义"),
        max_length=20,
        blank=True,
        help_text=_("日期标志的事，显示在日期之后，例如：设立、起进驻、合并。留空则只显示日期。"),
    )
    role = models.CharField(_("定位"), max_length=100, blank=True, help_text=_("例如：原核心区、进驻片区、合并新区"))
    description = models.TextField(_("介绍"), blank=True)
    photo = models.ForeignKey(Photo, verbose_name=_("图片"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["park", "ordering", "pk"]
        verbose_name = _("园区片区")
        verbose_name_plural = _("园区片区")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("parks:area-list") + f"#{self.slug}"


class Year(Func):
    """The year of a date, as SQL an expression index can match: on SQLite Django's ExtractYear
    passes 'year' as a query parameter (an index holds a literal, so it never matches) and calls
    back into Python for every row it reads; this reads the year from the stored ISO text
    (YYYY-MM-DD) in SQLite's own code. Elsewhere it is ExtractYear (PostgreSQL's EXTRACT)."""

    arity = 1
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(ExtractYear(*self.get_source_expressions()))

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "CAST(SUBSTR(%(expressions)s, 1, 4) AS integer)"
        return super().as_sql(compiler, connection, template=template, **extra_context)


# Within a year, `sequence` decides: "2010年" (同年, after September) can follow "2010年9月".
MILESTONE_SORT_KEYS = (Year("date"), F("sequence"), F("date"), F("pk"))


class MilestoneQuerySet(PublishableQuerySet):
    def latest_first(self):
        return self.order_by(*(key.desc() for key in MILESTONE_SORT_KEYS))

    def in_decade(self, start: int):
        """The milestones of the ten years from `start` (1990: 1990–1999), by the year the
        timeline sorts on, so a page of them is a range of the order index read in order."""
        year = Year("date")
        return self.filter(GreaterThanOrEqual(year, start), LessThan(year, start + 10))

    def years(self) -> list[int]:
        """The distinct years of these milestones, read from the order index (no row is sorted)."""
        return sorted({int(year) for year in self.order_by().values_list(Year("date"), flat=True).distinct()})


class Milestone(PreciseDateMixin, Publishable):
    """A dated event of the park's history; the date renders only as precisely as it is known."""

    published_parents = ("park",)

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("园区"))
    date = models.DateField(_("日期"), help_text=_("只知道年份时填该年1月1日，并把精度设为“年”。"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    photo = models.ForeignKey(Photo, verbose_name=_("图片"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveSmallIntegerField(
        _("同年内顺序"), default=0, help_text=_("同一年的几件大事按此排序（数字小的在前），再按日期。")
    )

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = [key.asc() for key in MILESTONE_SORT_KEYS]
        verbose_name = _("发展历程")
        verbose_name_plural = _("发展历程")
        # The timeline's order, after the status: a page of the timeline, the home page's latest
        # milestones and a decade are read along it and stop at the page's last row, instead of
        # sorting every milestone (issue 11); the second one serves one park's latest milestones.
        indexes = [
            models.Index(F("status"), *MILESTONE_SORT_KEYS[:3], F("id"), name="parks_milestone_order_idx"),
            models.Index(F("park"), F("status"), *MILESTONE_SORT_KEYS[:3], F("id"), name="parks_milestone_park_order_idx"),
        ]

    def __str__(self):
        return f"{self.date_display} {self.title}"

    def get_absolute_url(self):
        return page_url("parks:milestone-list") + f"#milestone-{self.pk}"

    @property
    def decade(self) -> int:
        return self.date.year // 10 * 10


class IndustryRole(models.TextChoices):
    PILLAR = "pillar", _("支柱（基石）产业")
    STRATEGIC = "strategic", _("战略性新兴产业")


class Industry(SluggedMixin, Publishable):
    published_parents = ("park",)

    slug_source = "name"

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="industries", verbose_name=_("园区"))
    name = models.CharField(_("名称"), max_length=100)
    slug = models.SlugField(_("网址别名"), max_length=80, unique=True, blank=True)
    role = models.CharField(_("产业地位"), max_length=16, choices=IndustryRole.choices)
    description = models.TextField(_("介绍"), blank=True)
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["park", "role", "ordering", "pk"]
        verbose_name = _("产业")
        verbose_name_plural = _("产业")
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="unique_industry_per_park")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("parks:industry-list") + f"#{self.slug}"


class MetricCategory(models.TextChoices):
    ECONOMY = "economy", _("经济运行")
    INVESTMENT = "investment", _("投资与招商")
    RANKING = "ranking", _("综合排名")
    ENTERPRISES = "enterprises", _("高新技术企业")
    INTELLECTUAL_PROPERTY = "ip", _("知识产权")


class MetricQuerySet(models.QuerySet):
    def with_published_indicators(self):
        return self.filter(pk__in=Indicator.objects.published().values("metric"))


class Metric(SluggedMixin, ChoiceLabelsMixin, models.Model):
    """What is measured (工业总产值, 亿元); its values by year are Indicators."""

    slug_source = "name"

    name = models.CharField(_("指标名称"), max_length=100, unique=True)
    slug = models.SlugField(_("网址别名"), max_length=80, unique=True, blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=MetricCategory.choices)
    unit = models.CharField(_("单位"), max_length=20, help_text=_("例如：亿元、万美元、万元、件、家、个、项、位"))
    description = models.TextField(_("说明"), blank=True)
    higher_is_better = models.BooleanField(_("数值越大越好"), default=True, help_text=_("排名类指标取消勾选。"))
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    objects = MetricQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")

    def __str__(self):
        return f"{self.name}（{self.unit}）"

    def get_absolute_url(self):
        return page_url("parks:indicator-list") + f"?metric={self.slug}"

    @property
    def is_ranking(self) -> bool:
        return self.category == MetricCategory.RANKING


class IndicatorQuerySet(PublishableQuerySet):
    def rankings(self):
        return self.filter(metric__category=MetricCategory.RANKING)

    def latest_year(self):
        """Only each park's most recent year among the rows this queryset already selects."""
        latest = self.filter(park=OuterRef("park")).order_by("-year").values("year")[:1]
        return self.filter(year=Subquery(latest))


class Indicator(Publishable):
    """One value of a metric for a year, possibly as of a date within it (截至2017年11月)."""

    published_parents = ("park",)

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("园区"))
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("指标"))
    year = models.PositiveSmallIntegerField(_("年份"))
    as_of = models.DateField(_("截至日期"), null=True, blank=True, help_text=_("数据只统计到年内某时点时填写。"))
    as_of_precision = models.CharField(
        _("截至日期精度"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.MONTH
    )
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    yoy_change = models.DecimalField(
        _("同比增长（%）"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("例如 5.2 表示同比增长 5.2%，-3 表示下降 3%。"),
    )
    scope_note = models.CharField(_("统计口径"), max_length=200, blank=True, help_text=_("例如：全区口径、规模以上工业口径"))
    note = models.CharField(_("备注"), max_length=300, blank=True, help_text=_("公开显示，写给读者的说明。"))
    source_note = models.TextField(
        _("来源说明（仅工作人员可见）"), blank=True, help_text=_("来源的原话、缺漏和核对情况；不在网站上显示。")
    )
    featured = models.BooleanField(_("首页展示"), default=False)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["metric__ordering", "metric_id", "year"]
        verbose_name = _("指标数据")
        verbose_name_plural = _("指标数据")
        constraints = [
            models.UniqueConstraint(fields=["park", "metric", "year"], name="one_indicator_per_park_metric_year"),
            models.CheckConstraint(condition=Q(year__gte=1900) & Q(year__lte=2200), name="indicator_year_plausible"),
        ]

    def __str__(self):
        return f"{self.metric.name} {self.period_display}"

    def get_absolute_url(self):
        return self.metric.get_absolute_url()

    def clean(self):
        super().clean()
        self.as_of = normalise_precise_date(self.as_of, self.as_of_precision)
        if self.as_of and self.year and self.as_of.year != self.year:
            raise ValidationError({"as_of": _("截至日期应在所填年份之内。")})

    @property
    def period_display(self) -> str:
        if self.as_of:
            return _("截至%(date)s") % {"date": format_precise_date(self.as_of, self.as_of_precision)}
        return f"{self.year}年"


class HonourLevel(models.TextChoices):
    INTERNATIONAL = "international", _("国际")
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级（自治区级）")
    MUNICIPAL = "municipal", _("市级")


class Honour(PreciseDateMixin, Publishable):
    """A title, pilot status or membership the park (or one of its clusters) holds."""

    published_parents = ("park",)

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="honours", verbose_name=_("园区"))
    date = models.DateField(_("获得日期"), null=True, blank=True, help_text=_("只知道年份时填该年1月1日，并把精度设为“年”。"))
    name = models.CharField(_("名称"), max_length=200)
    level = models.CharField(_("级别"), max_length=16, choices=HonourLevel.choices)
    awarded_by = models.CharField(_("授予或批准单位"), max_length=100, blank=True)
    stage = models.CharField(_("进展"), max_length=100, blank=True, help_text=_("例如：通过验收、获批建设、创建单位"))
    holder = models.CharField(_("获得主体"), max_length=200, blank=True, help_text=_("园区本身之外的主体，例如某产业集群"))
    distinction = models.CharField(_("突出之处"), max_length=200, blank=True, help_text=_("例如：全省唯一、首批"))
    description = models.TextField(_("说明"), blank=True)
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("parks:honour-list") + f"#honour-{self.pk}"
