"""The innovation section's spreadsheets (portal.spreadsheets): partners, platforms,
enterprises and 双创 figures, imported and exported by staff in the admin.

A row with a slug (网址别名) is found by it, else by its unique name, so a re-import updates
the row instead of adding a second one; an empty 网址别名 keeps the row's address (a new row
gets one from its name). Many-to-many cells (a platform's partners and fields, an enterprise's
qualifications and incubators) are names separated by “、”, each an existing row's name or
slug: a typo is an error on its row and column, never a new partner. Photos are not in the
files: they are picked in the admin.
"""

from portal.spreadsheets import SpreadsheetResource, column, precise_date_column

from .models import Enterprise, InnovationFigure, PartnerInstitution, Platform

NAME_OR_SLUG = ("name", "slug")


class PartnerInstitutionResource(SpreadsheetResource):
    """One line per partner institution, found by 网址别名, else by 名称."""

    instance_keys = (("slug",), ("name",))

    slug = column(PartnerInstitution, "slug")
    name = column(PartnerInstitution, "name")
    short_name = column(PartnerInstitution, "short_name")
    kind = column(PartnerInstitution, "kind")
    country = column(PartnerInstitution, "country")
    city = column(PartnerInstitution, "city")
    is_international = column(PartnerInstitution, "is_international")
    headquarters = column(PartnerInstitution, "headquarters")
    distinction = column(PartnerInstitution, "distinction")
    description = column(PartnerInstitution, "description")
    member_count = column(PartnerInstitution, "member_count")
    member_country_count = column(PartnerInstitution, "member_country_count")
    website = column(PartnerInstitution, "website")
    ordering = column(PartnerInstitution, "ordering")
    is_sample = column(PartnerInstitution, "is_sample")
    status = column(PartnerInstitution, "status")

    class Meta:
        model = PartnerInstitution
        fields = (
            "slug",
            "name",
            "short_name",
            "kind",
            "country",
            "city",
            "is_international",
            "headquarters",
            "distinction",
            "description",
            "member_count",
            "member_country_count",
            "website",
            "ordering",
            "is_sample",
            "status",
        )
        export_order = fields


class PlatformResource(SpreadsheetResource):
    """One line per platform, found by 网址别名, else by 名称. 合作机构 and 技术领域 are
    “、”-separated names (or slugs) of existing partners and fields; 日期 keeps its precision
    (2017年9月)."""

    instance_keys = (("slug",), ("name",))

    slug = column(Platform, "slug")
    name = column(Platform, "name")
    kind = column(Platform, "kind")
    partners = column(Platform, "partners", lookups=NAME_OR_SLUG)
    tech_fields = column(Platform, "tech_fields", lookups=NAME_OR_SLUG)
    state = column(Platform, "state")
    state_note = column(Platform, "state_note")
    date = precise_date_column(Platform, "date", "date_precision")
    summary = column(Platform, "summary")
    body = column(Platform, "body")
    website = column(Platform, "website")
    ordering = column(Platform, "ordering")
    is_sample = column(Platform, "is_sample")
    status = column(Platform, "status")

    class Meta:
        model = Platform
        fields = (
            "slug",
            "name",
            "kind",
            "partners",
            "tech_fields",
            "state",
            "state_note",
            "date",
            "summary",
            "body",
            "website",
            "ordering",
            "is_sample",
            "status",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().prefetch_related("partners", "tech_fields")


class EnterpriseResource(SpreadsheetResource):
    """One line per enterprise, found by 网址别名, else by 名称. 资质 and 孵化平台 are
    “、”-separated names (or slugs) of existing qualifications and platforms."""

    instance_keys = (("slug",), ("name",))

    slug = column(Enterprise, "slug")
    name = column(Enterprise, "name")
    short_name = column(Enterprise, "short_name")
    sector = column(Enterprise, "sector")
    qualifications = column(Enterprise, "qualifications", lookups=NAME_OR_SLUG)
    capital_stage = column(Enterprise, "capital_stage")
    incubated_at = column(Enterprise, "incubated_at", lookups=NAME_OR_SLUG)
    description = column(Enterprise, "description")
    website = column(Enterprise, "website")
    ordering = column(Enterprise, "ordering")
    is_sample = column(Enterprise, "is_sample")
    status = column(Enterprise, "status")

    class Meta:
        model = Enterprise
        fields = (
            "slug",
            "name",
            "short_name",
            "sector",
            "qualifications",
            "capital_stage",
            "incubated_at",
            "description",
            "website",
            "ordering",
            "is_sample",
            "status",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().prefetch_related("qualifications", "incubated_at")


class InnovationFigureResource(SpreadsheetResource):
    """One line per group, name and year (the row a re-import updates; the model's unique key).

    Internal: 来源说明（仅工作人员可见） (source_note) is staff-only — never shown on the site
    nor in the API — and is exported here because this export is the admin's, to staff holding
    the export permission; a file exported here is not for publication.
    """

    instance_keys = (("group", "label", "year"),)

    group = column(InnovationFigure, "group")
    label = column(InnovationFigure, "label")
    year = column(InnovationFigure, "year", suffix="年")
    value = column(InnovationFigure, "value")
    unit = column(InnovationFigure, "unit")
    is_target = column(InnovationFigure, "is_target")
    note = column(InnovationFigure, "note")
    source_note = column(InnovationFigure, "source_note")
    featured = column(InnovationFigure, "featured")
    ordering = column(InnovationFigure, "ordering")
    status = column(InnovationFigure, "status")

    class Meta:
        model = InnovationFigure
        fields = ("group", "label", "year", "value", "unit", "is_target", "note", "source_note", "featured", "ordering", "status")
        export_order = fields
