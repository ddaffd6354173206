"""Small factories for the suite: make_<model>(**overrides) with sensible defaults."""

import io
import itertools
import os
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.models import Article, ArticleSection, Photo
from portal.publishing import Status

_counter = itertools.count(1)


def make_image(name="photo.jpg", size=(800, 600), color=(30, 110, 170), image_format="JPEG", exif=None, noise=False):
    """An in-memory image upload made with Pillow (`noise=True`: incompressible pixels)."""
    buffer = io.BytesIO()
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, color)
    save_kwargs = {"format": image_format}
    if exif is not None:
        save_kwargs["exif"] = exif
    image.save(buffer, **save_kwargs)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}[image_format]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def make_photo(**kwargs):
    n = next(_counter)
    kwargs.setdefault("image", make_image(f"photo-{n}.jpg"))
    kwargs.setdefault("caption", f"示例图片说明 {n}")
    kwargs.setdefault("alt_text", f"示例图片 {n}")
    kwargs.setdefault("credit", "示例摄影师")
    kwargs.setdefault("status", Status.PUBLISHED)
    tags = kwargs.pop("tags", [])
    photo = Photo.objects.create(**kwargs)
    if tags:
        photo.tags.set(tags)
    return photo


def make_article(sections=1, **kwargs):
    n = next(_counter)
    kwargs.setdefault("title", f"示例文章 {n}")
    kwargs.setdefault("column", "园区巡礼")
    kwargs.setdefault("author", "示例作者")
    kwargs.setdefault("lead", "导语第一段。\n\n导语第二段。")
    kwargs.setdefault("status", Status.PUBLISHED)
    article = Article.objects.create(**kwargs)
    for index in range(sections):
        ArticleSection.objects.create(article=article, heading=f"小标题 {index + 1}", body="正文段落。", ordering=index)
    return article


def make_park(**kwargs):
    from parks.models import Park

    n = next(_counter)
    kwargs.setdefault("name", f"示例高新区 {n}")
    kwargs.setdefault("status", Status.PUBLISHED)
    kwargs.setdefault("approved_on", date(1992, 9, 1))
    return Park.objects.create(**kwargs)


def make_metric(**kwargs):
    from parks.models import Metric, MetricCategory

    n = next(_counter)
    kwargs.setdefault("name", f"示例指标 {n}")
    kwargs.setdefault("category", MetricCategory.ECONOMY)
    kwargs.setdefault("unit", "亿元")
    return Metric.objects.create(**kwargs)


def make_indicator(**kwargs):
    from parks.models import Indicator

    if "park" not in kwargs:
        kwargs["park"] = make_park()
    if "metric" not in kwargs:
        kwargs["metric"] = make_metric()
    kwargs.setdefault("year", 2017)
    kwargs.setdefault("value", "100.5")
    kwargs.setdefault("status", Status.PUBLISHED)
    return Indicator.objects.create(**kwargs)


def make_milestone(**kwargs):
    from parks.models import Milestone

    if "park" not in kwargs:
        kwargs["park"] = make_park()
    kwargs.setdefault("title", f"示例大事 {next(_counter)}")
    kwargs.setdefault("date", date(2005, 1, 1))
    kwargs.setdefault("date_precision", "year")
    kwargs.setdefault("status", Status.PUBLISHED)
    return Milestone.objects.create(**kwargs)


def make_honour(**kwargs):
    from parks.models import Honour, HonourLevel

    if "park" not in kwargs:
        kwargs["park"] = make_park()
    kwargs.setdefault("name", f"示例荣誉 {next(_counter)}")
    kwargs.setdefault("level", HonourLevel.NATIONAL)
    kwargs.setdefault("status", Status.PUBLISHED)
    return Honour.objects.create(**kwargs)
