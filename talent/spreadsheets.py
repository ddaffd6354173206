"""The talent section's spreadsheets (portal.spreadsheets): the expert directory, imported and
exported by staff in the admin.

Experts share names, so a line finds its row by 网址别名 (slug), else by 姓名 and 所在单位
together; an empty 网址别名 keeps the row's address (a new row gets one from its name).
"""

from portal.spreadsheets import SpreadsheetResource, column

from .models import Expert

NAME_OR_SLUG = ("name", "slug")


class ExpertResource(SpreadsheetResource):
    """One line per expert. 领域 (at least one) and 服务内容 are “、”-separated names (or slugs)
    of existing fields and services; 服务项目 an existing programme's name or slug. Photos are
    picked in the admin, not in the file.

    Staff-only fields are exported — 排序, 示例内容 and 状态, which the pages use but do not
    show — because this export is the admin's, to staff holding the export permission.
    """

    instance_keys = (("slug",), ("name", "institution"))

    slug = column(Expert, "slug")
    name = column(Expert, "name")
    title = column(Expert, "title")
    institution = column(Expert, "institution")
    fields = column(Expert, "fields", lookups=NAME_OR_SLUG)
    services = column(Expert, "services", lookups=NAME_OR_SLUG)
    programme = column(Expert, "programme", lookups=NAME_OR_SLUG)
    bio = column(Expert, "bio")
    ordering = column(Expert, "ordering")
    is_sample = column(Expert, "is_sample")
    status = column(Expert, "status")

    class Meta:
        model = Expert
        fields = (
            "slug",
            "name",
            "title",
            "institution",
            "fields",
            "services",
            "programme",
            "bio",
            "ordering",
            "is_sample",
            "status",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("programme").prefetch_related("fields", "services")
