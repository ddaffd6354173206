"""The parks section's spreadsheets (portal.spreadsheets): indicators and milestones, imported
and exported by staff in the admin.

A park is written by name and read by name or slug; a metric by its name. The columns are the
fields' Chinese names, in the order below.
"""

from django.utils.translation import gettext
from import_export.fields import Field

from portal.spreadsheets import SpreadsheetResource, column, precise_date_column

from .models import Indicator, Milestone


class IndicatorResource(SpreadsheetResource):
    """One line per park, metric and year (the row a re-import updates).

    Internal: 来源说明 (source_note) is staff-only — never shown on the site nor in the API —
    and is exported here because this export is the admin's, to staff holding the export
    permission; a file exported here is not for publication.
    """

    instance_keys = (("park", "metric", "year"),)
    # Rows in their natural-key order, so an export does not depend on the rows' ids.
    export_ordering = ("park__ordering", "park__pk", "metric__ordering", "metric__name", "year")

    park = column(Indicator, "park", lookups=("name", "slug"))
    metric = column(Indicator, "metric", lookups=("name",))
    unit = Field(attribute="metric__unit", column_name=gettext("单位"), readonly=True)  # written for readers, never read
    year = column(Indicator, "year", suffix="年")
    as_of = precise_date_column(Indicator, "as_of", "as_of_precision")
    value = column(Indicator, "value")
    yoy_change = column(Indicator, "yoy_change", percent=True)
    scope_note = column(Indicator, "scope_note")
    note = column(Indicator, "note")
    source_note = column(Indicator, "source_note")
    featured = column(Indicator, "featured")
    status = column(Indicator, "status")

    class Meta:
        model = Indicator
        fields = (
            "park",
            "metric",
            "unit",
            "year",
            "as_of",
            "value",
            "yoy_change",
            "scope_note",
            "note",
            "source_note",
            "featured",
            "status",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("park", "metric")


class MilestoneResource(SpreadsheetResource):
    """One line per milestone: found by 编号 (id), else by park, date and title."""

    instance_keys = (("id",), ("park", "date", "title"))
    # Park by park, then as the history page lists them.
    export_ordering = ("park__ordering", "park__pk", *Milestone._meta.ordering, "pk")

    id = column(Milestone, "id", header=gettext("编号"))
    park = column(Milestone, "park", lookups=("name", "slug"))
    date = precise_date_column(Milestone, "date", "date_precision")
    title = column(Milestone, "title")
    body = column(Milestone, "body")
    sequence = column(Milestone, "sequence")
    status = column(Milestone, "status")

    class Meta:
        model = Milestone
        fields = ("id", "park", "date", "title", "body", "sequence", "status")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("park")
