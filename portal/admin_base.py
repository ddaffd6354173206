"""Admin building blocks every section's admin uses: history, publishing, thumbnails."""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from .publishing import Status
from .revisions import version_changes


class HistoryAdmin(VersionAdmin):
    """Every content admin: revision history with restore, and recovery of deleted rows."""

    history_latest_first = True

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """The revert form shows, field by field, what restoring this version changes
        (templates/reversion/revision_form.html); saving it says 已恢复 and lists the fields."""
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        current = self.get_object(request, unquote(object_id))
        changes = version_changes(current, version) if current is not None else []
        request._portal_revert = (version, changes)
        context = {"version_changes": changes, "version_saved_at": self._saved_at(version), **(extra_context or {})}
        return super().revision_view(request, object_id, version_id, context)

    @staticmethod
    def _saved_at(version) -> str:
        return date_format(timezone.localtime(version.revision.date_created), "Y年n月j日 H:i")

    def response_change(self, request, obj):
        reverting = getattr(request, "_portal_revert", None)
        if reverting is None:
            return super().response_change(request, obj)
        version, changes = reverting
        if changes:
            fields = "、".join(change.label for change in changes)
            message = _("已恢复“%(obj)s”到 %(date)s 保存的版本。恢复的字段：%(fields)s。")
        else:
            fields = ""
            message = _("已恢复“%(obj)s”到 %(date)s 保存的版本（各字段与恢复前相同）。")
        self.message_user(request, message % {"obj": obj, "date": self._saved_at(version), "fields": fields}, messages.SUCCESS)
        opts = obj._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]))


def set_status_action(status, *, description, name: str | None = None):
    """An admin action that sets `status` on the selected rows and says how many changed.

    Rows are saved one by one (not queryset.update()) so each change lands in the revision
    history that HistoryAdmin opens around the changelist, and in the admin log.
    """

    def action(modeladmin, request, queryset):
        changed = 0
        field_label = queryset.model._meta.get_field("status").verbose_name
        for obj in queryset:
            if obj.status != status:
                obj.status = status
                obj.save()
                message = _("%(field)s改为：%(status)s") % {"field": field_label, "status": status.label}
                modeladmin.log_change(request, obj, str(message))
                changed += 1
        modeladmin.message_user(
            request,
            ngettext("已更新 %(count)d 个条目。", "已更新 %(count)d 个条目。", changed) % {"count": changed},
            messages.SUCCESS,
        )

    action.__name__ = name or f"mark_{status.value}"
    return admin.action(description=description, permissions=["change"])(action)


publish = set_status_action(Status.PUBLISHED, description=_("发布所选条目"), name="publish")
unpublish = set_status_action(Status.DRAFT, description=_("撤回所选条目（改为草稿）"), name="unpublish")


class ChildRowsInline(admin.TabularInline):
    """The rows a parent owns (a park's areas, an award's cycles), edited on the parent's page:
    no empty extra rows, and a link to each row's own page where it has one."""

    extra = 0
    show_change_link = True


class ReferenceTermAdmin(HistoryAdmin):
    """Admin of a ReferenceTerm list: name, slug and place, editable in the list."""

    list_display = ("name", "slug", "ordering")
    list_editable = ("ordering",)
    search_fields = ("name",)


class PublishableAdmin(HistoryAdmin):
    actions = [publish, unpublish]
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "published_at"


class PreciseDateColumn:
    """A changelist column showing a PreciseDateMixin's date only as precisely as it is known."""

    @admin.display(description=_("日期"), ordering="date")
    def date_shown(self, obj):
        return obj.date_display or "—"


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
