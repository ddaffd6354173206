"""Edits are never silently lost: when two editors open the same row and both save, the second
save is refused instead of overwriting the first.

Optimistic locking without a version column, so it works for every admin (ReferenceTerm lists,
site settings and other models without `updated_at`) and needs no migration: the change form
carries a hidden, signed snapshot of the row as it was loaded — its fields, many-to-many included,
and the rows of its inlines. On saving, if the row in the database no longer matches that snapshot
in any field the form edits, nothing is written: the form comes back with the editor's own input
kept, says who saved in between and when, lists their changes (portal.revisions), and carries a
fresh snapshot, so saving again re-applies the editor's version deliberately.
"""

from dataclasses import dataclass, field

from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core import signing
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from reversion.models import Version

from .revisions import FieldChange, field_changes, saved_values, shown_time

SNAPSHOT_FIELD = "_edit_snapshot"
SALT = "portal.edit_conflicts"


@dataclass
class EditConflict:
    message: str
    changes: list[FieldChange] = field(default_factory=list)


class EditConflictMixin:
    """ModelAdmin mixin: refuses a change-form save when the row changed since the form was loaded.

    A POST without a snapshot (a script, or a form rendered before this existed) is not checked.
    """

    def row_state(self, request, obj) -> dict:
        """What the snapshot holds: which row, when it was read, its fields and its inline rows."""
        inlines = {}
        for inline in self.get_inline_instances(request, obj):
            fk = inline.get_formset(request, obj).fk
            rows = list(inline.get_queryset(request).filter(**{fk.name: obj}))
            inlines[inline.model._meta.label] = {
                str(row.pk): {"repr": str(row), "fields": values} for row, values in zip(rows, saved_values(rows), strict=True)
            }
        return {
            "row": f"{obj._meta.label}:{obj.pk}",
            "read_at": timezone.now().isoformat(),
            "fields": saved_values([obj])[0],
            "inlines": inlines,
        }

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """reversion writes the old version into the database before showing the revert form, so
        the row as it really is must be read first: a revert conflicts only if that changes."""
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            request._edit_state = self.row_state(request, obj)
        return super().revision_view(request, object_id, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        posted = request.POST.get(SNAPSHOT_FIELD) if request.method == "POST" else None
        if object_id is not None and posted and "_saveasnew" not in request.POST:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                request._edit_conflict = self._edit_conflict(request, obj, posted)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        """On a conflict, the form is invalid whatever was typed, so the admin saves nothing and
        shows the form again with the editor's input."""
        form = super().get_form(request, obj, change, **kwargs)
        conflict = getattr(request, "_edit_conflict", None)
        if conflict is None:
            return form

        class RefusedForm(form):
            def clean(self):
                cleaned = super().clean()
                self.add_error(None, conflict.message)
                return cleaned

        return RefusedForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            state = getattr(request, "_edit_state", None)
            if state is None:
                if request.method == "POST":  # after a refused POST `obj` holds the posted values
                    obj = self.get_queryset(request).filter(pk=obj.pk).first() or obj
                state = self.row_state(request, obj)
            context["edit_snapshot"] = signing.dumps(state, salt=SALT, compress=True)
            context["edit_conflict"] = getattr(request, "_edit_conflict", None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _edit_conflict(self, request, obj, posted: str) -> EditConflict | None:
        now = getattr(request, "_edit_state", None) or self.row_state(request, obj)
        request._edit_state = now  # the form shown again carries the row as it is now
        try:
            then = signing.loads(posted, salt=SALT)
        except signing.BadSignature:
            then = None
        if not isinstance(then, dict) or then.get("row") != now["row"]:
            return EditConflict(_("无法核对这个页面打开之后是否有人修改过这条内容（页面数据无效）。请核对下面的内容后再保存。"))
        changes = self._changes(request, obj, then, now)
        if not changes:
            return None
        return EditConflict(self._conflict_message(request, obj, then), changes)

    def _changes(self, request, obj, then: dict, now: dict) -> list[FieldChange]:
        """What changed in the fields this form edits, then in each inline's rows."""
        editable = set(flatten_fieldsets(self.get_fieldsets(request, obj))) - set(self.get_readonly_fields(request, obj))
        changes = field_changes(self.model, then["fields"], now["fields"], names=editable)
        for inline in self.get_inline_instances(request, obj):
            formset = inline.get_formset(request, obj)
            names = set(formset.form.base_fields) - {formset.fk.name}
            label = inline.model._meta.label
            changes += _row_changes(inline.model, then["inlines"].get(label, {}), now["inlines"].get(label, {}), names)
        return changes

    @staticmethod
    def _conflict_message(request, obj, then: dict) -> str:
        """Who saved since the form was read, and when: the latest revision, if it is that recent."""
        read_at = parse_datetime(then.get("read_at") or "")
        version = Version.objects.get_for_object(obj).select_related("revision__user").first()
        if version is None or read_at is None or version.revision.date_created <= read_at:
            return _(
                "没有保存：你打开本页之后，这条内容已被修改（没有修改者和时间的记录）。"
                "你填写的内容仍在下面，尚未保存；对方的改动见下表。核对后再点“保存”，就会以你的内容为准。"
            )
        user = version.revision.user
        if user is None:
            who = _("有人")
        elif user == request.user:
            who = _("你（在另一个窗口）")
        else:
            who = user.get_full_name() or user.get_username()
        return _(
            "没有保存：你打开本页之后，%(who)s于 %(date)s 保存了这条内容。"
            "你填写的内容仍在下面，尚未保存；对方的改动见下表。核对后再点“保存”，就会以你的内容为准。"
        ) % {"who": who, "date": shown_time(version.revision.date_created)}


def _row_changes(model, before: dict, after: dict, names: set) -> list[FieldChange]:
    """The rows of one inline, by primary key: added, deleted, and changed field by field."""
    name = str(model._meta.verbose_name)
    changes = []
    for pk in [*before, *(pk for pk in after if pk not in before)]:
        old, new = before.get(pk), after.get(pk)
        if old is None:
            changes.append(FieldChange(_("新增%(name)s") % {"name": name}, _("（无）"), new["repr"]))
        elif new is None:
            changes.append(FieldChange(_("删除%(name)s") % {"name": name}, old["repr"], _("（已删除）")))
        else:
            for change in field_changes(model, old["fields"], new["fields"], names=names):
                change.label = _("%(name)s“%(row)s”：%(field)s") % {"name": name, "row": new["repr"], "field": change.label}
                changes.append(change)
    return changes
