"""Admin building blocks every section's admin uses: history, publishing, thumbnails."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin

from .publishing import Status


class HistoryAdmin(VersionAdmin):
    """Every content admin: revision history with restore, and recovery of deleted rows."""

    history_latest_first = True


@admin.action(description=_("发布所选条目"), permissions=["change"])
def publish(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, Status.PUBLISHED)


@admin.action(description=_("撤回所选条目（改为草稿）"), permissions=["change"])
def unpublish(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, Status.DRAFT)


def _set_status(modeladmin, request, queryset, status):
    # Saved one by one (not queryset.update()) so each change lands in the revision history
    # that HistoryAdmin opens around the changelist.
    changed = 0
    for obj in queryset:
        if obj.status != status:
            obj.status = status
            obj.save()
            modeladmin.log_change(request, obj, str(_("状态改为：%(status)s")) % {"status": Status(status).label})
            changed += 1
    modeladmin.message_user(
        request,
        ngettext("已更新 %(count)d 个条目。", "已更新 %(count)d 个条目。", changed) % {"count": changed},
        messages.SUCCESS,
    )


class PublishableAdmin(HistoryAdmin):
    actions = [publish, unpublish]
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "published_at"

    @admin.display(description=_("状态"), ordering="status")
    def status_badge(self, obj):
        return obj.get_status_display()


def photo_thumbnail(photo, size="thumb", max_height=60):
    """An <img> of a photo's stored thumbnail for admin lists and forms."""
    if photo is None:
        return "—"
    rendition = photo.rendition(size)
    if rendition is None:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="admin-thumb">',
        rendition["url"],
        photo.alt_text,
        round(rendition["width"] * max_height / rendition["height"]),
        max_height,
    )


class PhotoThumbnailMixin:
    """For admins of models with a `photo` foreign key: a list column and a form preview.

    Add "thumbnail" to list_display; "photo_preview" is read-only in every form.
    """

    @admin.display(description=_("图片"))
    def thumbnail(self, obj):
        return photo_thumbnail(obj.photo)

    @admin.display(description=_("图片预览"))
    def photo_preview(self, obj):
        return photo_thumbnail(obj.photo, size="card", max_height=160)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "photo_preview")
