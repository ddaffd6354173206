"""What restoring a revision changes: the object as it is now against a saved version, field by
field, with an inline character diff for text (difflib; Chinese has no word boundaries)."""

import datetime
import difflib
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Bookkeeping that changes on every save: not what an editor restores.
SKIPPED = {"created_at", "updated_at"}


@dataclass
class FieldChange:
    label: str
    now: str
    restored: str
    diff: SafeString | None = None  # text fields: `now` → `restored` with <del>/<ins>


def text_diff(old: str, new: str) -> SafeString:
    """`old` → `new` as HTML: removed text in <del>, added text in <ins>, by character."""
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(escape(old[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", old[i1:i2]))
        if tag in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", new[j1:j2]))
    return mark_safe("".join(parts))  # every piece is escaped above


def _comparable(value):
    """Versions are stored as JSON, which keeps date-times to the millisecond only."""
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def _shown(field, value) -> str:
    """A stored value as an editor reads it: choice labels, related rows' names, 是/否."""
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "Y年n月j日 H:i")
    if isinstance(field, models.BooleanField):
        return _("是") if value else _("否")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        row = field.related_model._default_manager.filter(pk=value).first()
        return str(row) if row is not None else _("（已删除的条目 %(pk)s）") % {"pk": value}
    if isinstance(field, models.ManyToManyField):
        rows = field.related_model._default_manager.filter(pk__in=value)
        return "、".join(str(row) for row in rows) or _("（空）")
    return str(value)


def version_changes(obj, version) -> list[FieldChange]:
    """Each field whose value in `version` differs from `obj` (the object as saved now)."""
    changes = []
    saved = version.field_dict
    opts = type(obj)._meta
    for field in [*opts.concrete_fields, *opts.many_to_many]:
        if field.primary_key or field.name in SKIPPED or not field.editable:
            continue
        key = field.attname if field.name not in saved else field.name
        if key not in saved:
            continue
        restored = saved[key]
        if isinstance(field, models.ManyToManyField):
            now = {row.pk for row in getattr(obj, field.name).all()}
            to_pk = field.related_model._meta.pk.to_python
            restored = {to_pk(getattr(item, "pk", item)) for item in restored or ()}
        else:
            now = getattr(obj, field.attname)
            if isinstance(field, models.FileField):
                now, restored = str(now or ""), str(restored or "")
            elif not field.is_relation:
                now, restored = field.to_python(now), field.to_python(restored)
        if _comparable(now) == _comparable(restored):
            continue
        change = FieldChange(str(field.verbose_name), _shown(field, now), _shown(field, restored))
        if isinstance(field, (models.CharField, models.TextField)) and now and restored and not field.choices:
            change.diff = text_diff(str(now), str(restored))
        changes.append(change)
    return changes
