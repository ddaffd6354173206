"""The innovation section: what the zone builds with universities, institutes and firms, and
what came of it — platforms, partner institutions, enterprises, events, achievements (IP deals,
technology transfer), cooperation, the 双创 and capital-market figures and the policies behind them.

Reference lists (fields of work, enterprise qualifications) are plain models editors extend;
everything a reader sees is Publishable, so the public views start from `.published()`.
Partners, platforms, enterprises and achievements can be 示例 rows (SampleMixin): the demo-data
generator writes them, pages badge them and `remove_sample_data` deletes them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.addresses import detail_url, page_url
from portal.dates import PreciseDateMixin
from portal.models import Photo, ReferenceTerm, SampleMixin
from portal.publishing import Publishable
from portal.slugs import SluggedMixin


class TechField(ReferenceTerm):
    """A field of work a platform or a cooperation covers (智能制造, 新材料…)."""

    class Meta(ReferenceTerm.Meta):
        verbose_name = _("技术领域")
        verbose_name_plural = _("技术领域")

    def get_absolute_url(self):
        return page_url("innovation:platform-list") + f"?field={self.slug}"


class PartnerKind(models.TextChoices):
    UNIVERSITY = "university", _("高校")
    VOCATIONAL = "vocational", _("职业院校")
    INSTITUTE = "institute", _("科研院所")
    LABORATORY = "laboratory", _("重点实验室")
    ENTERPRISE = "enterprise", _("企业")
    GOVERNMENT = "government", _("政府机构")
    ASSOCIATION = "association", _("协会组织")


def list_order_index(name: str) -> models.Index:
    """The index of a list page's query: published rows (`status`, `published_at`) in the model's
    order (`ordering`, `id`). A page, a capped list or a dropdown's first rows then walks the
    index and stops after the rows it shows instead of sorting every published row, and the
    page count reads the index alone."""
    return models.Index(fields=["status", "ordering", "id", "published_at"], name=name)


def kind_order_index(name: str) -> models.Index:
    """The index of a list filtered by its kind (`?kind=university`): `list_order_index` with the
    kind after the status, so the page walks one kind's published rows in order and stops, and
    the page count reads that kind's entries alone, instead of reading every published row to
    check its kind."""
    return models.Index(fields=["status", "kind", "ordering", "id", "published_at"], name=name)


def real_rows_indexes(short: str) -> list[models.Index]:
    """Indexes of the rows that are not 示例 rows, so the pages that list only those cost what the
    real rows do however many sample rows the demo-data generator has added (issue 11): the site
    map's first rows, in the list's order; sitemap.xml's count and newest change, and its pages in
    primary-key order. `is_sample`, false in every entry, lets SQLite count from the index alone
    (it reads a row to check a column the query names unless the index holds it)."""
    real = Q(is_sample=False)
    return [
        models.Index(fields=["status", "ordering", "id", "published_at"], condition=real, name=f"innov_{short}_real_idx"),
        models.Index(
            fields=["status", "id", "published_at", "updated_at", "is_sample"], condition=real, name=f"innov_{short}_map_idx"
        ),
    ]


class PartnerInstitution(SluggedMixin, SampleMixin, Publishable):
    """A university, institute, firm, government body or association the zone works with."""

    slug_source = "name"

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    slug = models.SlugField(_("网址别名"), max_length=80, unique=True, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=PartnerKind.choices)
    city = models.CharField(_("城市"), max_length=50, blank=True)
    country = models.CharField(_("国家"), max_length=50, blank=True, default="中国", help_text=_("国际组织留空。"))
    is_international = models.BooleanField(
        _("国际组织"), default=False, help_text=_("不属于任何一个国家的国际组织（例如国际协会）；总部所在国填在“总部所在地”。")
    )
    headquarters = models.CharField(_("总部所在地"), max_length=50, blank=True)
    distinction = models.CharField(_("突出之处"), max_length=200, blank=True, help_text=_("例如：广西第一所……"))
    description = models.TextField(_("介绍"), blank=True)
    member_count = models.PositiveIntegerField(_("会员数"), null=True, blank=True, help_text=_("协会组织填写。"))
    member_country_count = models.PositiveIntegerField(_("会员所在国家数"), null=True, blank=True, help_text=_("协会组织填写。"))
    website = models.URLField(_("网站"), blank=True)
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("合作机构")
        verbose_name_plural = _("合作机构")
        indexes = [
            list_order_index("innov_partner_list_idx"),
            kind_order_index("innov_partner_kind_idx"),
            *real_rows_indexes("partner"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url("innovation:partner-detail", self.slug)

    def clean(self):
        super().clean()
        if self.is_international and self.country:
            raise ValidationError({"country": _("国际组织不属于某个国家：国家留空，总部所在国填在“总部所在地”。")})

    @property
    def location(self) -> str:
        if self.is_international:
            parts = [str(_("国际组织"))]
            if self.headquarters:
                parts.append(_("总部：%(place)s") % {"place": self.headquarters})
            return " · ".join(parts)
        return " · ".join(part for part in (self.country, self.city) if part)


class PlatformKind(models.TextChoices):
    RESEARCH_INSTITUTE = "research_institute", _("研究院")
    RD_CENTRE = "rd_centre", _("研发中心")
    KEY_LABORATORY = "key_laboratory", _("重点实验室")
    TRANSFER_CENTRE = "transfer_centre", _("成果转化转移中心")
    LABORATORY = "laboratory", _("实验室")
    INTERNATIONAL_CENTRE = "international_centre", _("国际合作中心")
    COLLABORATIVE_INSTITUTE = "collaborative_institute", _("协同创新研究院")
    INDUSTRY_BASE = "industry_base", _("产业基地")
    INCUBATOR = "incubator", _("孵化器")
    MAKER_SPACE = "maker_space", _("众创空间")
    ENTREPRENEURSHIP_PARK = "entrepreneurship_park", _("创新创业园")


class PlatformState(models.TextChoices):
    INTENT = "intent", _("达成合作意向")
    AGREEMENT_PENDING = "agreement_pending", _("待签协议")
    UNDER_CONSTRUCTION = "under_construction", _("推进建设中")
    SETTLED = "settled", _("已进驻")
    OPERATING = "operating", _("已运营")
    INAUGURATED = "inaugurated", _("已揭牌")


class Platform(SluggedMixin, PreciseDateMixin, SampleMixin, Publishable):
    """An innovation platform: an institute, centre, laboratory, base, incubator or park."""

    slug_source = "name"

    name = models.CharField(_("名称"), max_length=120, unique=True)
    slug = models.SlugField(_("网址别名"), max_length=100, unique=True, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=PlatformKind.choices)
    partners = models.ManyToManyField(PartnerInstitution, verbose_name=_("合作机构"), blank=True, related_name="platforms")
    tech_fields = models.ManyToManyField(TechField, verbose_name=_("技术领域"), blank=True, related_name="platforms")
    state = models.CharField(
        _("进展"), max_length=24, choices=PlatformState.choices, blank=True, help_text=_("原文没有说明时留空。")
    )
    state_note = models.CharField(
        _("进展原文"), max_length=200, blank=True, help_text=_("来源的原话，例如：正在建设、已投入使用。")
    )
    date = models.DateField(_("日期"), null=True, blank=True, help_text=_("成立、揭牌或签约时间；不知道时留空。"))
    summary = models.TextField(_("摘要"), blank=True)
    body = models.TextField(_("介绍"), blank=True, help_text=_("段落之间空一行。"))
    photos = models.ManyToManyField(Photo, verbose_name=_("图片"), blank=True, related_name="innovation_platforms")
    website = models.URLField(_("网站"), blank=True)
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("创新平台")
        verbose_name_plural = _("创新平台")
        indexes = [
            list_order_index("innov_platform_list_idx"),
            kind_order_index("innov_platform_kind_idx"),
            *real_rows_indexes("platform"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url("innovation:platform-detail", self.slug)


class Qualification(ReferenceTerm):
    """A recognition an enterprise holds (国家级高新技术企业, 知识产权优势企业…)."""

    class Meta(ReferenceTerm.Meta):
        verbose_name = _("企业资质")
        verbose_name_plural = _("企业资质")

    def get_absolute_url(self):
        return page_url("innovation:enterprise-list") + f"?flag={self.slug}"


class CapitalStage(models.TextChoices):
    """The capital-market pipeline, in order: reserve, cultivate, list (储备、培育、挂牌)."""

    SHARE_REFORM = "share_reform", _("股改挂牌培育")
    REGIONAL_EQUITY = "regional_equity", _("区域性股权交易市场挂牌")
    NEEQ = "neeq", _("新三板挂牌")
    IPO_PROCESS = "ipo_process", _("IPO上市程序中")
    LISTED = "listed", _("已上市")


class Enterprise(SluggedMixin, SampleMixin, Publishable):
    """A firm of the zone: its sector, qualifications, capital-market stage, where it was incubated."""

    slug_source = "name"

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    slug = models.SlugField(_("网址别名"), max_length=80, unique=True, blank=True)
    sector = models.CharField(_("行业"), max_length=50, blank=True)
    qualifications = models.ManyToManyField(Qualification, verbose_name=_("资质"), blank=True, related_name="enterprises")
    capital_stage = models.CharField(
        _("资本市场进程"), max_length=20, choices=CapitalStage.choices, blank=True, help_text=_("没有走资本市场道路时留空。")
    )
    incubated_at = models.ManyToManyField(
        Platform, verbose_name=_("孵化平台"), blank=True, related_name="enterprises", help_text=_("企业注册落地或孵化的平台。")
    )
    description = models.TextField(_("介绍"), blank=True)
    website = models.URLField(_("网站"), blank=True)
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        # The capital-market stages on the section's home: each stage's count and its first rows in
        # the list's order, read from this index alone (views.capital_pipeline).
        indexes = [
            list_order_index("innov_enterprise_list_idx"),
            *real_rows_indexes("enterprise"),
            models.Index(fields=["status", "capital_stage", "ordering", "id", "published_at"], name="innov_enterprise_stage_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url("innovation:enterprise-detail", self.slug)


class EventKind(models.TextChoices):
    COMPETITION = "competition", _("大赛")
    FESTIVAL = "festival", _("文化节")
    FORUM = "forum", _("论坛")
    EXHIBITION = "exhibition", _("展会")
    OTHER = "other", _("其他活动")


class Event(PreciseDateMixin, Publishable):
    """A competition, festival or forum the zone held (第六届中国创新创业大赛…分区赛)."""

    name = models.CharField(_("名称"), max_length=200)
    edition = models.PositiveSmallIntegerField(_("届次"), null=True, blank=True, help_text=_("第几届；不是系列活动时留空。"))
    year = models.PositiveSmallIntegerField(_("年份"))
    kind = models.CharField(_("类型"), max_length=16, choices=EventKind.choices)
    organisers = models.CharField(_("主办单位"), max_length=200, blank=True)
    description = models.TextField(_("介绍"), blank=True)
    photos = models.ManyToManyField(Photo, verbose_name=_("图片"), blank=True, related_name="innovation_events")
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["-year", "ordering", "pk"]
        verbose_name = _("双创活动")
        verbose_name_plural = _("双创活动")
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1900) & Q(year__lte=2200), name="innovation_event_year_plausible"),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"

    def get_absolute_url(self):
        return page_url("innovation:event-list") + f"#event-{self.pk}"


class AchievementKind(models.TextChoices):
    IP_LICENCE = "ip_licence", _("知识产权许可")
    IP_TRANSFER = "ip_transfer", _("知识产权转让")
    TECH_TRANSFER = "tech_transfer", _("科技成果转化")


class Achievement(PreciseDateMixin, SampleMixin, Publishable):
    """An IP licence deal or technology transfer: who, how much, where, when."""

    published_parents = ("enterprise",)

    title = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=AchievementKind.choices)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("园区企业"), null=True, blank=True, on_delete=models.PROTECT, related_name="achievements"
    )
    parties = models.CharField(_("交易各方"), max_length=200, blank=True, help_text=_("园区企业之外的各方，或原文的说法。"))
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2, null=True, blank=True)
    amount_unit = models.CharField(_("金额单位"), max_length=20, blank=True, default="万元")
    venue = models.CharField(_("交易场所"), max_length=100, blank=True, help_text=_("例如：某知识产权交易中心"))
    distinction = models.CharField(_("突出之处"), max_length=200, blank=True)
    description = models.TextField(_("说明"), blank=True)
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("创新成果")
        verbose_name_plural = _("创新成果")
        indexes = [list_order_index("innov_achievement_list_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return page_url("innovation:achievement-list") + f"#achievement-{self.pk}"


class CooperationScope(models.TextChoices):
    INTERNATIONAL = "international", _("国际合作")
    REGIONAL = "regional", _("区域合作")


class CooperationState(models.TextChoices):
    INTENT = "intent", _("达成初步合作意向")
    AGREEMENT = "agreement", _("签署协议")
    ESTABLISHED = "established", _("揭牌成立")
    MEMBERSHIP = "membership", _("成为会员")


class Cooperation(SluggedMixin, PreciseDateMixin, Publishable):
    """A partnership beyond the zone: partner bodies (and so countries), what was agreed, its state."""

    slug_source = "title"

    title = models.CharField(_("名称"), max_length=200)
    slug = models.SlugField(_("网址别名"), max_length=100, unique=True, blank=True)
    scope = models.CharField(_("范围"), max_length=16, choices=CooperationScope.choices, default=CooperationScope.INTERNATIONAL)
    partners = models.ManyToManyField(PartnerInstitution, verbose_name=_("合作各方"), blank=True, related_name="cooperations")
    partner_note = models.CharField(
        _("合作方补充"),
        max_length=200,
        blank=True,
        help_text=_("公开显示：来源提到但未列名的合作方，例如：另有两所高校未公布名称。"),
    )
    tech_fields = models.ManyToManyField(TechField, verbose_name=_("合作领域"), blank=True, related_name="cooperations")
    agreement = models.TextField(_("合作内容"), blank=True)
    state = models.CharField(_("进展"), max_length=16, choices=CooperationState.choices, blank=True)
    distinction = models.CharField(_("突出之处"), max_length=200, blank=True, help_text=_("例如：全省首家"))
    description = models.TextField(_("说明"), blank=True)
    source_note = models.TextField(
        _("来源说明（仅工作人员可见）"), blank=True, help_text=_("来源的原话、缺漏和核对情况；不在网站上显示。")
    )
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("对外合作")
        verbose_name_plural = _("对外合作")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return page_url("innovation:cooperation-list") + f"#{self.slug}"

    def countries(self) -> list[str]:
        """The partners' countries, in partner order; reads `partners.all()` (prefetchable).
        An international organisation has no country (its headquarters is not a partner country)."""
        seen = []
        for partner in self.partners.all():
            if partner.country and not partner.is_international and partner.country not in seen:
                seen.append(partner.country)
        return seen


class FigureGroup(models.TextChoices):
    ENTREPRENEURSHIP = "entrepreneurship", _("双创")
    TECH_TRANSFER = "tech_transfer", _("科技成果转化")
    CAPITAL_MARKET = "capital_market", _("资本市场")


class InnovationFigure(Publishable):
    """A programme count of a year: incubated firms, certified maker spaces, listings…"""

    group = models.CharField(_("分组"), max_length=20, choices=FigureGroup.choices)
    label = models.CharField(_("名称"), max_length=100)
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=20, help_text=_("例如：家、个、项"))
    year = models.PositiveSmallIntegerField(_("年份"))
    is_target = models.BooleanField(_("目标值"), default=False, help_text=_("尚未完成的计划数（例如“年内将完成”）。"))
    note = models.CharField(_("备注"), max_length=300, blank=True, help_text=_("公开显示，写给读者的说明。"))
    source_note = models.TextField(
        _("来源说明（仅工作人员可见）"), blank=True, help_text=_("来源的原话、缺漏和核对情况；不在网站上显示。")
    )
    featured = models.BooleanField(_("首页展示"), default=False)
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["group", "ordering", "pk"]
        verbose_name = _("双创数据")
        verbose_name_plural = _("双创数据")
        constraints = [
            models.UniqueConstraint(fields=["group", "label", "year"], name="one_innovation_figure_per_label_year"),
            models.CheckConstraint(condition=Q(year__gte=1900) & Q(year__lte=2200), name="innovation_figure_year_plausible"),
        ]

    def __str__(self):
        return f"{self.year} {self.label}"

    def get_absolute_url(self):
        return page_url("innovation:innovation-home") + f"#figures-{self.group}"


class PolicyTopic(models.TextChoices):
    CAPITAL_MARKET = "capital_market", _("资本市场")
    ENTREPRENEURSHIP = "entrepreneurship", _("双创")
    OTHER = "other", _("其他")


class Policy(PreciseDateMixin, Publishable):
    """A policy document that supports a programme (e.g. listing on a regional equity market)."""

    title = models.CharField(_("文件名称"), max_length=200)
    issued_by = models.CharField(_("发文单位"), max_length=100, blank=True)
    notice_title = models.CharField(_("印发通知标题"), max_length=300, blank=True)
    topic = models.CharField(_("主题"), max_length=20, choices=PolicyTopic.choices)
    summary = models.TextField(_("要点"), blank=True)
    date = models.DateField(_("印发日期"), null=True, blank=True, help_text=_("不知道时留空。"))
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["topic", "ordering", "pk"]
        verbose_name = _("扶持政策")
        verbose_name_plural = _("扶持政策")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return page_url("innovation:innovation-home") + f"#policy-{self.pk}"
