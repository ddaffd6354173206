"""What differs between two states of a row, field by field, with an inline character diff for
text (difflib; Chinese has no word boundaries). Used by the revert form (the row now against a
saved version) and by the edit-conflict check (the row as an editor loaded it against the row as
someone else saved it since)."""

import datetime
import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core import serializers
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
    before: str
    after: str
    diff: SafeString | None = None  # text fields: `before` → `after` with <del>/<ins>


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


def shown_time(value: datetime.datetime) -> str:
    """A moment as the admin writes it: local time, to the minute."""
    return date_format(timezone.localtime(value), "Y年n月j日 H:i")


def saved_values(rows: Iterable[models.Model]) -> list[dict]:
    """Each row's fields as the JSON serialiser writes them, as reversion stores a version:
    JSON-safe, foreign keys and many-to-many as primary keys, date-times to the millisecond."""
    return [entry["fields"] for entry in json.loads(serializers.serialize("json", rows))]


def _comparable(field, value):
    """A stored or live value in one form: the field's Python type, many-to-many as a set of
    keys, files by name, date-times to the minute (a row made in code has seconds, which the
    first save through the admin drops: not a change anyone made)."""
    if isinstance(field, models.ManyToManyField):
        to_pk = field.related_model._meta.pk.to_python
        return frozenset(to_pk(getattr(item, "pk", item)) for item in value or ())
    if isinstance(field, models.FileField):
        return str(value or "")
    value = field.target_field.to_python(value) if field.is_relation else field.to_python(value)
    if isinstance(value, datetime.datetime):  # the admin's form (zh-hans: %H:%M) edits minutes
        return value.replace(second=0, microsecond=0)
    return value


def _shown(field, value) -> str:
    """A stored value as an editor reads it: choice labels, related rows' names, 是/否."""
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, datetime.datetime):
        return shown_time(value)
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


def field_changes(model, before: dict, after: dict, *, names=None) -> list[FieldChange]:
    """Each editable field of `model` (only those in `names`, if given) whose value differs from
    `before` to `after`: dicts keyed by field name or attname, as saved_values() and reversion's
    Version.field_dict give them. A field missing from either side is not compared."""
    changes = []
    opts = model._meta
    for field in [*opts.concrete_fields, *opts.many_to_many]:
        if field.primary_key or field.name in SKIPPED or not field.editable:
            continue
        if names is not None and field.name not in names:
            continue
        sides = []
        for values in (before, after):
            key = field.name if field.name in values else field.attname
            if key not in values:
                break
            sides.append(_comparable(field, values[key]))
        if len(sides) < 2 or sides[0] == sides[1]:
            continue
        old, new = sides
        change = FieldChange(str(field.verbose_name), _shown(field, old), _shown(field, new))
        if isinstance(field, (models.CharField, models.TextField)) and old and new and not field.choices:
            change.diff = text_diff(str(old), str(new))
        changes.append(change)
    return changes


def version_changes(obj, version) -> list[FieldChange]:
    """Each field whose value in `version` differs from `obj` (the object as saved now)."""
    return field_changes(type(obj), saved_values([obj])[0], version.field_dict)
