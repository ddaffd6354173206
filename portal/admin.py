from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .admin_base import ChildRowsInline, HistoryAdmin, PreciseDateColumn, PublishableAdmin, ReferenceTermAdmin, photo_thumbnail
from .images import read_embedded_metadata
from .models import Article, ArticleSection, FriendlyLink, Photo, PhotoTag, SearchEntry, SiteSettings, User

admin.site.site_header = _("门户内容管理")
admin.site.site_title = _("门户内容管理")
admin.site.index_title = _("内容管理")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    pass


class FriendlyLinkInline(ChildRowsInline):
    model = FriendlyLink
    show_change_link = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(SiteSettings)
class SiteSettingsAdmin(HistoryAdmin):
    list_display = ("portal_name", "zone_name", "icp_number", "site_code")
    list_filter = ()
    search_fields = ("portal_name", "zone_name")
    inlines = [FriendlyLinkInline]
    fieldsets = (
        (None, {"fields": ("portal_name", "zone_name", "tagline", "description", "notice_column")}),
        (
            _("主办与联系（填写后显示在页脚）"),
            {"fields": ("host_organisation", "operator_organisation", "address", "phone", "email", "office_hours")},
        ),
        (_("备案信息"), {"fields": ("icp_number", "public_security_number", "site_code", "copyright")}),
    )

    def has_add_permission(self, request):
        # One row at most, and only for those who may add it (site administrators).
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class PhotoAdminForm(forms.ModelForm):
    """Caption and credit may be left empty: the file's EXIF fills them in when it has them."""

    class Meta:
        model = Photo
        fields = [
            "image",
            "caption",
            "credit",
            "alt_text",
            "taken_on",
            "section",
            "tags",
            "featured",
            "ordering",
            "slug",
            "is_placeholder",
            "status",
            "published_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "caption" in self.fields:  # absent when the whole form is read-only (a view-only user)
            self.fields["caption"].required = False

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("image")
        if upload and hasattr(upload, "content_type") and "image" not in self.errors:
            for field_name, value in read_embedded_metadata(upload).items():
                if not cleaned.get(field_name):
                    cleaned[field_name] = value
        if not cleaned.get("caption"):
            self.add_error("caption", _("请填写图片说明（图片文件中没有可用的说明）。"))
        return cleaned


@admin.register(Photo)
class PhotoAdmin(PublishableAdmin):
    form = PhotoAdminForm
    list_display = ("thumbnail", "caption", "credit", "section", "featured", "is_sample", "status", "published_at")
    list_display_links = ("thumbnail", "caption")
    list_filter = ("status", "section", "featured", "is_placeholder", "is_sample", "tags")
    list_editable = ()
    search_fields = ("caption", "credit", "alt_text")
    filter_horizontal = ("tags",)
    readonly_fields = ("preview", "width", "height", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("image", "preview", "caption", "credit", "alt_text", "taken_on")}),
        (_("分类"), {"fields": ("section", "tags", "featured", "ordering", "slug", "is_placeholder")}),
        (_("发布"), {"fields": ("status", "published_at", "is_sample")}),
        (_("文件信息"), {"classes": ("collapse",), "fields": ("width", "height", "created_at", "updated_at")}),
    )

    @admin.display(description=_("缩略图"))
    def thumbnail(self, obj):
        return photo_thumbnail(obj)

    @admin.display(description=_("预览"))
    def preview(self, obj):
        return photo_thumbnail(obj, size="card", max_height=240)


class ArticleSectionInline(admin.StackedInline):
    model = ArticleSection
    extra = 0


@admin.register(Article)
class ArticleAdmin(PreciseDateColumn, PublishableAdmin):
    list_display = ("title", "column", "author", "date_shown", "is_sample", "status", "published_at")
    list_filter = ("status", "column", "source", "is_sample")
    search_fields = ("title", "subtitle", "author", "lead", "sections__body")
    inlines = [ArticleSectionInline]
    filter_horizontal = ("photos",)
    fieldsets = (
        (None, {"fields": ("column", "title", "subtitle", "author", "summary", "lead", "photos")}),
        (_("原文出处"), {"fields": ("source", "issue", "date", "date_precision")}),
        (
            _("发布（本站上线时间，不作为原文日期显示）"),
            {"fields": ("status", "published_at", "slug", "is_sample", "created_at", "updated_at")},
        ),
    )


admin.site.register(PhotoTag, ReferenceTermAdmin)


@admin.register(SearchEntry)
class SearchEntryAdmin(admin.ModelAdmin):
    """What site search holds, to look at: derived from the content, kept current on every save
    and rebuilt by `manage.py rebuild_search_index`, so nobody edits it here."""

    list_display = ("title", "section", "date_display", "public_from", "is_sample", "indexed_at")
    list_filter = ("section", "is_sample")
    search_fields = ("title", "body")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
