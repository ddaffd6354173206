"""Demo data at scale: what `manage.py generate_demo_data --scale N --seed S` writes.

At N=1 about 1,000 experts, 500 platforms, 200 enterprises, 2,000 photos, 50 award cycles,
5,000 laureates and 200 articles (N=10: ten times that), with the rows around them that make the
pages realistic (partners, awards and categories, achievements, article sections, parks' areas
and history). Fractions work (`--scale 0.05` in the tests).

How it is written:
- in bulk (`bulk_create`, many-to-many links through their through models), one transaction
  per model (`DemoRun.step`), so a run stopped halfway leaves whole models;
- from `random.Random` seeded per section, and dates counted from today: the same seed on the
  same day gives the same rows (files aside: stored files get random names);
- `bulk_create` sends no signals, so the search index is rebuilt once at the end.

The portal imports no section: each section offers its generator as `demo_data` (a
`portal.registry.DemoData`) in its `registrations.py`; this module writes the portal's own rows
(photos, articles) first and hands the sections the photos through `DemoRun.photo_ids`.

Which rows are generated. Every generated row whose model has `is_sample` (SampleMixin: photos,
articles, parks, experts, laureates…) is flagged, so it is badged 示例 like the fixture samples
and left out of sitemaps and feeds. Every generated row with a slug has one starting with
DEMO_SLUG_PREFIX ("demo--": `pinyin_slug` never writes a double hyphen), and rows without a slug
hang off such a row (a laureate off its award, an achievement off its enterprise). That is how
`DemoData.generated()` finds exactly the generated rows, also of models without `is_sample`
(platforms, enterprises, reference terms…), and how a re-run first removes the rows an earlier
run generated (a re-run replaces, it never adds), leaving the fixture samples alone.
Reference terms (fields, qualifications, tags) are reused when one of the same name exists;
only the ones the generator had to add carry the prefix and are removed.

Photos: only a small pool of distinct images (POOL_SIZE) goes through `Photo.save()`, which
stores the file and builds its renditions; the other photos are bulk rows pointing at a pool
file with the pool photo's `renditions` copied, so 20,000 photos cost six resizes. Several rows
therefore share one file: removing generated photos deletes a file only when no remaining
photo uses it (`remove_generated`).
"""

import datetime
import io
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from PIL import Image, ImageDraw

from . import page_cache, search
from .dates import DatePrecision
from .models import Article, ArticleSection, Photo, PhotoSection, PhotoTag
from .publishing import Status
from .registry import DemoData, registry
from .slugs import pinyin_slug

DEMO_SLUG_PREFIX = "demo--"
BATCH_SIZE = 1000
POOL_SIZE = 6
POOL_IMAGE_SIZE = (1600, 1000)

# Rows per unit of scale (N=1).
PER_SCALE = {"photos": 2000, "articles": 200}

# --- words -----------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤蓝农"
)
GIVEN_NAME_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建文辉玲斌宇浩凯鹏俊帆博晨瑞嘉欣怡涵轩宁远志海峰鑫晓东雪琳晶健颖"
    "思雨佳婷子梓睿航铭泽昊然卓越琪诗语安源立新振国庆春秋晴朗云飞毅诚锦程正阳德胜"
)
PLACES = tuple(
    (
        "柳江 鹿寨 融安 阳和 河西 官塘 雒容 洛维 白沙 龙城 鱼峰 柳南 柳北 "
        "城中 沙塘 拉堡 里雍 穿山 洛埠 太阳村 新兴 静兰 长塘 进德 大埔 东泉 "
        "西鹅 三门江"
    ).split()
)
BRAND_SYLLABLES = "华创科泰瑞达鑫源宏远恒通博信联盛德丰安嘉新智航锐禾晟威凯腾昊星辰启明致诚润海天利康谷粤桂"
FIELDS = tuple(
    (
        "智能制造 新材料 汽车 机械 电子信息 生物医药 节能环保 新能源 人工智能 "
        "大数据 工业互联网 轨道交通 现代农业 食品加工 精细化工 冶金 现代物流 "
        "软件 检验检测 工业设计"
    ).split()
)
PHOTO_SUBJECTS = tuple(
    (
        "厂房 生产线 研发楼 实验室 孵化器大楼 园区道路 创业大街 人才公寓 "
        "展示中心 会议现场 签约仪式 技能大赛 航拍全景 夜景 湖畔公园 产业园区大门 "
        "装配车间 物流仓库"
    ).split()
)
PHOTO_TAGS = ("园区风光", "产业", "活动", "人才", "创新平台", "航拍")
ARTICLE_COLUMNS = ("园区动态", "专题报道", "企业风采", "通知公告", "人才工作")
ARTICLE_SOURCES = ("园区简报", "示例日报", "示例科技报", "")
ARTICLE_VERBS = ("举办", "召开", "启动", "推进", "签约", "发布", "表彰", "建成", "开展", "举行")
ARTICLE_OBJECTS = tuple(
    (
        "产业对接会 人才招聘会 创新创业大赛 项目集中开工仪式 科技成果发布会 "
        "企业服务座谈会 专家咨询活动 重点项目建设 技术交流会 孵化器开放日 "
        "知识产权培训 招商推介会"
    ).split()
)
SECTION_HEADINGS = ("背景", "主要做法", "取得成效", "下一步打算", "各方评价", "活动现场", "项目概况", "政策支持")
SENTENCES = (
    "园区坚持创新驱动发展，推动{field}产业集聚。",
    "{place}片区围绕{field}领域引进一批重点项目。",
    "活动吸引了来自高校、科研院所和企业的代表参加。",
    "与会人员就{field}技术应用和产业协同开展了深入交流。",
    "相关负责人表示，将持续优化营商环境，服务企业发展。",
    "项目建成后预计新增产值十余亿元，带动就业数百人。",
    "园区将以此为契机，进一步完善{field}产业链条。",
    "{place}的企业在{field}方面形成了一定特色。",
    "各方将加强在人才培养、技术攻关和成果转化方面的合作。",
)


# --- the run ---------------------------------------------------------------------------------


@dataclass
class StepResult:
    label: str
    rows: int
    links: int
    seconds: float

    @property
    def rate(self) -> float:
        return (self.rows + self.links) / self.seconds if self.seconds else 0.0


@dataclass
class StepCounter:
    rows: int = 0
    links: int = 0


@dataclass
class DemoRun:
    """One run of the generator: the scale, a seed, today's date (every date counts from it), the
    generated photos the sections may show, the per-model results and where progress goes."""

    scale: float
    seed: int
    write: Callable[[str], None] = lambda line: None
    today: datetime.date = field(default_factory=timezone.localdate)
    photo_ids: list[int] = field(default_factory=list)
    results: list[StepResult] = field(default_factory=list)
    _counter: StepCounter | None = None
    _slugs: int = 0

    def rng(self, name: str) -> random.Random:
        """Random numbers of one part (a section), seeded from the run's seed and the part's name,
        so one part's rows do not change when another part draws more or fewer numbers."""
        return random.Random(f"{self.seed}:{name}")

    def count(self, per_scale: int) -> int:
        """Rows of a model at this scale (at least one)."""
        return max(1, round(per_scale * self.scale))

    @contextmanager
    def step(self, model: type[models.Model]) -> Iterator[StepCounter]:
        """One model (with its links), in one transaction, timed and reported."""
        started = time.perf_counter()
        self._counter = StepCounter()
        with transaction.atomic():
            yield self._counter
        seconds = time.perf_counter() - started
        result = StepResult(model._meta.label_lower, self._counter.rows, self._counter.links, seconds)
        self._counter = None
        self.results.append(result)
        links = f" + {result.links} links" if result.links else ""
        self.write(f"  {result.label}: {result.rows} rows{links} in {seconds:.1f} s ({result.rate:,.0f} rows/s)")

    def insert(self, model: type[models.Model], rows: list, *, link: bool = False) -> list:
        """Bulk-insert `rows` (primary keys set on return); counted as links when `link`."""
        model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
        if self._counter is not None:
            if link:
                self._counter.links += len(rows)
            else:
                self._counter.rows += len(rows)
        return rows

    def link(self, relation, pairs: Iterable[tuple[int, int]]) -> None:
        """Bulk-insert many-to-many links of `relation` (e.g. `Platform.partners`) from
        (row pk, target pk) pairs; duplicates are dropped."""
        through = relation.through
        source_name = relation.field.m2m_field_name()
        target_name = relation.field.m2m_reverse_field_name()
        unique = dict.fromkeys(pairs)
        rows = [through(**{f"{source_name}_id": a, f"{target_name}_id": b}) for a, b in unique]
        self.insert(through, rows, link=True)

    def slug(self, text: str, max_length: int) -> str:
        """A valid slug marked as generated: "demo--<pinyin of text>-<running number>"."""
        self._slugs += 1
        suffix = f"-{self._slugs}"
        room = max_length - len(DEMO_SLUG_PREFIX) - len(suffix)
        return f"{DEMO_SLUG_PREFIX}{pinyin_slug(text, max_length=room)}{suffix}"

    # dates, all counted from `today`

    def moment(self, days: int, rng: random.Random | None = None) -> datetime.datetime:
        """An aware datetime `days` from today, in working hours (minutes drawn from `rng`)."""
        minutes = rng.randrange(8 * 60, 18 * 60) if rng else 9 * 60
        day = self.today + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60)))

    def past_date(self, rng: random.Random, max_days: int = 3650) -> datetime.date:
        return self.today - datetime.timedelta(days=rng.randrange(1, max_days))

    def publishing(self, rng: random.Random, drafts: float = 0.04, scheduled: float = 0.01) -> dict:
        """status and published_at: mostly published in the past, some drafts, a few scheduled."""
        draw = rng.random()
        if draw < drafts:
            return {"status": Status.DRAFT, "published_at": self.moment(-rng.randrange(1, 1500), rng)}
        if draw < drafts + scheduled:
            return {"status": Status.PUBLISHED, "published_at": self.moment(rng.randrange(1, 60), rng)}
        return {"status": Status.PUBLISHED, "published_at": self.moment(-rng.randrange(1, 1500), rng)}

    def pick_photo(self, rng: random.Random, share: float) -> int | None:
        """A generated photo's pk for `share` of the calls, else None."""
        return rng.choice(self.photo_ids) if self.photo_ids and rng.random() < share else None


# --- names and text --------------------------------------------------------------------------


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN_NAME_CHARACTERS) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def brand(rng: random.Random) -> str:
    return "".join(rng.sample(BRAND_SYLLABLES, 2))


def unique_names(rng: random.Random, make: Callable[[random.Random], str], count: int, taken: Iterable[str] = ()) -> list[str]:
    """`count` distinct names from `make`, none in `taken`; a numbered one when draws keep colliding."""
    seen = set(taken)
    names = []
    while len(names) < count:
        for _attempt in range(8):
            name = make(rng)
            if name not in seen:
                break
        else:
            name = f"{make(rng)}{len(names) + 1}号"
            if name in seen:
                continue
        seen.add(name)
        names.append(name)
    return names


def paragraph(rng: random.Random, sentences: int = 3) -> str:
    return "".join(rng.choice(SENTENCES).format(field=rng.choice(FIELDS), place=rng.choice(PLACES)) for _ in range(sentences))


def paragraphs(rng: random.Random, count: int) -> str:
    return "\n\n".join(paragraph(rng, rng.randint(2, 4)) for _ in range(count))


def precise_date(run: DemoRun, rng: random.Random, max_days: int = 7300) -> dict:
    """A date known to the day, month or year (normalised the way PreciseDateMixin expects)."""
    date = run.past_date(rng, max_days)
    precision = rng.choice((DatePrecision.DAY, DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR))
    if precision == DatePrecision.MONTH:
        date = date.replace(day=1)
    elif precision == DatePrecision.YEAR:
        date = date.replace(month=1, day=1)
    return {"date": date, "date_precision": precision}


def reference_terms(run: DemoRun, model: type[models.Model], names: Iterable[str]) -> list:
    """The terms named `names`: existing ones reused, missing ones added (with a generated slug)."""
    names = list(dict.fromkeys(names))
    existing = {term.name: term for term in model._default_manager.filter(name__in=names)}
    missing = [
        model(name=name, slug=run.slug(name, model._meta.get_field("slug").max_length), ordering=900 + index)
        for index, name in enumerate(names)
        if name not in existing
    ]
    run.insert(model, missing)
    created = {term.name: term for term in missing}
    return [existing.get(name) or created[name] for name in names]


def generated(model: type[models.Model], lookup: str = "slug") -> models.QuerySet:
    """The rows of `model` the generator wrote, found by the slug at `lookup`."""
    return model._default_manager.filter(**{f"{lookup}__startswith": DEMO_SLUG_PREFIX})


# --- the portal's rows: photos and articles --------------------------------------------------


def pool_image(rng: random.Random, index: int) -> SimpleUploadedFile:
    """A distinct landscape-looking JPEG: sky and ground gradients, a few blocks of buildings."""
    width, height = POOL_IMAGE_SIZE
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    sky = [rng.randrange(60, 200) for _ in range(3)]
    ground = [rng.randrange(40, 140) for _ in range(3)]
    horizon = rng.randrange(height // 3, height * 2 // 3)
    for y in range(height):
        base, span = (sky, horizon) if y < horizon else (ground, height - horizon)
        shade = (y if y < horizon else y - horizon) / max(span, 1)
        draw.line([(0, y), (width, y)], fill=tuple(int(c + (255 - c) * shade * 0.4) for c in base))
    for _block in range(rng.randint(6, 14)):
        left = rng.randrange(0, width - 100)
        top = rng.randrange(horizon // 2, horizon)
        colour = tuple(rng.randrange(80, 230) for _ in range(3))
        draw.rectangle([left, top, left + rng.randrange(60, 260), horizon + 20], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return SimpleUploadedFile(f"demo-{index}.jpg", buffer.getvalue(), content_type="image/jpeg")


def photo_caption(rng: random.Random) -> str:
    return f"{rng.choice(PLACES)}{rng.choice(PHOTO_SUBJECTS)}"


def generate_photos(run: DemoRun) -> None:
    rng = run.rng("portal.photos")
    total = run.count(PER_SCALE["photos"])
    with run.step(PhotoTag):
        tags = reference_terms(run, PhotoTag, PHOTO_TAGS)
    with run.step(Photo):
        pool = []
        for index in range(min(POOL_SIZE, total)):
            caption = photo_caption(rng)
            photo = Photo(
                image=pool_image(rng, index),
                caption=caption,
                slug=run.slug(caption, 80),
                alt_text=f"{caption}（示例图片）",
                credit=person_name(rng),
                section=rng.choice(PhotoSection.values),
                status=Status.PUBLISHED,
                published_at=run.moment(-rng.randrange(30, 900), rng),
                featured=index < 3,
                ordering=1000,
                is_sample=True,
            )
            photo.save()  # stores the file and builds its renditions, as an upload would
            pool.append(photo)
        run._counter.rows += len(pool)
        rows = []
        for _index in range(total - len(pool)):
            source = rng.choice(pool)
            caption = photo_caption(rng)
            rows.append(
                Photo(
                    image=source.image.name,
                    width=source.width,
                    height=source.height,
                    renditions=dict(source.renditions),
                    caption=caption,
                    slug=run.slug(caption, 80),
                    alt_text=f"{caption}（示例图片）",
                    credit=person_name(rng),
                    taken_on=run.past_date(rng, 3000) if rng.random() < 0.7 else None,
                    section=rng.choice(PhotoSection.values),
                    ordering=1000,
                    is_sample=True,
                    **run.publishing(rng),
                )
            )
        run.insert(Photo, rows)
        photos = pool + rows
        run.link(Photo.tags, [(photo.pk, tag.pk) for photo in photos for tag in rng.sample(tags, rng.randint(0, 2))])
    run.photo_ids = [photo.pk for photo in photos if photo.status == Status.PUBLISHED]


def article_title(rng: random.Random) -> str:
    return f"{rng.choice(PLACES)}{rng.choice(ARTICLE_VERBS)}{rng.choice(FIELDS)}{rng.choice(ARTICLE_OBJECTS)}"


def generate_articles(run: DemoRun) -> None:
    rng = run.rng("portal.articles")
    with run.step(Article):
        articles = []
        for _index in range(run.count(PER_SCALE["articles"])):
            title = article_title(rng)
            articles.append(
                Article(
                    title=title,
                    slug=run.slug(title, 120),
                    subtitle=f"——{rng.choice(FIELDS)}产业发展观察" if rng.random() < 0.2 else "",
                    source=rng.choice(ARTICLE_SOURCES),
                    column=rng.choice(ARTICLE_COLUMNS),
                    author=person_name(rng),
                    summary=paragraph(rng, 2),
                    lead=paragraphs(rng, rng.randint(1, 2)),
                    is_sample=True,
                    **precise_date(run, rng, 2000),
                    **run.publishing(rng, drafts=0.05, scheduled=0.02),
                )
            )
        run.insert(Article, articles)
        sections = [
            ArticleSection(article_id=article.pk, heading=heading, body=paragraphs(rng, rng.randint(1, 3)), ordering=order)
            for article in articles
            for order, heading in enumerate(rng.sample(SECTION_HEADINGS, rng.randint(2, 4)))
        ]
        run.insert(ArticleSection, sections, link=True)
        run.link(Article.photos, [(a.pk, run.pick_photo(rng, 1.0)) for a in articles if rng.random() < 0.6 and run.photo_ids])


def generate(run: DemoRun) -> None:
    generate_photos(run)
    generate_articles(run)


def generated_rows() -> list[models.QuerySet]:
    return [generated(Article), removable(generated(Photo)), generated(PhotoTag)]


PORTAL_DEMO_DATA = DemoData(order=0, generate=generate, generated=generated_rows)


def demo_data() -> list[DemoData]:
    """The portal's generator first, then each section's, in their order."""
    return sorted([PORTAL_DEMO_DATA, *registry.demo_data], key=lambda demo: demo.order)


# --- running and removing ---------------------------------------------------------------------


# The receivers that follow every row: the search index and the page cache (by dispatch_uid).
ROW_SIGNALS = (
    (pre_save, "portal.search.pre_save"),
    (post_save, "portal.search.post_save"),
    (pre_delete, "portal.search.pre_delete"),
    (post_delete, "portal.search.post_delete"),
    (m2m_changed, "portal.search.m2m_changed"),
    (post_save, "portal.page_cache.post_save"),
    (post_delete, "portal.page_cache.post_delete"),
    (m2m_changed, "portal.page_cache.m2m_changed"),
)


@contextmanager
def row_signals_paused() -> Iterator[None]:
    """Bulk work without the search index and the page cache following each row; the caller
    then calls `after_bulk_changes()`.

    With their receivers connected, a queryset's delete() loads every row and signals around
    each one; without them, Django deletes the rows in a few bulk statements."""
    for signal, uid in ROW_SIGNALS:
        signal.disconnect(dispatch_uid=uid)
    try:
        yield
    finally:
        search.connect_signals()
        page_cache.connect_signals()


def after_bulk_changes(progress=None) -> int:
    """What the skipped signals would have done, once: rebuild the search index (`progress` as
    in `rebuild_index`) and, when the page cache is on, start a new generation so no page shows
    the rows as they were. Returns the number of search entries."""
    entries = search.rebuild_index(progress)["entries"]
    if page_cache.enabled():
        page_cache.bump()
    return entries


def removable(queryset: models.QuerySet) -> models.QuerySet:
    """`queryset` without the rows that a row outside it still points to with PROTECT (a real park
    whose editor chose a sample photo keeps that photo until another is chosen): deleting those
    would abort the whole removal. Links (many-to-many) protect nothing: they go with the row.
    Evaluated when deleted, so rows removed before (a section's, earlier in the run) no longer
    count."""
    for relation in queryset.model._meta.get_fields(include_hidden=True):
        if relation.one_to_many and relation.auto_created and relation.on_delete is models.PROTECT:
            name = relation.field.attname
            used = relation.related_model._base_manager.exclude(**{name: None}).values(name)
            queryset = queryset.exclude(pk__in=used)
    return queryset


def photo_files(photos: models.QuerySet) -> dict[str, set[str]]:
    """{original: its stored files (itself and every rendition)} of `photos`, per distinct file."""
    files = {}
    for image in photos.order_by().values_list("image", flat=True).distinct():
        renditions = photos.filter(image=image).values_list("renditions", flat=True).first() or {}
        files[image] = {image, *_file_names(renditions)}
    return files


def _file_names(value) -> Iterator[str]:
    """Every file a renditions JSON names (its string leaves), whatever sizes and formats it holds."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _file_names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _file_names(item)


def remove_generated(write: Callable[[str], None] = lambda line: None) -> int:
    """Delete every generated row (see DemoData.generated), sections before the portal, each in
    bulk with the row signals paused, then the photo files no remaining photo uses. The caller
    then calls `after_bulk_changes()`. Returns the number of rows deleted."""
    files = photo_files(generated(Photo))
    total = 0
    with row_signals_paused(), transaction.atomic():
        for demo in reversed(demo_data()):
            for queryset in demo.generated():
                count, _per_model = queryset.delete()
                if count:
                    write(f"  {queryset.model._meta.label_lower}: {count} generated rows (with their links)")
                total += count
    in_use = set(Photo.objects.filter(image__in=list(files)).values_list("image", flat=True).distinct())
    for image, names in files.items():
        if image in in_use:
            continue  # another photo still shows this file: keep it and its renditions
        for name in names:
            if name and default_storage.exists(name):
                default_storage.delete(name)
    return total


def generate_all(run: DemoRun) -> None:
    """Every part's rows, the portal's first (each part in its own steps)."""
    for demo in demo_data():
        demo.generate(run)
