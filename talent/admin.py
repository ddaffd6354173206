import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin_base import (
    ChildRowsInline,
    HistoryAdmin,
    PhotoThumbnailMixin,
    PublishableAdmin,
    ReferenceTermAdmin,
    set_status_action,
)
from portal.roles import REVIEW_NOMINATIONS
from portal.spreadsheets import SpreadsheetAdmin
from portal.templatetags.portal_tags import figure

from .models import (
    Award,
    AwardCategory,
    AwardCycle,
    Expert,
    ExpertField,
    ExpertProgramme,
    ExpertService,
    Laureate,
    Nomination,
    NominationStatus,
    ProgrammePartner,
)
from .spreadsheets import ExpertResource

# --- awards ---------------------------------------------------------------------------------


class AwardCategoryInline(ChildRowsInline):
    model = AwardCategory
    fields = ("name", "eligibility", "ordering", "is_sample")


class AwardCycleInline(ChildRowsInline):
    model = AwardCycle
    fields = ("edition", "year", "nomination_opens", "nomination_closes", "announcement_date", "status", "is_sample")


@admin.register(Award)
class AwardAdmin(PublishableAdmin):
    list_display = ("name", "organiser", "frequency_display", "prize", "is_sample", "ordering", "status")
    list_filter = ("status", "frequency_years", "is_sample")
    search_fields = ("name", "summary", "description", "organiser")
    inlines = [AwardCategoryInline, AwardCycleInline]
    fieldsets = (
        (None, {"fields": ("name", "summary", "description", "organiser")}),
        (
            _("评选"),
            {
                "fields": (
                    "frequency_years",
                    ("prize_amount", "prize_unit"),
                    "eligibility",
                    "nominator_eligibility",
                    "selection_procedure",
                )
            },
        ),
        (_("工作人员备注"), {"fields": ("source_note",)}),
        (_("发布"), {"fields": ("status", "published_at", "slug", "ordering", "is_sample", "created_at", "updated_at")}),
    )

    @admin.display(description=_("评选周期"), ordering="frequency_years")
    def frequency_display(self, obj):
        return obj.frequency_display

    @admin.display(description=_("每人奖金"), ordering="prize_amount")
    def prize(self, obj):
        return f"{figure(obj.prize_amount)} {obj.prize_unit}" if obj.prize_amount is not None else "—"


@admin.register(AwardCategory)
class AwardCategoryAdmin(HistoryAdmin):
    list_display = ("name", "award", "ordering", "is_sample")
    list_filter = ("award", "is_sample")
    search_fields = ("name", "eligibility", "award__name")
    list_select_related = ("award",)
    autocomplete_fields = ("award",)


class LaureateInline(ChildRowsInline):
    model = Laureate
    fields = ("category", "name", "organisation", "photo", "ordering", "status", "is_sample")
    autocomplete_fields = ("photo",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the categories of this cycle's award.
        if db_field.name == "category":
            cycle_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            cycle = AwardCycle.objects.filter(pk=cycle_id).first() if cycle_id and str(cycle_id).isdigit() else None
            if cycle is not None:
                kwargs["queryset"] = AwardCategory.objects.filter(award_id=cycle.award_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AwardCycle)
class AwardCycleAdmin(PublishableAdmin):
    list_display = ("__str__", "award", "edition", "year", "nomination_opens", "nomination_closes", "cycle_phase", "is_sample")
    list_filter = ("award", "year", "is_sample", "status")
    search_fields = ("award__name", "notes")
    list_select_related = ("award",)
    autocomplete_fields = ("award",)
    date_hierarchy = "nomination_opens"
    inlines = [LaureateInline]

    @admin.display(description=_("当前阶段"))
    def cycle_phase(self, obj):
        return obj.phase_label


@admin.register(Laureate)
class LaureateAdmin(PhotoThumbnailMixin, PublishableAdmin):
    list_display = ("thumbnail", "name", "organisation", "category", "cycle", "is_sample", "status")
    list_display_links = ("thumbnail", "name")
    list_filter = ("status", "cycle__year", "category", "is_sample")
    search_fields = ("name", "organisation", "citation")
    list_select_related = ("cycle__award", "category", "photo")
    autocomplete_fields = ("cycle", "category", "photo")


# --- nominations ----------------------------------------------------------------------------

CSV_COLUMNS = [
    ("reference", _("受理编号")),
    ("submitted_at", _("提交时间")),
    ("status", _("审核状态")),
    ("award", _("奖项")),
    ("cycle", _("届次")),
    ("category", _("类别")),
    ("nominee_name", _("被提名人姓名")),
    ("nominee_organisation", _("被提名人工作单位")),
    ("statement", _("推荐理由")),
    ("nominator_name", _("提名人姓名")),
    ("nominator_email", _("提名人电子邮箱")),
    ("nominator_phone", _("提名人电话")),
    ("reviewer_notes", _("审核意见")),
]


def csv_safe(value) -> str:
    """Neutralise spreadsheet formulas in user text (=, +, -, @ at the start)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def nomination_row(nomination):
    values = {
        "reference": nomination.reference,
        "submitted_at": timezone.localtime(nomination.submitted_at).strftime("%Y-%m-%d %H:%M"),
        "status": nomination.get_status_display(),
        "award": nomination.cycle.award.name,
        "cycle": nomination.cycle.edition,
        "category": nomination.category.name,
        "nominee_name": nomination.nominee_name,
        "nominee_organisation": nomination.nominee_organisation,
        "statement": nomination.statement,
        "nominator_name": nomination.nominator_name,
        "nominator_email": nomination.nominator_email,
        "nominator_phone": nomination.nominator_phone,
        "reviewer_notes": nomination.reviewer_notes,
    }
    return [csv_safe(values[key]) for key, _label in CSV_COLUMNS]


@admin.action(description=_("导出所选提名为 CSV（Excel 可直接打开）"), permissions=["view"])
def export_csv(modeladmin, request, queryset):
    # UTF-8 with a byte-order mark: Excel then reads the Chinese text correctly.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nominations-{timezone.localdate():%Y%m%d}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(label) for _key, label in CSV_COLUMNS])
    for nomination in queryset.select_related("cycle__award", "category"):
        writer.writerow(nomination_row(nomination))
    return response


@admin.register(Nomination)
class NominationAdmin(HistoryAdmin):
    """Staff review: status and notes are editable; what the nominator sent is not, and a
    nomination cannot be deleted (it is never lost).

    Reviewing is one permission (portal.roles.REVIEW_NOMINATIONS, held by 评审管理 and site
    administrators): it alone opens the list, the form, the status actions, the PDF and the
    export, and without it nominations are not in the admin at all. Django's own
    view/change permissions on Nomination are not enough: nominators' personal data is not
    editorial content.
    """

    list_display = ("reference", "nominee_name", "nominee_organisation", "category", "cycle", "status", "submitted_at")
    list_filter = ("status", "cycle__award", "cycle", "category", "is_sample")
    search_fields = ("reference", "nominee_name", "nominee_organisation", "nominator_name", "nominator_email")
    list_select_related = ("cycle__award", "category")
    date_hierarchy = "submitted_at"
    actions = [
        export_csv,
        *(
            set_status_action(status, description=_("标记为：%(status)s") % {"status": status.label})
            for status in NominationStatus
        ),
    ]
    fields = (
        "reference",
        "cycle",
        "category",
        "nominee_name",
        "nominee_organisation",
        "statement",
        "document_link",
        "nominator_name",
        "nominator_email",
        "nominator_phone",
        "submitted_at",
        "status",
        "reviewer_notes",
        "updated_at",
    )
    readonly_fields = tuple(name for name in fields if name not in ("status", "reviewer_notes"))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(REVIEW_NOMINATIONS)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(REVIEW_NOMINATIONS)

    def has_add_permission(self, request):
        return False  # nominations come from the public form only

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("证明材料"))
    def document_link(self, obj):
        if not obj.pk or not obj.supporting_document:
            return "—"
        url = reverse("admin:talent_nomination_document", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("下载 PDF"))

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/document/",
                self.admin_site.admin_view(self.document_view),
                name="talent_nomination_document",
            )
        ]
        return urls + super().get_urls()

    def document_view(self, request, pk):
        """The supporting PDF, for reviewers only (the file is in private storage, not MEDIA).

        The permission is checked before the lookup, so a user without it gets the same 403
        whether or not the nomination exists: the answer tells nothing about which do.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        nomination = Nomination.objects.filter(pk=pk).first()
        if nomination is None or not nomination.supporting_document:
            raise Http404
        try:
            handle = nomination.supporting_document.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=f"{nomination.reference}.pdf", content_type="application/pdf")


# --- experts --------------------------------------------------------------------------------


class ProgrammePartnerInline(ChildRowsInline):
    model = ProgrammePartner
    fields = ("name", "role", "ordering")


@admin.register(ExpertProgramme)
class ExpertProgrammeAdmin(PublishableAdmin):
    list_display = ("name", "expert_count", "beneficiaries", "ordering", "status")
    list_filter = ("status",)
    search_fields = ("name", "summary", "outcomes")
    autocomplete_fields = ("fields", "services")
    inlines = [ProgrammePartnerInline]


@admin.register(Expert)
class ExpertAdmin(SpreadsheetAdmin, PhotoThumbnailMixin, PublishableAdmin):
    resource_classes = [ExpertResource]
    list_display = ("thumbnail", "name", "title", "institution", "programme", "is_sample", "status")
    list_display_links = ("thumbnail", "name")
    list_filter = ("status", "title", "fields", "programme", "is_sample")
    search_fields = ("name", "institution", "bio")
    list_select_related = ("photo", "programme")
    autocomplete_fields = ("fields", "services", "programme", "photo")
    fieldsets = (
        (None, {"fields": ("name", "title", "institution", "fields", "services", "programme", "bio", "photo", "photo_preview")}),
        (_("发布"), {"fields": ("status", "published_at", "slug", "ordering", "is_sample", "created_at", "updated_at")}),
    )


admin.site.register(ExpertField, ReferenceTermAdmin)
admin.site.register(ExpertService, ReferenceTermAdmin)
