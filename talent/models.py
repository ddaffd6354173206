"""The talent section: awards with categories, cycles and laureates; nominations; experts.

A cycle's phase (upcoming, open, under review, announced) is derived from its dates and
today, never stored: `AwardCycle.phase` in Python, `AwardQuerySet.with_current_phase()` in
SQL, from the same rules. (`status` is the publishing status every content model has.)
"""

import datetime
import secrets
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.addresses import detail_url, page_url
from portal.models import Photo, ReferenceTerm, SampleMixin
from portal.publishing import Publishable, PublishableQuerySet, PublishedQuerySet, Status
from portal.slugs import SluggedMixin

from .storage import private_storage

# --- awards ---------------------------------------------------------------------------------


def real_rows_indexes(prefix: str, order: list[str]) -> list[models.Index]:
    """Indexes of a model's public rows that are not samples, for the sitemaps (sitemap.xml and
    the HTML site map list facts only). Partial (`is_sample=False`): generated demo rows, which
    can be nearly all of a table, are not in them, so those queries never step over a sample.
    `_real_order`: the first rows in the model's order (the HTML site map stops after a few);
    `_real_pk`: rows by primary key with their last change (sitemap.xml's count, newest change
    and pages), from the index alone."""
    return [
        models.Index(fields=["status", *order, "published_at"], name=f"{prefix}_real_order", condition=Q(is_sample=False)),
        models.Index(
            fields=["status", "id", "published_at", "updated_at"], name=f"{prefix}_real_pk", condition=Q(is_sample=False)
        ),
    ]


class CycleStatus(models.TextChoices):
    UPCOMING = "upcoming", _("即将开始")
    OPEN = "open", _("正在接受提名")
    REVIEW = "review", _("评审中")
    ANNOUNCED = "announced", _("已公布结果")


def cycle_status_case(prefix: str = "") -> Case:
    """The SQL form of AwardCycle.phase for the fields under `prefix` (e.g. "current_")."""
    now = timezone.now()
    today = timezone.localdate()
    return Case(
        When(**{f"{prefix}nomination_opens__gt": now}, then=Value(CycleStatus.UPCOMING.value)),
        When(**{f"{prefix}nomination_closes__gt": now}, then=Value(CycleStatus.OPEN.value)),
        When(**{f"{prefix}announcement_date__lte": today}, then=Value(CycleStatus.ANNOUNCED.value)),
        default=Value(CycleStatus.REVIEW.value),
        output_field=models.CharField(),
    )


def frequency_label(years: int) -> str:
    """每年一次, 每2年一次…"""
    if years == 1:
        return str(_("每年一次"))
    return str(_("每%(years)s年一次")) % {"years": years}


class AwardQuerySet(PublishableQuerySet):
    def with_current_phase(self):
        """Annotate `current_phase`: the status of the award's newest published cycle (or None),
        and that cycle's `current_edition` and `current_cycle_is_sample`."""
        newest = AwardCycle.objects.published().filter(award=OuterRef("pk")).order_by("-nomination_opens")
        annotated = self.annotate(
            current_edition=Subquery(newest.values("edition")[:1]),
            current_cycle_is_sample=Subquery(newest.values("is_sample")[:1]),
            current_nomination_opens=Subquery(newest.values("nomination_opens")[:1]),
            current_nomination_closes=Subquery(newest.values("nomination_closes")[:1]),
            current_announcement_date=Subquery(newest.values("announcement_date")[:1]),
        )
        return annotated.annotate(
            current_phase=Case(
                When(current_nomination_opens__isnull=True, then=Value(None)),
                default=cycle_status_case("current_"),
                output_field=models.CharField(null=True),
            )
        )


class Award(SluggedMixin, SampleMixin, Publishable):
    slug_source = "name"

    name = models.CharField(_("奖项名称"), max_length=100, unique=True)
    slug = models.SlugField(_("网址别名"), max_length=80, unique=True, blank=True)
    summary = models.CharField(_("一句话介绍"), max_length=200, blank=True)
    description = models.TextField(_("奖项介绍"), blank=True)
    organiser = models.CharField(_("主办单位"), max_length=100)
    frequency_years = models.PositiveSmallIntegerField(_("评选周期（年）"), default=2, help_text=_("每几年评选一次。"))
    prize_amount = models.DecimalField(_("每人奖金"), max_digits=12, decimal_places=2, null=True, blank=True)
    prize_unit = models.CharField(_("奖金单位"), max_length=20, default="万元", help_text=_("例如：万元、元"))
    eligibility = models.TextField(_("参评条件"), blank=True, help_text=_("适用于所有类别的条件；各类别另有条件时在类别中填写。"))
    nominator_eligibility = models.TextField(
        _("谁可以提名"), blank=True, help_text=_("哪些单位或个人可以提名，每条一行；显示在奖项页和提名表上。")
    )
    selection_procedure = models.TextField(_("评选程序"), blank=True, help_text=_("每个步骤一行。"))
    source_note = models.TextField(
        _("编辑来源说明"), blank=True, help_text=_("仅工作人员可见：资料出处、原文未载明的内容等，不在公开页面显示。")
    )
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("奖项")
        verbose_name_plural = _("奖项")
        constraints = [models.CheckConstraint(condition=Q(frequency_years__gte=1), name="award_frequency_positive")]
        indexes = [*real_rows_indexes("talent_award", ["ordering", "id"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url("talent:award-detail", self.slug)

    @property
    def frequency_display(self) -> str:
        return frequency_label(self.frequency_years)

    @property
    def current_phase_label(self) -> str:
        """The label of `current_phase`, which AwardQuerySet.with_current_phase() annotates."""
        phase = getattr(self, "current_phase", None)
        return CycleStatus(phase).label if phase else ""

    @property
    def badge_current_cycle(self) -> bool:
        """Whether the current cycle's line (with_current_phase()) carries the 示例 badge: its
        cycle is a sample under a real award. A sample award is badged once, by its name."""
        return bool(getattr(self, "current_cycle_is_sample", False)) and not self.is_sample

    @property
    def shows_sample(self) -> bool:
        """A sample award, or (in lists, with_current_phase()) a real one showing a sample cycle."""
        return self.is_sample or bool(getattr(self, "current_cycle_is_sample", False))

    def procedure_steps(self) -> list[str]:
        return [line.strip() for line in self.selection_procedure.splitlines() if line.strip()]

    def nominator_rules(self) -> list[str]:
        return [line.strip() for line in self.nominator_eligibility.splitlines() if line.strip()]


class AwardCategory(SluggedMixin, SampleMixin, models.Model):
    """A category of an award (专业技术人才, 经营管理人才), with its own eligibility."""

    slug_source = "name"

    published_parents = ("award",)

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="categories", verbose_name=_("奖项"))
    name = models.CharField(_("类别名称"), max_length=100)
    slug = models.SlugField(_("网址别名"), max_length=80, unique=True, blank=True)
    eligibility = models.TextField(_("本类别参评条件"), blank=True)
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["award", "ordering", "pk"]
        verbose_name = _("奖项类别")
        verbose_name_plural = _("奖项类别")
        constraints = [models.UniqueConstraint(fields=["award", "name"], name="unique_category_per_award")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.award.get_absolute_url() + f"#category-{self.slug}"


class AwardCycleQuerySet(PublishableQuerySet):
    def open_now(self):
        now = timezone.now()
        return self.filter(nomination_opens__lte=now, nomination_closes__gt=now)


# The plausible selection years (cycle_year_plausible). LaureateListView also filters on the
# lower bound: the range lets the database walk cycles newest first (see its docstring).
CYCLE_YEAR_MIN, CYCLE_YEAR_MAX = 1900, 2200


class AwardCycle(SampleMixin, Publishable):
    """One edition of an award: nomination window (aware datetimes) and announcement date."""

    published_parents = ("award",)

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("奖项"))
    edition = models.PositiveSmallIntegerField(_("届次"), help_text=_("第几届，填数字。"))
    year = models.PositiveSmallIntegerField(_("评选年度"))
    nomination_opens = models.DateTimeField(_("提名开始时间"))
    nomination_closes = models.DateTimeField(_("提名截止时间"))
    announcement_date = models.DateField(_("结果公布日期"), null=True, blank=True, help_text=_("未定时留空。"))
    notes = models.TextField(_("说明"), blank=True)

    objects = AwardCycleQuerySet.as_manager()

    class Meta:
        ordering = ["award", "-nomination_opens", "pk"]
        verbose_name = _("评选周期")
        verbose_name_plural = _("评选周期")
        constraints = [
            models.CheckConstraint(condition=Q(nomination_closes__gt=F("nomination_opens")), name="cycle_closes_after_opens"),
            models.UniqueConstraint(fields=["award", "edition"], name="unique_edition_per_award"),
            models.CheckConstraint(
                condition=Q(year__gte=CYCLE_YEAR_MIN) & Q(year__lte=CYCLE_YEAR_MAX), name="cycle_year_plausible"
            ),
        ]
        indexes = [
            # Public cycles by year, newest first: the laureate list walks these and stops at a
            # full page (a laureate's own status index would make it join and sort every laureate).
            models.Index(fields=["status", "year", "published_at"], name="talent_cycle_status_year"),
            # An award's newest cycle (AwardQuerySet.with_current_phase) without a sort per award.
            models.Index(fields=["award", "nomination_opens"], name="talent_cycle_award_opens"),
            # Calls open now, soonest deadline first (the home block) without sorting every cycle.
            models.Index(fields=["status", "nomination_closes"], name="talent_cycle_status_closes"),
        ]

    def __str__(self):
        return str(_("%(award)s 第%(edition)s届（%(year)s年）")) % {
            "award": self.award.name,
            "edition": self.edition,
            "year": self.year,
        }

    def get_absolute_url(self):
        return self.award.get_absolute_url() + f"#cycle-{self.pk}"

    def clean(self):
        super().clean()
        if self.nomination_opens and self.nomination_closes and self.nomination_closes <= self.nomination_opens:
            raise ValidationError({"nomination_closes": _("提名截止时间必须晚于开始时间。")})
        if self.announcement_date and self.nomination_closes:
            if self.announcement_date < timezone.localdate(self.nomination_closes):
                raise ValidationError({"announcement_date": _("结果公布日期不能早于提名截止日期。")})

    @property
    def phase(self) -> str:
        """upcoming / open / review / announced, from the dates and now (never stored)."""
        now = timezone.now()
        if now < self.nomination_opens:
            return CycleStatus.UPCOMING
        if now < self.nomination_closes:
            return CycleStatus.OPEN
        if self.announcement_date and self.announcement_date <= timezone.localdate():
            return CycleStatus.ANNOUNCED
        return CycleStatus.REVIEW

    @property
    def phase_label(self) -> str:
        return CycleStatus(self.phase).label

    @property
    def is_open(self) -> bool:
        return self.phase == CycleStatus.OPEN

    @property
    def shows_sample(self) -> bool:
        """A cycle of a sample award is fictional too, whatever its own flag says."""
        return self.is_sample or self.award.is_sample


def public_in_its_cycle(now=None) -> Q:
    """A laureate's own publishing rule, without its parents': for a subquery whose outer rows
    are public cycles (of public awards) already. The full rule joins each laureate's cycle and
    award again, three times the work of reading the laureates' (cycle, status) index alone."""
    return Q(status=Status.PUBLISHED, published_at__lte=now or timezone.now())


class Laureate(SampleMixin, Publishable):
    published_parents = ("cycle",)

    cycle = models.ForeignKey(AwardCycle, on_delete=models.CASCADE, related_name="laureates", verbose_name=_("评选周期"))
    category = models.ForeignKey(AwardCategory, on_delete=models.PROTECT, related_name="laureates", verbose_name=_("类别"))
    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.CharField(_("工作单位"), max_length=100)
    citation = models.TextField(_("评语"), blank=True)
    photo = models.ForeignKey(Photo, verbose_name=_("照片"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["-cycle__year", "category__ordering", "ordering", "pk"]
        verbose_name = _("获奖者")
        verbose_name_plural = _("获奖者")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "category", "name"], name="one_laureate_per_person_cycle_category")
        ]
        indexes = [
            # A cycle's public laureates from the index alone: the laureate list's rows and count
            # per cycle, and whether a year has laureates (the year choices).
            models.Index(fields=["cycle", "status", "published_at"], name="talent_laureate_cycle_status"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("talent:laureate-list") + f"#laureate-{self.pk}"

    @property
    def shows_sample(self) -> bool:
        """A laureate of a sample cycle is fictional too, whatever its own flag says."""
        return self.is_sample or self.cycle.is_sample

    def clean(self):
        super().clean()
        if self.cycle_id and self.category_id and self.cycle.award_id != self.category.award_id:
            raise ValidationError({"category": _("类别必须属于该评选周期所在的奖项。")})


# --- nominations ----------------------------------------------------------------------------


class NominationStatus(models.TextChoices):
    RECEIVED = "received", _("已收到")
    ELIGIBLE = "eligible", _("资格审核通过")
    SHORTLISTED = "shortlisted", _("入围")
    AWARDED = "awarded", _("获奖")
    DECLINED = "declined", _("未通过")


REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


def new_reference(today: datetime.date | None = None) -> str:
    """An unguessable reference like NOM-2026-7K3F9Q (30 random bits; not sequential)."""
    year = (today or timezone.localdate()).year
    return f"NOM-{year}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def normalise_name(name: str) -> str:
    """Compare names as people mean them: width-folded, case-folded, no spaces (张 三 = 张三)."""
    return "".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def nomination_upload_to(instance, filename):
    # The file name is ours, never the nominator's; the reference keeps it traceable.
    return f"nominations/{instance.cycle.year}/{instance.reference}-{secrets.token_hex(8)}.pdf"


class Nomination(SampleMixin, models.Model):
    """A public nomination. Never shown on public pages except its status, by reference + e-mail."""

    reference = models.CharField(_("受理编号"), max_length=20, unique=True, editable=False)
    cycle = models.ForeignKey(AwardCycle, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("评选周期"))
    category = models.ForeignKey(AwardCategory, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("类别"))
    nominee_name = models.CharField(_("被提名人姓名"), max_length=50)
    nominee_name_normalised = models.CharField(_("姓名（规范化）"), max_length=50, editable=False)
    nominee_organisation = models.CharField(_("被提名人工作单位"), max_length=100)
    # A TextField's max_length is not checked by full_clean(): the validators are the rule.
    statement = models.TextField(_("推荐理由"), max_length=5000, validators=[MinLengthValidator(20), MaxLengthValidator(5000)])
    supporting_document = models.FileField(
        _("证明材料（PDF）"), upload_to=nomination_upload_to, storage=private_storage, max_length=200
    )
    nominator_name = models.CharField(_("提名人姓名"), max_length=50)
    nominator_email = models.EmailField(_("提名人电子邮箱"))
    nominator_phone = models.CharField(_("提名人电话"), max_length=30, blank=True)
    eligibility_confirmed = models.BooleanField(_("已确认符合参评条件"), default=False)
    consent_given = models.BooleanField(_("已同意信息处理"), default=False)
    form_token = models.CharField(_("表单令牌"), max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("审核状态"), max_length=16, choices=NominationStatus.choices, default=NominationStatus.RECEIVED, db_index=True
    )
    reviewer_notes = models.TextField(_("审核意见"), blank=True, help_text=_("仅工作人员可见。"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("提名")
        verbose_name_plural = _("提名")
        # Nomination review is its own role (portal.roles.REVIEW_NOMINATIONS): NominationAdmin reads only this.
        permissions = [("review_nomination", _("评审提名：查看、修改审核状态、下载证明材料、导出"))]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "category", "nominee_name_normalised", "nominator_email"],
                name="one_nomination_per_nominee_and_nominator",
            ),
            models.CheckConstraint(
                condition=Q(eligibility_confirmed=True) & Q(consent_given=True), name="nomination_confirmed_and_consented"
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.nominee_name}"


# --- experts ---------------------------------------------------------------------------------


class ExpertField(ReferenceTerm):
    """A field of expertise (汽车, 机械, 新材料, 智能制造): reference data, shared by experts."""

    class Meta(ReferenceTerm.Meta):
        verbose_name = _("专家领域")
        verbose_name_plural = _("专家领域")

    def get_absolute_url(self):
        return page_url("talent:expert-list") + f"?field={self.slug}"


class ExpertService(ReferenceTerm):
    """A kind of service experts give (一对一技术咨询, 战略辅导)."""

    class Meta(ReferenceTerm.Meta):
        verbose_name = _("专家服务")
        verbose_name_plural = _("专家服务")


class ExpertProgramme(SluggedMixin, Publishable):
    """An expert-service programme: who runs it with whom, how many experts, what came of it."""

    slug_source = "name"

    name = models.CharField(_("项目名称"), max_length=100, unique=True)
    slug = models.SlugField(_("网址别名"), max_length=80, unique=True, blank=True)
    summary = models.TextField(_("概述"), blank=True)
    beneficiaries = models.CharField(_("服务对象"), max_length=100, blank=True, help_text=_("例如：园区中小企业"))
    expert_count = models.PositiveIntegerField(
        _("专家人数"), null=True, blank=True, help_text=_("项目公布的人数；目录中录入的专家可能少于此数。")
    )
    expert_kinds = models.CharField(_("专家构成"), max_length=100, blank=True, help_text=_("例如：院士、博导、教授、专家"))
    fields = models.ManyToManyField(ExpertField, verbose_name=_("领域"), blank=True, related_name="programmes")
    services = models.ManyToManyField(ExpertService, verbose_name=_("服务内容"), blank=True, related_name="programmes")
    outcomes = models.TextField(_("合作成果"), blank=True, help_text=_("例如：达成的合作意向。"))
    motto = models.CharField(_("模式"), max_length=100, blank=True, help_text=_("例如：政府搭台、专家和企业唱戏"))
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("专家服务项目")
        verbose_name_plural = _("专家服务项目")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("talent:expert-list") + f"#programme-{self.slug}"


class ProgrammePartner(models.Model):
    programme = models.ForeignKey(ExpertProgramme, on_delete=models.CASCADE, related_name="partners", verbose_name=_("项目"))
    name = models.CharField(_("合作单位"), max_length=100)
    role = models.CharField(_("作用"), max_length=100, blank=True, help_text=_("例如：提供高级人才资源"))
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["programme", "ordering", "pk"]
        verbose_name = _("合作单位")
        verbose_name_plural = _("合作单位")
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="unique_partner_per_programme")]

    def __str__(self):
        return self.name


class ExpertTitle(models.TextChoices):
    ACADEMICIAN = "academician", _("院士")
    DOCTORAL_SUPERVISOR = "doctoral_supervisor", _("博士生导师")
    PROFESSOR = "professor", _("教授")
    RESEARCHER = "researcher", _("研究员")
    SENIOR_ENGINEER = "senior_engineer", _("高级工程师")
    EXPERT = "expert", _("专家")


class Expert(SluggedMixin, SampleMixin, Publishable):
    slug_source = "name"

    name = models.CharField(_("姓名"), max_length=50)
    slug = models.SlugField(_("网址别名"), max_length=80, unique=True, blank=True)
    title = models.CharField(_("职称"), max_length=24, choices=ExpertTitle.choices, default=ExpertTitle.EXPERT)
    fields = models.ManyToManyField(ExpertField, verbose_name=_("领域"), related_name="experts")
    institution = models.CharField(_("所在单位"), max_length=100, db_index=True)
    services = models.ManyToManyField(ExpertService, verbose_name=_("服务内容"), blank=True, related_name="experts")
    programme = models.ForeignKey(
        ExpertProgramme, verbose_name=_("服务项目"), null=True, blank=True, on_delete=models.SET_NULL, related_name="experts"
    )
    bio = models.TextField(_("简介"), blank=True)
    photo = models.ForeignKey(Photo, verbose_name=_("照片"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["ordering", "name", "pk"]
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        indexes = [
            # The directory's first page in its order without sorting every public expert; with
            # the columns the institution choices rank (filters.institution_choices), so their
            # first experts are read from the index alone.
            models.Index(
                fields=["status", "ordering", "name", "id", "institution"],
                name="talent_expert_directory",
            ),
            # The institution choices and the directory's counts from the index alone.
            models.Index(fields=["status", "institution", "is_sample", "published_at"], name="talent_expert_status_inst"),
            *real_rows_indexes("talent_expert", ["ordering", "name", "id"]),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url("talent:expert-detail", self.slug)
