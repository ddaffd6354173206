from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin_base import ChildRowsInline, HistoryAdmin, PhotoThumbnailMixin, PreciseDateColumn, PublishableAdmin
from portal.spreadsheets import SpreadsheetAdmin
from portal.templatetags.portal_tags import figure, signed_percent

from .models import Area, Honour, Indicator, Industry, Metric, Milestone, Park, ProfileItem
from .spreadsheets import IndicatorResource, MilestoneResource


class ProfileItemInline(ChildRowsInline):
    model = ProfileItem
    fields = ("kind", "text", "description", "ordering")


class AreaInline(ChildRowsInline):
    model = Area
    fields = ("name", "role", "date", "date_precision", "date_label", "photo", "ordering", "status")
    autocomplete_fields = ("photo",)


class MilestoneInline(ChildRowsInline):
    model = Milestone
    fields = ("date", "date_precision", "title", "photo", "status")
    autocomplete_fields = ("photo",)


@admin.register(Park)
class ParkAdmin(PhotoThumbnailMixin, PublishableAdmin):
    list_display = ("thumbnail", "name", "level", "approved_on_display", "ordering", "is_sample", "status", "published_at")
    list_display_links = ("thumbnail", "name")
    list_filter = ("status", "level", "is_sample")
    search_fields = ("name", "short_name", "summary")
    list_select_related = ("photo",)
    autocomplete_fields = ("photo",)
    inlines = [ProfileItemInline, AreaInline, MilestoneInline]
    fieldsets = (
        (None, {"fields": ("name", "short_name", "summary", "photo", "photo_preview")}),
        (
            _("批准与级别"),
            {
                "fields": (
                    ("approved_on", "approved_on_precision"),
                    "approval_body",
                    ("planned_area", "area_unit"),
                    "level",
                    ("upgraded_on", "upgraded_on_precision"),
                    "upgrade_body",
                )
            },
        ),
        (_("发布"), {"fields": ("status", "published_at", "slug", "ordering", "is_sample", "created_at", "updated_at")}),
    )

    @admin.display(description=_("批准成立"), ordering="approved_on")
    def approved_on_display(self, obj):
        return obj.approved_on_display


@admin.register(ProfileItem)
class ProfileItemAdmin(HistoryAdmin):
    list_display = ("text", "kind", "park", "ordering")
    list_filter = ("kind", "park")
    search_fields = ("text", "description")
    list_select_related = ("park",)
    autocomplete_fields = ("park",)


@admin.register(Area)
class AreaAdmin(PhotoThumbnailMixin, PreciseDateColumn, PublishableAdmin):
    list_display = ("thumbnail", "name", "role", "date_shown", "park", "ordering", "status")
    list_display_links = ("thumbnail", "name")
    list_filter = ("status", "park")
    search_fields = ("name", "role", "description")
    list_select_related = ("park", "photo")
    autocomplete_fields = ("park", "photo")


@admin.register(Milestone)
class MilestoneAdmin(SpreadsheetAdmin, PhotoThumbnailMixin, PreciseDateColumn, PublishableAdmin):
    resource_classes = [MilestoneResource]
    list_display = ("thumbnail", "date_shown", "title", "park", "status")
    list_display_links = ("thumbnail", "date_shown", "title")
    list_filter = ("status", "date_precision", "park")
    search_fields = ("title", "body")
    list_select_related = ("park", "photo")
    autocomplete_fields = ("park", "photo")


@admin.register(Industry)
class IndustryAdmin(PublishableAdmin):
    list_display = ("name", "role", "park", "ordering", "status")
    list_filter = ("status", "role", "park")
    search_fields = ("name", "description")
    list_select_related = ("park",)
    autocomplete_fields = ("park",)


@admin.register(Metric)
class MetricAdmin(HistoryAdmin):
    list_display = ("name", "unit", "category", "higher_is_better", "ordering")
    list_filter = ("category", "higher_is_better")
    search_fields = ("name", "description")


@admin.register(Indicator)
class IndicatorAdmin(SpreadsheetAdmin, PublishableAdmin):
    resource_classes = [IndicatorResource]
    list_display = ("metric", "year", "period", "value_display", "unit", "yoy_display", "scope_note", "featured", "status")
    list_filter = ("metric__category", "year", "status", "featured", "metric")
    search_fields = ("metric__name", "scope_note", "note", "source_note")
    list_select_related = ("metric", "park")
    autocomplete_fields = ("park", "metric")
    fieldsets = (
        (None, {"fields": ("park", "metric", "year", ("as_of", "as_of_precision"), "value", "yoy_change")}),
        (_("说明"), {"fields": ("scope_note", "note", "source_note", "featured")}),
        (_("发布"), {"fields": ("status", "published_at", "created_at", "updated_at")}),
    )

    @admin.display(description=_("时期"))
    def period(self, obj):
        return obj.period_display

    @admin.display(description=_("数值"), ordering="value")
    def value_display(self, obj):
        return figure(obj.value)

    @admin.display(description=_("单位"))
    def unit(self, obj):
        return obj.metric.unit

    @admin.display(description=_("同比"), ordering="yoy_change")
    def yoy_display(self, obj):
        return signed_percent(obj.yoy_change) or "—"


@admin.register(Honour)
class HonourAdmin(PreciseDateColumn, PublishableAdmin):
    list_display = ("name", "level", "awarded_by", "stage", "holder", "date_shown", "status")
    list_filter = ("status", "level", "park")
    search_fields = ("name", "awarded_by", "holder", "stage", "distinction", "description")
    list_select_related = ("park",)
    autocomplete_fields = ("park",)
