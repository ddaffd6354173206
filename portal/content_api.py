"""The portal's own open-data resources (/api/v1/articles/, /api/v1/photos/): what the article
and photo pages show, through portal.api's building blocks."""

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from .api import PageURLField, PreciseDateField, PublishedViewSet
from .filters import ArticleFilter, PhotoFilter
from .images import RENDITIONS, media_url
from .models import Article, ArticleSection, Photo

RENDITION_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "size": {"type": "string", "enum": [spec.name for spec in RENDITIONS]},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
            "url": {"type": "string", "format": "uri"},
            "formats": {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}},
        },
    },
}


@extend_schema_field(RENDITION_SCHEMA)
class RenditionsField(serializers.Field):
    """The photo's stored sizes, smallest first: width, height, the JPEG's URL and the same
    size in each modern format (AVIF, WebP) where it was made."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, renditions):
        request = self.context.get("request")

        def absolute(name):
            url = media_url(name)
            return request.build_absolute_uri(url) if request is not None else url

        sizes = []
        for spec in RENDITIONS:
            data = renditions.get(spec.name)
            if data:
                formats = {key: absolute(name) for key, name in (data.get("formats") or {}).items()}
                sizes.append(
                    {
                        "size": spec.name,
                        "width": data["width"],
                        "height": data["height"],
                        "url": absolute(data["name"]),
                        "formats": formats,
                    }
                )
        return sizes


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "图片",
            value={
                "slug": "yan-ba-zhi-liang-guan",
                "caption": "园区一角",
                "credit": "张三",
                "alt_text": "厂房与道路",
                "taken_on": "2017-09-01",
                "section": "park",
                "tags": ["建筑"],
                "is_placeholder": False,
                "is_sample": False,
                "renditions": [
                    {
                        "size": "thumb",
                        "width": 320,
                        "height": 213,
                        "url": "https://portal.example.org/media/renditions/0f…-thumb.jpg",
                        "formats": {"avif": "https://portal.example.org/media/renditions/0f…-thumb.avif"},
                    }
                ],
                "page_url": "https://portal.example.org/photos/yan-ba-zhi-liang-guan/",
            },
        )
    ]
)
class PhotoSerializer(serializers.ModelSerializer):
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    renditions = RenditionsField()
    page_url = PageURLField()

    class Meta:
        model = Photo
        fields = [
            "slug",
            "caption",
            "credit",
            "alt_text",
            "taken_on",
            "section",
            "tags",
            "is_placeholder",
            "is_sample",
            "renditions",
            "page_url",
        ]


class ArticleSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArticleSection
        fields = ["heading", "body"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "文章",
            value={
                "slug": "ti-su-zeng-xiao-chao-chang-fa-zhan",
                "title": "提速增效超常发展",
                "subtitle": "",
                "source": "某刊",
                "issue": "2018年第1期",
                "column": "专题报道",
                "date": "2018-01",
                "author": "",
                "summary": "……",
                "lead": "……",
                "sections": [{"heading": "小标题", "body": "正文……"}],
                "photos": ["yan-ba-zhi-liang-guan"],
                "is_sample": False,
                "page_url": "https://portal.example.org/articles/ti-su-zeng-xiao-chao-chang-fa-zhan/",
            },
        )
    ]
)
class ArticleSerializer(serializers.ModelSerializer):
    date = PreciseDateField()
    sections = ArticleSectionSerializer(many=True, read_only=True)
    photos = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    page_url = PageURLField()

    class Meta:
        model = Article
        fields = [
            *("slug", "title", "subtitle", "source", "issue", "column", "date", "author", "summary", "lead"),
            *("sections", "photos", "is_sample", "page_url"),
        ]


class ArticleViewSet(PublishedViewSet):
    """文章：园区专题报道与动态，含小节与所附图片的别名。"""

    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter
    lookup_field = "slug"
    prefetch_related = ("sections", "photos")


class PhotoViewSet(PublishedViewSet):
    """图片：说明、摄影、替代文字与各尺寸版本（JPEG，以及 AVIF/WebP）的地址。"""

    serializer_class = PhotoSerializer
    filterset_class = PhotoFilter
    lookup_field = "slug"
    prefetch_related = ("tags",)


api_resources = [("articles", ArticleViewSet), ("photos", PhotoViewSet)]
