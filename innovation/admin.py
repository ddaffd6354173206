from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.admin_base import ChildRowsInline, PreciseDateColumn, PublishableAdmin, ReferenceTermAdmin, photo_thumbnail
from portal.spreadsheets import SpreadsheetAdmin
from portal.templatetags.portal_tags import figure

from .models import (
    Achievement,
    Cooperation,
    Enterprise,
    Event,
    InnovationFigure,
    PartnerInstitution,
    Platform,
    Policy,
    Qualification,
    TechField,
)
from .spreadsheets import EnterpriseResource, InnovationFigureResource, PartnerInstitutionResource, PlatformResource


class WebsiteFieldMixin:
    """URL fields typed without a scheme are taken as https (Django 6's default)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class FirstPhotoColumn:
    """A thumbnail of the first photo of a many-to-many `photos` (prefetched in the changelist)."""

    @admin.display(description=_("图片"))
    def thumbnail(self, obj):
        photos = list(obj.photos.all())
        return photo_thumbnail(photos[0] if photos else None)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("photos")


@admin.register(PartnerInstitution)
class PartnerInstitutionAdmin(SpreadsheetAdmin, WebsiteFieldMixin, PublishableAdmin):
    resource_classes = [PartnerInstitutionResource]
    list_display = ("name", "kind", "country", "is_international", "city", "ordering", "is_sample", "status")
    list_filter = ("status", "kind", "is_international", "country", "is_sample")
    search_fields = ("name", "short_name", "city", "country", "headquarters", "description", "distinction")
    fieldsets = (
        (None, {"fields": ("name", "short_name", "kind", ("country", "city"), "distinction", "description", "website")}),
        (_("协会组织"), {"fields": (("is_international", "headquarters"), ("member_count", "member_country_count"))}),
        (_("发布"), {"fields": ("status", "published_at", "slug", "ordering", "is_sample", "created_at", "updated_at")}),
    )


class EnterpriseInline(ChildRowsInline):
    """Enterprises incubated at this platform (edited from the platform too)."""

    model = Enterprise.incubated_at.through
    autocomplete_fields = ("enterprise",)
    verbose_name = _("孵化企业")
    verbose_name_plural = _("孵化企业")


@admin.register(Platform)
class PlatformAdmin(SpreadsheetAdmin, WebsiteFieldMixin, FirstPhotoColumn, PreciseDateColumn, PublishableAdmin):
    resource_classes = [PlatformResource]
    list_display = ("thumbnail", "name", "kind", "state", "state_note", "date_shown", "ordering", "is_sample", "status")
    list_display_links = ("thumbnail", "name")
    list_filter = ("status", "kind", "state", "tech_fields", "partners", "is_sample")
    search_fields = ("name", "summary", "body", "state_note", "partners__name")
    autocomplete_fields = ("partners", "tech_fields", "photos")
    inlines = [EnterpriseInline]
    fieldsets = (
        (None, {"fields": ("name", "kind", "partners", "tech_fields", "summary", "body", "photos", "website")}),
        (_("进展"), {"fields": ("state", "state_note", ("date", "date_precision"))}),
        (_("发布"), {"fields": ("status", "published_at", "slug", "ordering", "is_sample", "created_at", "updated_at")}),
    )


@admin.register(Enterprise)
class EnterpriseAdmin(SpreadsheetAdmin, WebsiteFieldMixin, PublishableAdmin):
    resource_classes = [EnterpriseResource]
    list_display = ("name", "sector", "capital_stage", "ordering", "is_sample", "status")
    list_filter = ("status", "capital_stage", "qualifications", "incubated_at", "is_sample")
    search_fields = ("name", "short_name", "sector", "description")
    autocomplete_fields = ("qualifications", "incubated_at")


@admin.register(Event)
class EventAdmin(FirstPhotoColumn, PreciseDateColumn, PublishableAdmin):
    list_display = ("thumbnail", "name", "edition", "year", "kind", "date_shown", "status")
    list_display_links = ("thumbnail", "name")
    list_filter = ("status", "kind", "year")
    search_fields = ("name", "organisers", "description")
    autocomplete_fields = ("photos",)


@admin.register(Achievement)
class AchievementAdmin(PreciseDateColumn, PublishableAdmin):
    list_display = ("title", "kind", "enterprise", "amount_display", "venue", "date_shown", "is_sample", "status")
    list_filter = ("status", "kind", "is_sample")
    search_fields = ("title", "parties", "venue", "distinction", "description", "enterprise__name")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)

    @admin.display(description=_("金额"), ordering="amount")
    def amount_display(self, obj):
        return f"{figure(obj.amount)} {obj.amount_unit}" if obj.amount is not None else "—"


@admin.register(Cooperation)
class CooperationAdmin(PreciseDateColumn, PublishableAdmin):
    list_display = ("title", "scope", "state", "date_shown", "ordering", "status")
    list_filter = ("status", "scope", "state")
    search_fields = ("title", "agreement", "partner_note", "distinction", "description", "source_note", "partners__name")
    autocomplete_fields = ("partners", "tech_fields")


@admin.register(InnovationFigure)
class InnovationFigureAdmin(SpreadsheetAdmin, PublishableAdmin):
    resource_classes = [InnovationFigureResource]
    list_display = ("label", "group", "year", "value_display", "unit", "is_target", "featured", "status")
    list_filter = ("group", "year", "is_target", "featured", "status")
    search_fields = ("label", "note", "source_note")

    @admin.display(description=_("数值"), ordering="value")
    def value_display(self, obj):
        return figure(obj.value)


@admin.register(Policy)
class PolicyAdmin(PreciseDateColumn, PublishableAdmin):
    list_display = ("title", "issued_by", "topic", "date_shown", "status")
    list_filter = ("status", "topic")
    search_fields = ("title", "issued_by", "notice_title", "summary")


admin.site.register(TechField, ReferenceTermAdmin)
admin.site.register(Qualification, ReferenceTermAdmin)
