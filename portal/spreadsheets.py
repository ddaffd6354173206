"""Spreadsheet import and export for staff: django-import-export in the admin, made to read the
files staff really have and to write nothing unless the whole file is right.

What every section's spreadsheet gets from here:

- Formats (`SpreadsheetCSV`, `SpreadsheetXLSX`). A CSV is read as bytes and decoded here:
  UTF-8 with or without BOM, else GB18030 (a superset of GBK: what Excel saves as "CSV" on a
  Chinese Windows). It is written as UTF-8 with BOM so that Excel opens it without mojibake.
  An XLSX with merged cells (a title row spanning the columns, two-level headers) is refused
  with a Chinese message instead of being read as shifted columns; a date cell keeps only the
  precision its number format shows (yyyy"年"m"月" → 2017-09, never a made-up day).
- Columns named by the model field's verbose_name (`column()`), with widgets that accept what
  people type: thousands separators and full-width digits (１，２３４．５ → 1234.5), 是/否,
  choice labels (已发布) as well as values, related rows by their natural identifiers (a park by
  name or slug), many-to-many fields as “、”-separated names that must exist, and precise
  dates (`precise_date_column()`: 2017年9月 / 2017-09 / 2017年 / 2017-09-01 → the date plus its
  DatePrecision).
- `SpreadsheetResource`: rows found by the resource's `instance_keys` (tried in order, e.g. id,
  else park + date + title) so a re-import updates instead of duplicating; errors reported per
  row and per column (by the column's Chinese header); the whole import in one transaction that
  is rolled back when any row is invalid; each saved row recorded as a django-reversion revision
  with the importing user and the comment 从表格导入：<file name>, so it is restorable from the
  row's history like an admin edit.
- `SpreadsheetAdmin`: the admin mixin (import with preview and dry run, export of the
  changelist's current filters and search). Import and export are permissions of their own,
  `portal.roles.IMPORT_SPREADSHEETS` / `EXPORT_SPREADSHEETS`, held by 审核发布 and 站点管理员.

How a section adds a model (a few lines, in the section's own files — portal imports no
section):

    # innovation/spreadsheets.py
    from portal.spreadsheets import SpreadsheetResource, column
    from .models import Platform

    class PlatformResource(SpreadsheetResource):
        instance_keys = (("slug",), ("name",))       # how a row finds the existing row
        name = column(Platform, "name")
        level = column(Platform, "level")            # choices: label or value
        partners = column(Platform, "partners", lookups=("name", "slug"))  # many-to-many: 甲、乙

        class Meta:
            model = Platform
            fields = ("slug", "name", "level")       # the columns, in order

    # innovation/admin.py
    class PlatformAdmin(SpreadsheetAdmin, PublishableAdmin):
        resource_classes = [PlatformResource]

Every column a resource declares is both exported and imported; a field left out of `fields`
is neither (and keeps its value on update). Staff-only fields may be exported: the admin is
staff-only, and the export permission is the publishers'.
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from decimal import Decimal, InvalidOperation

import reversion
import tablib
from diff_match_patch import diff_match_patch
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX
from import_export.resources import Diff, ModelResource
from import_export.widgets import ManyToManyWidget, Widget

from .admin_base import can_publish
from .dates import DatePrecision, format_precise_date, normalise_precise_date
from .publishing import Publishable
from .roles import EXPORT_SPREADSHEETS, IMPORT_SPREADSHEETS


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; its message is shown to the importing user."""


# ---------------------------------------------------------------------------------------------
# Reading and writing files


def decode_csv(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else GB18030 — which also reads GBK and GB2312, the encodings
    of a CSV saved by Excel on a Chinese Windows. Latin-1 and the like are not guessed: a wrong
    guess would import mojibake without an error."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        gettext("无法识别文件的文字编码。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）后再导入。")
    )


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def build_dataset(headers, rows) -> tablib.Dataset:
    """A Dataset with trimmed headers, without wholly blank rows (Excel leaves some at the end)."""
    headers = [str(header).strip() if header is not None else "" for header in headers]
    if not any(headers):
        raise SpreadsheetError(gettext("文件的第一行应是列标题，但这一行是空的。"))
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        row = list(row)[: len(headers)]
        row += [None] * (len(headers) - len(row))
        if not all(_blank(value) for value in row):
            dataset.append(row)
    return dataset


class SpreadsheetCSV(CSV):
    """CSV read as bytes and decoded by `decode_csv`, written as UTF-8 with BOM (bytes, so the
    admin does not encode it again)."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text = decode_csv(in_stream) if isinstance(in_stream, bytes) else in_stream.removeprefix("\ufeff")
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            headers = next(reader)
        except StopIteration:
            raise SpreadsheetError(gettext("文件是空的。")) from None
        return build_dataset(headers, reader)

    def export_data(self, dataset, **kwargs):
        return ("\ufeff" + super().export_data(dataset, **kwargs)).encode("utf-8")


def _number_format_precision(number_format: str) -> str:
    """How precise a date cell is shown: its number format without quoted text and escapes."""
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format.lower())
    if "d" in code:
        return DatePrecision.DAY
    if "m" in code:
        return DatePrecision.MONTH
    return DatePrecision.YEAR


class SpreadsheetXLSX(XLSX):
    """The first sheet of a workbook; merged cells refused; dates as precise as they are shown."""

    def create_dataset(self, in_stream):
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            # Not read_only: merged ranges and number formats are only known in the full mode.
            sheet = openpyxl.load_workbook(io.BytesIO(in_stream), data_only=True).worksheets[0]
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError) as error:
            raise SpreadsheetError(
                gettext("无法打开这个 Excel 文件。请确认它是 .xlsx 工作簿（不是 .xls 或改了扩展名的文件）。")
            ) from error
        merged = sorted(sheet.merged_cells.ranges, key=lambda cell_range: (cell_range.min_row, cell_range.min_col))
        if merged:
            ranges = "、".join(cell_range.coord for cell_range in merged[:5])
            raise SpreadsheetError(
                gettext(
                    "表格中有合并的单元格（%(ranges)s）。导入要求第一行是列标题、每列一个标题、每行一条数据："
                    "请取消合并，删去标题行或多层表头后再导入。"
                )
                % {"ranges": ranges}
            )
        rows = sheet.iter_rows()
        try:
            headers = [cell.value for cell in next(rows)]
        except StopIteration:
            raise SpreadsheetError(gettext("文件是空的。")) from None
        return build_dataset(headers, ([self._cell_value(cell) for cell in row] for row in rows))

    @staticmethod
    def _cell_value(cell):
        value = cell.value
        if isinstance(value, datetime.datetime | datetime.date):
            precision = _number_format_precision(cell.number_format or "")
            date = value.date() if isinstance(value, datetime.datetime) else value
            if precision == DatePrecision.YEAR:
                return f"{date.year:04d}"
            if precision == DatePrecision.MONTH:
                return f"{date.year:04d}-{date.month:02d}"
            return date.isoformat()
        return value


SPREADSHEET_FORMATS = [SpreadsheetCSV, SpreadsheetXLSX]


# ---------------------------------------------------------------------------------------------
# Cells


def normalise_text(value) -> str:
    """Full-width letters, digits and punctuation as their ASCII forms (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", str(value)).strip()


class TextWidget(Widget):
    """Text as it is; an empty cell is an empty string; a number typed in Excel (2017.0) as
    the text a person sees (2017)."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class NumberWidget(Widget):
    """Decimals as people type them: 1,234.5 / １，２３４．５ / 1 234.5 (and 5.2% when
    `percent`). Written without trailing zeros; to XLSX as a number when that loses nothing."""

    def __init__(self, *, integer=False, percent=False, suffix="", **kwargs):
        self.integer, self.percent, self.suffix = integer, percent, suffix
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            number = Decimal(str(value))
        else:
            text = normalise_text(value)
            for removable in (",", " ", "\u00a0", "\u3000"):
                text = text.replace(removable, "")
            if self.percent:
                text = text.removesuffix("%")
            if self.suffix:
                text = text.removesuffix(self.suffix)
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise ValueError(gettext("“%(value)s”不是数字。") % {"value": value}) from None
        if not number.is_finite():
            raise ValueError(gettext("“%(value)s”不是数字。") % {"value": value})
        if self.integer:
            if number != number.to_integral_value():
                raise ValueError(gettext("“%(value)s”应是整数。") % {"value": value})
            return int(number)
        return number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        native = kwargs.get("force_native_type") or not self.coerce_to_string
        if self.integer:
            return int(value) if native else str(int(value))
        number = Decimal(value).normalize()
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        text = format(number, "f")
        if not native:
            return text
        if number == number.to_integral_value():
            return int(number)
        as_float = float(number)
        return as_float if Decimal(repr(as_float)) == number else text


class BooleanWidget(Widget):
    """是/否 (also 1/0, true/false, Y/N, √); an empty cell is 否."""

    TRUE = {"是", "1", "true", "yes", "y", "√", "✓", "对"}
    FALSE = {"否", "0", "false", "no", "n", "×", "", "不"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = "" if value is None else normalise_text(value).lower()
        if text.endswith(".0"):
            text = text[:-2]
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(gettext("“%(value)s”应填“是”或“否”。") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return gettext("是") if value else gettext("否")


class ChoiceWidget(Widget):
    """A choice by its label (已发布) or its stored value (published); written as the label."""

    def __init__(self, choices, **kwargs):
        self.choices = [(str(value), str(label)) for value, label in choices]
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        text = normalise_text(value)
        for stored, label in self.choices:
            if text in (stored, normalise_text(label)):
                return stored
        labels = "、".join(label for _stored, label in self.choices)
        raise ValueError(gettext("“%(value)s”不是可选的值；可填：%(labels)s。") % {"value": value, "labels": labels})

    def render(self, value, obj=None, **kwargs):
        return dict(self.choices).get(str(value), "" if value is None else str(value))


class LookupWidget(Widget):
    """A related row by a natural identifier: the first of `lookups` that matches exactly (a
    park by name, else by slug). Written as the first lookup (the name)."""

    def __init__(self, model, lookups, **kwargs):
        self.model, self.lookups = model, tuple(lookups)
        # Rows already found, by cell text: a file names the same few parks on every line.
        # A Resource deep-copies its fields, so this lives as long as one import.
        self.found = {}
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        text = str(value).strip()
        if text in self.found:
            return self.found[text]
        for lookup in self.lookups:
            matches = list(self.model._default_manager.filter(**{lookup: text})[:2])
            if len(matches) == 1:
                self.found[text] = matches[0]
                return matches[0]
        raise ValueError(
            gettext("找不到“%(value)s”：请填写已有的%(model)s的%(lookups)s。")
            % {
                "value": text,
                "model": self.model._meta.verbose_name,
                "lookups": gettext("或").join(str(self.model._meta.get_field(name).verbose_name) for name in self.lookups),
            }
        )

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.lookups[0]))


class NamesWidget(ManyToManyWidget):
    """A many-to-many field as names separated by “、” (a line break also separates), each the
    first of `lookups` that matches (a field of work by name, else by slug); a name that is not
    an existing row is an error naming it — never a row made up from a typo. Written by the
    first lookup in the related model's order (prefetch the relation for the export)."""

    def __init__(self, model, lookups, *, required=False, **kwargs):
        super().__init__(model, separator="、", field=lookups[0], **kwargs)
        self.lookups, self.required = tuple(lookups), required
        self.found = {}  # rows already found, by name: one query per new name, not per line

    def clean(self, value, row=None, **kwargs):
        names = [] if _blank(value) else [name.strip() for name in re.split(r"[、\n]", str(value)) if name.strip()]
        names = list(dict.fromkeys(names))
        for lookup in self.lookups:
            missing = [name for name in names if name not in self.found]
            if not missing:
                break
            for row_found in self.model._default_manager.filter(**{f"{lookup}__in": missing}):
                self.found.setdefault(str(getattr(row_found, lookup)), row_found)
        missing = [name for name in names if name not in self.found]
        if missing:
            raise ValueError(
                gettext("找不到%(names)s：请填写已有的%(model)s的%(lookups)s，多个之间用“、”分隔。")
                % {
                    "names": "、".join(f"“{name}”" for name in missing),
                    "model": self.model._meta.verbose_name,
                    "lookups": gettext("或").join(str(self.model._meta.get_field(name).verbose_name) for name in self.lookups),
                }
            )
        if self.required and not names:
            raise ValueError(gettext("至少填写一个%(model)s。") % {"model": self.model._meta.verbose_name})
        return [self.found[name] for name in names]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else "、".join(str(getattr(related, self.field)) for related in value.all())


# Year alone, year and month, or a full date: 2017年 / 2017 / 2017年9月 / 2017-09 / 2017.9 /
# 2017年9月1日 / 2017-09-01 / 2017/9/1 (full-width digits are normalised first).
PRECISE_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})年?$"), DatePrecision.YEAR),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), DatePrecision.MONTH),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), DatePrecision.MONTH),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"), DatePrecision.DAY),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$"), DatePrecision.DAY),
)


def parse_precise_date(value) -> tuple[datetime.date, str] | None:
    """(first day of the known period, DatePrecision) for what a cell says, None when empty.
    Only what is written is known: 2017年9月 is month-precise, never 2017-09-01 as a day."""
    if _blank(value):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))
    text = normalise_text(value).replace(" ", "")
    for pattern, precision in PRECISE_DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = [int(part) for part in match.groups()] + [1, 1]
            try:
                date = datetime.date(parts[0], parts[1], parts[2])
            except ValueError:
                break
            return normalise_precise_date(date, precision), precision
    raise ValueError(
        gettext("“%(value)s”不是可识别的日期；可写作 2017年9月1日、2017年9月、2017年，或 2017-09-01、2017-09。")
        % {"value": value}
    )


class PreciseDateField(Field):
    """One column for a date and its precision field (as_of + as_of_precision): written as
    format_precise_date shows it (2017年9月), read by parse_precise_date."""

    def __init__(self, *, precision_attribute, **kwargs):
        self.precision_attribute = precision_attribute
        super().__init__(widget=Widget(), saves_null_values=True, **kwargs)

    def clean(self, row, **kwargs):
        return parse_precise_date(row[self.column_name])

    def save(self, instance, row, is_m2m=False, **kwargs):
        parsed = self.clean(row)
        date, precision = parsed if parsed else (None, None)
        setattr(instance, self.attribute, date)
        if precision:
            setattr(instance, self.precision_attribute, precision)

    def export(self, instance, **kwargs):
        return format_precise_date(getattr(instance, self.attribute), getattr(instance, self.precision_attribute))

    def lookup(self, value) -> dict:
        return {self.attribute: value[0]}


class ColumnField(Field):
    """A column named by its Chinese header; `lookup()` turns a cleaned value into the filter
    that finds an existing row by it."""

    def lookup(self, value) -> dict:
        return {self.attribute: value}


class IdField(ColumnField):
    """The row's id: finds the row on re-import; a row not found is created with that id (as
    loaddata does; ModelResource.after_import then resets the id sequence). Never changes the
    id of a row found by another key."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        if instance._state.adding:
            super().save(instance, row, is_m2m, **kwargs)


class SlugColumnField(ColumnField):
    """A row's address (slug): an empty cell keeps it — a new row then gets one from its name,
    an existing row keeps the address its pages have — instead of making a new one."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        if not _blank(row.get(self.column_name)):
            super().save(instance, row, is_m2m, **kwargs)


class DefaultWhenNewField(ColumnField):
    """A required field with a default (状态, 排序): an empty cell gives a new row the default and
    leaves an existing row's value as it is, so an empty 状态 never unpublishes a row."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        if instance._state.adding or not _blank(row.get(self.column_name)):
            super().save(instance, row, is_m2m, **kwargs)


def column(model, name: str, *, lookups=(), header: str | None = None, **widget_kwargs) -> Field:
    """A column for model field `name`, headed by its verbose_name, with the widget its type
    needs. A relation needs `lookups`: the related model's fields that identify a row."""
    field = model._meta.get_field(name)
    header = header or str(field.verbose_name)
    if field.primary_key:
        return IdField(attribute=name, column_name=header or gettext("编号"), widget=NumberWidget(integer=True))
    if field.many_to_many:
        if not lookups:
            raise TypeError(f"column({model.__name__}, {name!r}) needs lookups=(…) naming the related rows' identifiers")
        widget = NamesWidget(field.related_model, lookups, required=not field.blank)
    elif field.is_relation:
        if not lookups:
            raise TypeError(f"column({model.__name__}, {name!r}) needs lookups=(…) naming the related row's identifiers")
        widget = LookupWidget(field.related_model, lookups)
    elif field.choices:
        widget = ChoiceWidget(field.choices)
    elif isinstance(field, models.BooleanField):
        widget = BooleanWidget()
    elif isinstance(field, models.IntegerField):
        widget = NumberWidget(integer=True, **widget_kwargs)
    elif isinstance(field, models.DecimalField | models.FloatField):
        widget = NumberWidget(**widget_kwargs)
    elif isinstance(field, models.DateField):
        raise TypeError(f"{model.__name__}.{name}: use precise_date_column() for a date and its precision")
    else:
        widget = TextWidget()
    if isinstance(field, models.SlugField):
        return SlugColumnField(attribute=name, column_name=header, widget=widget, saves_null_values=True)
    # An empty cell of a field that cannot be NULL: "" where the field may be blank (an optional
    # choice, a country left empty on purpose), else the field's default for a new row (排序 0,
    # 状态 草稿) and the current value for an existing one — never a NULL the database refuses.
    if not field.null and not field.is_relation:
        if field.blank and field.empty_strings_allowed:
            return ColumnField(attribute=name, column_name=header, widget=widget, saves_null_values=True, default="")
        if field.has_default():
            return DefaultWhenNewField(
                attribute=name, column_name=header, widget=widget, saves_null_values=True, default=field.get_default()
            )
    return ColumnField(attribute=name, column_name=header, widget=widget, saves_null_values=True)


def precise_date_column(model, name: str, precision_name: str, *, header: str | None = None) -> PreciseDateField:
    """One column for a date field and its DatePrecision field."""
    header = header or str(model._meta.get_field(name).verbose_name)
    return PreciseDateField(attribute=name, column_name=header, precision_attribute=precision_name)


# ---------------------------------------------------------------------------------------------
# Resources


class PreviewDiff(Diff):
    """The preview's old → new cells as <del>/<ins> without the inline styles diff-match-patch
    writes (the admin's Content-Security-Policy blocks inline styles)."""

    TAGS = {diff_match_patch.DIFF_INSERT: "ins", diff_match_patch.DIFF_DELETE: "del", diff_match_patch.DIFF_EQUAL: "span"}

    def as_html(self):
        patcher = diff_match_patch()
        cells = []
        for old, new in zip(self.left, self.right, strict=False):
            if old != new and self.new:
                old = ""
            parts = patcher.diff_main(force_str(old), force_str(new))
            patcher.diff_cleanupSemantic(parts)
            cells.append(
                mark_safe(
                    "".join(
                        format_html("<{tag}>{text}</{tag}>", tag=self.TAGS[operation], text=text).replace("\n", "<br>")
                        for operation, text in parts
                    )
                )
            )
        return cells


class SpreadsheetResource(ModelResource):
    """Base of every spreadsheet Resource (see the module docstring for how to add one).

    `instance_keys`: tuples of field names tried in order to find the existing row a line
    updates; a key is skipped when one of its cells is empty. The last key's columns must be
    in the file. `export_ordering`: the order rows are written in (default: the model's
    ordering, then id) — a stable order is what makes export → import → export identical.
    """

    instance_keys: tuple[tuple[str, ...], ...] = (("id",),)
    export_ordering: tuple | None = None

    def get_diff_class(self):
        return PreviewDiff

    class Meta:
        clean_model_instances = True
        skip_unchanged = False
        use_transactions = True

    # -- reading --------------------------------------------------------------------------

    def _header(self, name: str) -> str:
        field = self.fields.get(name)
        return field.column_name if field is not None else name

    def before_import(self, dataset, **kwargs):
        """Refuse a file without the columns that identify a row, naming what is missing."""
        super().before_import(dataset, **kwargs)
        headers = set(dataset.headers or ())
        missing = [self._header(name) for name in self.instance_keys[-1] if self._header(name) not in headers]
        if missing:
            raise ValidationError(
                gettext("文件缺少这些列：%(missing)s。第一行应是列标题，可先导出一份作为模板。") % {"missing": "、".join(missing)}
            )

    def get_instance(self, instance_loader, row):
        """The existing row for this line, by the first of `instance_keys` whose cells are filled."""
        for key in self.instance_keys:
            if any(self._header(name) not in row for name in key):
                continue
            params = {}
            try:
                for name in key:
                    value = self.fields[name].clean(row)
                    if value in (None, ""):
                        params = None
                        break
                    params.update(self.fields[name].lookup(value))
            except ValueError:
                # A bad cell is reported with the row's other errors when the row is read.
                params = None
            if not params:
                continue
            matches = list(self.get_queryset().filter(**params)[:2])
            if len(matches) > 1:
                raise ValidationError(gettext("这一行对应多个已有条目，无法确定更新哪一个。"))
            if matches:
                return matches[0]
        return None

    def import_data(self, dataset, *args, use_transactions=True, rollback_on_validation_errors=True, **kwargs):
        """All or nothing: one transaction, rolled back if any row is invalid or fails."""
        return super().import_data(
            dataset, *args, use_transactions=use_transactions, rollback_on_validation_errors=True, **kwargs
        )

    def import_instance(self, instance, row, **kwargs):
        """Also checks the many-to-many cells, which the library reads only after saving the row
        (too late to report a name that does not exist by its column, with the row's other errors)."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, ManyToManyWidget) and field.attribute and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as error:
                    errors[field.attribute] = ValidationError(force_str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def save_m2m(self, instance, row, **kwargs):
        """Done by save_instance, inside the row's revision (see there)."""

    def import_row(self, row, instance_loader, **kwargs):
        """Validation errors keyed by the column's Chinese header instead of the field name."""
        result = super().import_row(row, instance_loader, **kwargs)
        error = result.validation_error
        if error is not None and hasattr(error, "error_dict"):
            result.validation_error = ValidationError(
                {key if key == NON_FIELD_ERRORS else self._header(key): value for key, value in error.error_dict.items()}
            )
        return result

    def save_instance(self, instance, is_create, row, **kwargs):
        """Each row its own revision, like a save in the admin: who imported it and from which file.
        (The dry run's revisions are rolled back with everything else.)"""
        with reversion.create_revision():
            super().save_instance(instance, is_create, row, **kwargs)
            # The many-to-many cells too, so that the revision holds the row's new relations.
            super().save_m2m(instance, row, **kwargs)
            user = kwargs.get("user")
            if user is not None and user.is_authenticated:
                reversion.set_user(user)
            file_name = kwargs.get("file_name") or gettext("未命名文件")
            reversion.set_comment(gettext("从表格导入：%(file)s") % {"file": file_name})

    # -- writing --------------------------------------------------------------------------

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = self.get_queryset()
        ordering = self.export_ordering or (*self._meta.model._meta.ordering, "pk")
        return super().export(queryset=queryset.order_by(*ordering), **kwargs)


# ---------------------------------------------------------------------------------------------
# Admin


class SpreadsheetAdmin(ImportExportMixin):
    """Mix into a model admin before its base (`class XAdmin(SpreadsheetAdmin, PublishableAdmin)`)
    and set `resource_classes`. Import: preview (a dry run), then the confirm button imports the
    same file; export: the rows of the changelist's current filters and search."""

    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS

    def has_import_permission(self, request):
        """IMPORT_SPREADSHEETS, adding and changing the model — and publishing, for a model with
        a status, since the file's 状态 column may publish rows."""
        user = request.user
        allowed = user.has_perm(IMPORT_SPREADSHEETS) and self.has_add_permission(request) and self.has_change_permission(request)
        if allowed and issubclass(self.model, Publishable):
            allowed = can_publish(request)
        return allowed

    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT_SPREADSHEETS) and self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        """The confirm step also rolls back on any invalid row (the data may have changed
        since the preview)."""
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetError):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", _("无法读取这个文件。请确认选择的格式与文件一致（CSV 或 Excel .xlsx）。"))

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """As the library does, with numbers as numbers in XLSX (its check names only its own
        format classes, not subclasses)."""
        from django.core.exceptions import PermissionDenied

        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(request, queryset, force_native_type=isinstance(file_format, XLSX), **kwargs)
        return file_format.export_data(data)
