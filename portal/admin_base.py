"""Admin building blocks every section's admin uses: history, publishing, thumbnails."""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from .edit_conflicts import EditConflictMixin
from .publishing import Publishable, Status
from .revisions import shown_time, version_changes
from .roles import PUBLISH


class HistoryAdmin(EditConflictMixin, VersionAdmin):
    """Every content admin: revision history with restore, recovery of deleted rows, and no
    edit silently lost to a second editor (portal.edit_conflicts)."""

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
        return shown_time(version.revision.date_created)

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


def set_status_action(status, *, description, name: str | None = None, permission: str = "change"):
    """An admin action that sets `status` on the selected rows and says how many changed.

    Rows are saved one by one (not queryset.update()) so each change lands in the revision
    history that HistoryAdmin opens around the changelist, and in the admin log.
    `permission` names the admin's has_<permission>_permission() that offers the action:
    Django leaves an action out of get_actions() for users without it, so a forged POST
    naming the action runs nothing.
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
    return admin.action(description=description, permissions=[permission])(action)


publish = set_status_action(Status.PUBLISHED, description=_("发布所选条目"), name="publish", permission="publish")
unpublish = set_status_action(Status.DRAFT, description=_("撤回所选条目（改为草稿）"), name="unpublish", permission="publish")

PUBLISHING_FIELDS = ("status", "published_at")


def can_publish(request) -> bool:
    """The user may publish, unpublish, schedule, restore versions and delete published rows."""
    return request.user.has_perm(PUBLISH)


class ChildRowsInline(admin.TabularInline):
    """The rows a parent owns (a park's areas, an award's cycles), edited on the parent's page:
    no empty extra rows, and a link to each row's own page where it has one. A publishable
    child's status is read-only to a user who may not publish, as on the child's own page."""

    extra = 0
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if issubclass(self.model, Publishable) and not can_publish(request):
            fields += tuple(name for name in PUBLISHING_FIELDS if name not in fields)
        return fields


class ReferenceTermAdmin(HistoryAdmin):
    """Admin of a ReferenceTerm list: name, slug and place, editable in the list."""

    list_display = ("name", "slug", "ordering")
    list_editable = ("ordering",)
    search_fields = ("name",)


class PublishableAdmin(HistoryAdmin):
    """Admin of a Publishable model; publishing is a power of its own (portal.roles.PUBLISH).

    Without it a user edits drafts only: status and publication time are read-only (so new
    rows are drafts and nothing is scheduled), the publish/unpublish actions are not offered,
    a published row (scheduled ones included) is view-only and cannot be deleted — alone, in
    a bulk delete, or through a cascade, since Django's delete confirmation asks
    has_delete_permission() of every row it would remove — and restoring a version or a
    deleted row is refused, as either could bring back a published state. A forged POST
    therefore changes nothing: read-only fields are not in the form, an action missing from
    get_actions() does not run, and the views answer 403.
    """

    actions = [publish, unpublish]
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "published_at"

    def has_publish_permission(self, request):
        """Read by Django for actions declaring permissions=["publish"]."""
        return can_publish(request)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += tuple(name for name in PUBLISHING_FIELDS if name not in fields)
        return fields

    def _is_published_for_editor(self, request, obj) -> bool:
        return obj is not None and obj.status == Status.PUBLISHED and not self.has_publish_permission(request)

    def has_change_permission(self, request, obj=None):
        return not self._is_published_for_editor(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._is_published_for_editor(request, obj) and super().has_delete_permission(request, obj)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"may_restore": self.has_publish_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {"may_restore": self.has_publish_permission(request), **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_publish_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)


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
