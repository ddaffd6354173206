"""The portal's own models: users, site settings, photos and articles.

Sections (parks, talent, innovation) build on `Photo`, `Publishable`, `PreciseDateMixin` and
`SluggedMixin`; nothing here imports a section.
"""

import json

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, router, transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .addresses import detail_url, page_url
from .dates import PreciseDateMixin
from .fields import StoredDimensionsImageField
from .images import (
    RENDITION_FORMATS,
    RENDITIONS,
    build_renditions,
    media_url,
    original_upload_to,
    strip_private_metadata,
    validate_image_file,
)
from .publishing import Publishable, PublishableQuerySet
from .slugs import SluggedMixin


class User(AbstractUser):
    """Custom user from the first migration, so the project can grow profile fields."""

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")


class JSONArrayAgg(models.Aggregate):
    """The aggregated JSON objects as one JSON array, as text (SQLite's json_group_array,
    PostgreSQL's json_agg): lets a row bring its few children in its own query."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "%(function)s(%(distinct)s%(expressions)s)::text"
        return self.as_sql(compiler, connection, function="JSON_AGG", template=template, **extra_context)


_load_sql: dict[str, tuple[str, tuple]] = {}  # SiteSettings.load()'s query per database alias


class SiteSettings(models.Model):
    """Editable names and footer facts, so no tenant's name is typed into a template."""

    portal_name = models.CharField(_("门户名称"), max_length=100, default="高新区门户")
    zone_name = models.CharField(_("园区名称"), max_length=100, default="高新技术产业开发区")
    tagline = models.CharField(_("标语"), max_length=200, blank=True)
    description = models.TextField(_("简介"), blank=True, help_text=_("用于搜索引擎摘要和首页。"))
    host_organisation = models.CharField(_("主办单位"), max_length=100, blank=True)
    operator_organisation = models.CharField(_("承办单位"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    office_hours = models.CharField(
        _("办公时间"), max_length=100, blank=True, help_text=_("例如：工作日 8:00—12:00，14:30—17:30")
    )
    notice_column = models.CharField(
        _("通知公告栏目"),
        max_length=50,
        blank=True,
        default="通知公告",
        help_text=_("栏目为此名称的文章在首页“通知公告”中列出，不计入“要闻”。"),
    )
    icp_number = models.CharField(_("ICP备案号"), max_length=100, blank=True)
    public_security_number = models.CharField(
        _("公安机关备案号"),
        max_length=100,
        blank=True,
        help_text=_("例如：桂公网安备 45020202000000号；页脚链接到全国互联网安全管理服务平台。"),
    )
    site_code = models.CharField(_("网站标识码"), max_length=50, blank=True)
    copyright = models.CharField(_("版权声明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("站点设置")
        verbose_name_plural = _("站点设置")
        # The site-wide editorial permission (portal.roles.PUBLISH) hangs off the site-wide model.
        permissions = [("publish_content", _("发布内容（所有栏目）：发布、撤回、定时发布、恢复版本、删除已发布条目"))]

    def __str__(self):
        return str(self.portal_name)

    def save(self, *args, **kwargs):
        self.pk = 1  # a singleton: there is one row of site settings
        super().save(*args, **kwargs)

    @property
    def public_security_url(self) -> str:
        """The record's page on beian.gov.cn, which is addressed by the record number's digits."""
        digits = "".join(char for char in self.public_security_number if char.isdigit())
        return f"https://beian.gov.cn/portal/registerSystemInfo?recordcode={digits}" if digits else ""

    @property
    def has_contact(self) -> bool:
        return bool(self.host_organisation or self.address or self.phone or self.email or self.office_hours)

    @cached_property
    def friendly_links(self) -> list["FriendlyLink"]:
        """The 友情链接 in order. `load()` reads them in the settings' own query (every page's footer
        shows them, and a page's query count should not grow for it); otherwise one query."""
        if not hasattr(self, "links_json"):
            return list(self.links.all())
        links = [FriendlyLink(site=self, **row) for row in json.loads(self.links_json or "[]")]
        return sorted(links, key=lambda link: (link.ordering, link.pk))

    def shell_key(self) -> tuple:
        """Every value the site's shell shows (the fields and the 友情链接): the key under which
        its rendered footer is kept (portal_tags.site_footer)."""
        fields = tuple(getattr(self, field.attname) for field in self._meta.concrete_fields)
        return (*fields, tuple((link.pk, link.name, link.url, link.ordering) for link in self.friendly_links))

    @classmethod
    def with_links(cls) -> models.QuerySet:
        """The settings with their 友情链接 as a JSON array (`links_json`), in one query."""
        links = (
            FriendlyLink.objects.filter(site=OuterRef("pk"))
            .order_by()
            .values("site")
            .annotate(rows=JSONArrayAgg(JSONObject(pk="pk", name="name", url="url", ordering="ordering")))
            .values("rows")
        )
        return cls.objects.annotate(links_json=Subquery(links))

    @classmethod
    def load(cls) -> "SiteSettings":
        """The settings row, read fresh (every page shows it: one query). The query is compiled
        once per process and database (compiling the subquery cost more than running it)."""
        alias = router.db_for_read(cls)
        compiled = _load_sql.get(alias)
        if compiled is None:
            compiled = _load_sql[alias] = cls.with_links().filter(pk=1).query.get_compiler(alias).as_sql()
        for settings in cls.objects.raw(*compiled).using(alias):
            return settings
        try:
            with transaction.atomic(using=alias):
                settings = cls.objects.using(alias).create(pk=1)
        except IntegrityError:  # created by a concurrent request since the query above
            return cls.with_links().using(alias).get(pk=1)
        settings.links_json = None  # a new row has no links yet
        return settings

    @classmethod
    def for_request(cls, request) -> "SiteSettings":
        """The settings, read once per request: the page's shell and its metadata both need them."""
        if not hasattr(request, "_site_settings"):
            request._site_settings = cls.load()
        return request._site_settings


class FriendlyLink(models.Model):
    """One of the footer's 友情链接, in the editors' order."""

    site = models.ForeignKey(SiteSettings, on_delete=models.CASCADE, related_name="links", verbose_name=_("站点设置"))
    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("网址"))
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["ordering", "pk"]
        verbose_name = _("友情链接")
        verbose_name_plural = _("友情链接")

    def __str__(self):
        return self.name


class PhotoSection(models.TextChoices):
    PARK = "park", _("园区")
    INDUSTRY = "industry", _("产业")
    TALENT = "talent", _("人才")
    INNOVATION = "innovation", _("创新")
    LIFE = "life", _("生活")


class SampleMixin(models.Model):
    """Fictional rows that show a section working, badged "示例" wherever they appear;
    `remove_sample_data` deletes the flagged rows of every model a section registers."""

    is_sample = models.BooleanField(_("示例内容"), default=False, help_text=_("虚构的示例数据，页面上标注“示例”，可一键删除。"))

    class Meta:
        abstract = True

    @property
    def shows_sample(self) -> bool:
        """Whether the row as a page shows it (a card, a detail page) shows sample content: the row
        itself here; a model whose rows show a sample child (an award's current cycle) extends it.
        A list page with such a row, or a detail page of one, carries the banner and noindex."""
        return self.is_sample


def sample_label(label: str, is_sample: bool) -> str:
    """A choice label that names a sample row says so in words: "示例类别甲（示例）"."""
    return f"{label}{_('（示例）')}" if is_sample else label


def without_samples(queryset):
    """The queryset without sample rows, for models that have them: feeds and sitemaps list facts only."""
    if any(field.name == "is_sample" for field in queryset.model._meta.get_fields()):
        return queryset.filter(is_sample=False)
    return queryset


class ReferenceTerm(SluggedMixin, models.Model):
    """A term of a short reference list editors extend (a tag, a field of work, a
    qualification): a unique name, its slug for filter links, and a place in the list."""

    slug_source = "name"

    name = models.CharField(_("名称"), max_length=60, unique=True)
    slug = models.SlugField(_("网址别名"), max_length=80, unique=True, blank=True)
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        abstract = True
        ordering = ["ordering", "name"]

    def __str__(self):
        return self.name


class PhotoTag(ReferenceTerm):
    class Meta(ReferenceTerm.Meta):
        verbose_name = _("图片标签")
        verbose_name_plural = _("图片标签")

    def get_absolute_url(self):
        return page_url("portal:photo-list") + f"?tag={self.slug}"


class Photo(SluggedMixin, SampleMixin, Publishable):
    """An image with caption, credit and alt text, served through stored renditions."""

    slug_source = "caption"

    image = StoredDimensionsImageField(
        _("图片文件"),
        upload_to=original_upload_to,
        width_field="width",
        height_field="height",
        validators=[validate_image_file],
    )
    width = models.PositiveIntegerField(_("宽度"), editable=False, null=True)
    height = models.PositiveIntegerField(_("高度"), editable=False, null=True)
    renditions = models.JSONField(_("尺寸版本"), default=dict, editable=False)
    caption = models.CharField(_("图片说明"), max_length=200)
    slug = models.SlugField(_("网址别名"), max_length=80, unique=True, blank=True)
    credit = models.CharField(_("摄影"), max_length=100, blank=True, help_text=_("只填姓名，页面上自动显示为“姓名/摄”。"))
    alt_text = models.CharField(_("替代文字"), max_length=200, help_text=_("给看不到图片的读者的描述。"))
    taken_on = models.DateField(_("拍摄日期"), null=True, blank=True)
    section = models.CharField(_("栏目"), max_length=16, choices=PhotoSection.choices, default=PhotoSection.PARK)
    tags = models.ManyToManyField(PhotoTag, verbose_name=_("标签"), blank=True, related_name="photos")
    is_placeholder = models.BooleanField(_("占位图"), default=False, help_text=_("原文未附图片文件，由系统生成的占位图。"))
    featured = models.BooleanField(_("首页推荐"), default=False)
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "-published_at", "pk"]
        verbose_name = _("图片")
        verbose_name_plural = _("图片")
        # Public photos in the list's order, so a page of them is read in order and the walk stops
        # (no sort of the whole table): for every photo (the gallery), for the 首页推荐 (the home
        # page, a handful of rows), and for the real ones (site map, API, sitemap.xml; with
        # updated_at, the sitemap's count and newest change are read from this index alone:
        # SQLite reads a partial index alone only when it holds the columns of its condition too).
        indexes = [
            models.Index(fields=["status", "ordering", "-published_at", "id"], name="portal_photo_list_idx"),
            # The gallery of one section (?section=): its page in order, its count from the index.
            models.Index(fields=["section", "status", "ordering", "-published_at", "id"], name="portal_photo_section_idx"),
            models.Index(
                fields=["status", "ordering", "-published_at", "id"],
                condition=Q(featured=True),
                name="portal_photo_featured_idx",
            ),
            models.Index(
                fields=["status", "ordering", "-published_at", "id", "updated_at", "is_sample"],
                condition=Q(is_sample=False),
                name="portal_photo_real_list_idx",
            ),
        ]

    def __str__(self):
        return self.caption

    def save(self, *args, **kwargs):
        # A new upload is stored without its private metadata under a random name, and the
        # renditions derived from it; doing it here keeps both in step with the file however the
        # photo is saved (admin, loader, shell). Both happen only when the file changes, never
        # when a page is served. A replaced file stays (stripped) so an old version can be restored.
        if self.image and not self.image._committed:
            content, extension = strip_private_metadata(self.image.file)
            self.image.save(f"original{extension}", ContentFile(content), save=False)
        # The dimensions are stored, never read when a row is loaded (StoredDimensionsImageField):
        # read again when the file changed, and filled in for a row stored without them.
        file_changed = bool(self.image) and self.renditions.get("source") != self.image.name
        self._meta.get_field("image").fill_dimensions(self, force=file_changed)
        if file_changed:
            self.renditions = {"source": self.image.name, **build_renditions(self.image)}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return detail_url("portal:photo-detail", self.slug)

    @property
    def credit_display(self) -> str:
        return _("%(name)s/摄") % {"name": self.credit} if self.credit else ""

    def rendition(self, name: str) -> dict | None:
        data = self.renditions.get(name)
        if not data:
            return None
        return {**data, "url": media_url(data["name"])}

    @property
    def srcset(self) -> str:
        """The JPEG renditions as an <img srcset>: "…-thumb.jpg 320w, …-card.jpg 640w, …"."""
        parts = []
        for spec in RENDITIONS:
            data = self.renditions.get(spec.name)
            if data:
                parts.append(f"{media_url(data['name'])} {data['width']}w")
        return ", ".join(parts)

    @property
    def sources(self) -> list[dict]:
        """One {type, srcset} per stored modern format, best first, for the <source> elements of
        a <picture>; empty for renditions made before the formats (the JPEG <img> shows alone)."""
        sources = []
        for image_format in RENDITION_FORMATS:
            parts = []
            for spec in RENDITIONS:
                data = self.renditions.get(spec.name)
                name = data and (data.get("formats") or {}).get(image_format.name)
                if name:
                    parts.append(f"{media_url(name)} {data['width']}w")
            if parts:
                sources.append({"type": image_format.mime_type, "srcset": ", ".join(parts)})
        return sources


class Article(SluggedMixin, PreciseDateMixin, SampleMixin, Publishable):
    """A feature article: where it came from (source, column, issue), its own date as precisely as
    known (often unknown: then empty, and no date is shown), headline, author, sections and photos.

    `published_at` only schedules the article on this portal; it is never shown as its date."""

    source = models.CharField(_("来源（刊物）"), max_length=100, blank=True, help_text=_("刊登原文的报刊或网站；不知道就留空。"))
    column = models.CharField(_("栏目"), max_length=50, blank=True, help_text=_("例如：园区动态、专题报道"))
    issue = models.CharField(_("期号"), max_length=50, blank=True, help_text=_("例如：2018年第1期；不知道就留空。"))
    date = models.DateField(
        _("原文日期"), null=True, blank=True, help_text=_("原文发表的日期，按已知的精度填写；不知道就留空，页面上不显示日期。")
    )
    title = models.CharField(_("标题"), max_length=200)
    subtitle = models.CharField(_("副标题"), max_length=200, blank=True)
    slug = models.SlugField(_("网址别名"), max_length=120, unique=True, blank=True)
    author = models.CharField(_("作者"), max_length=100, blank=True)
    summary = models.TextField(_("摘要"), blank=True)
    lead = models.TextField(_("导语"), blank=True, help_text=_("第一个小标题之前的正文，段落之间空一行。"))
    photos = models.ManyToManyField(Photo, verbose_name=_("图片"), blank=True, related_name="articles")

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        # The real articles in order (site map, feeds); with updated_at (and is_sample, the
        # condition's column, which SQLite needs to read the index alone), sitemap.xml's count and
        # newest change are read from this index only, never from the sample rows.
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-id", "updated_at", "is_sample"],
                condition=Q(is_sample=False),
                name="portal_article_real_list_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return detail_url("portal:article-detail", self.slug)

    @property
    def origin_display(self) -> str:
        """Where the article came from, as known: "《某刊》2018年第1期 · 园区巡礼"."""
        source = f"《{self.source}》" if self.source else ""
        return " · ".join(part for part in (f"{source}{self.issue}", self.column) if part)


class ArticleSection(models.Model):
    """One headed part of an article (the article's 小标题)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections", verbose_name=_("文章"))
    heading = models.CharField(_("小标题"), max_length=200)
    body = models.TextField(_("正文"), help_text=_("段落之间空一行。"))
    ordering = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["article", "ordering", "pk"]
        verbose_name = _("文章小节")
        verbose_name_plural = _("文章小节")

    def __str__(self):
        return self.heading


class SearchEntry(models.Model):
    """One public row as site search finds it: built by `portal.search` from the row's registered
    `SearchSource`, kept current when the row or what its text reads changes, and rebuilt by
    `manage.py rebuild_search_index`. Derived data: never edited by hand.

    Rows are indexed while their publishing chain is published, scheduled ones included;
    `public_from` (the latest `published_at` of the row and its published parents) keeps them
    out of results until their time comes, without a re-index."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("内容类型"))
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    section = models.CharField(_("栏目"), max_length=100)
    title = models.TextField(_("标题"))
    body = models.TextField(_("摘录文字"), blank=True)
    search_title = models.TextField(_("标题（规范化）"))
    search_text = models.TextField(_("检索文字（规范化）"))
    url = models.CharField(_("网址"), max_length=500)
    date = models.DateField(_("日期"), null=True, blank=True)
    date_display = models.CharField(_("日期显示"), max_length=50, blank=True)
    is_sample = models.BooleanField(_("示例内容"), default=False)
    public_from = models.DateTimeField(_("公开时间"), db_index=True)
    # `date` as a day number, 0 without one: "newest first" as one index-ordered, never-null key
    # (a nullable date sorts its nulls differently on SQLite and PostgreSQL).
    recency = models.PositiveIntegerField(_("新旧次序"), default=0)
    indexed_at = models.DateTimeField(_("索引时间"), auto_now=True)

    class Meta:
        ordering = ["section", "pk"]
        verbose_name = _("搜索索引条目")
        verbose_name_plural = _("搜索索引条目")
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="one_search_entry_per_row")]
        indexes = [models.Index(fields=["recency", "id"], name="search_entry_newest")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url


class SearchTerm(models.Model):
    """One posting of the search index: `entry`'s normalised text holds the two characters `gram`
    side by side. Chinese has no spaces, so search matches substrings; every term of two or more
    characters occurs only in entries that hold all its character pairs, and the B-tree index on
    (gram, recency) lists those entries newest first without reading the others: a search reads
    a bounded number of them whatever the size of the index (`portal.search.find`).
    Written and deleted with its entry by `portal.search`; never edited by hand."""

    gram = models.CharField(_("字对"), max_length=2)
    # No index of its own: the unique (entry, gram) index serves the deletes by entry.
    entry = models.ForeignKey(
        SearchEntry, on_delete=models.CASCADE, related_name="terms", db_index=False, verbose_name=_("索引条目")
    )
    recency = models.PositiveIntegerField(_("新旧次序"))  # the entry's: newest first from the index alone

    class Meta:
        ordering = ["gram", "-recency", "-entry"]
        verbose_name = _("搜索索引字对")
        verbose_name_plural = _("搜索索引字对")
        constraints = [models.UniqueConstraint(fields=["entry", "gram"], name="one_search_term_per_entry_and_gram")]
        indexes = [models.Index(fields=["gram", "recency", "entry"], name="search_term_newest")]

    def __str__(self):
        return self.gram
