"""The admin's roles: four groups and their permissions, declared once here and applied on
every `migrate` by a post_migrate hook (connected in PortalConfig.ready()).

- 编辑 creates and edits drafts and uploads photos: add, change, delete and view on every
  content model. PublishableAdmin keeps the status and publication time read-only for them,
  offers them no publish action and shows them published rows read-only, so the delete
  permission only ever reaches drafts ("cannot delete published rows", as issue 10 words it).
- 审核发布 has what an editor has, plus PUBLISH: publish, unpublish, schedule, restore
  versions and delete published rows.
- 站点管理员 holds every permission: site settings, users and groups, nomination review.
- 评审管理 reviews nominations (REVIEW_NOMINATIONS: list, read, change status, download the
  PDF, export) and may look at the awards they belong to; nobody else sees nominations.
- Spreadsheet import and export in the admin (portal.spreadsheets) are IMPORT_SPREADSHEETS and
  EXPORT_SPREADSHEETS, held by 审核发布 and 站点管理员 only: an import writes many rows at once
  (their status included) and an export carries staff-only notes, so editors do neither.

The hook is the single source: it sets each group's permissions to what is declared here, so
a deploy that changes this module changes the groups. The groups stay editable in the admin
(members are never touched), but a permission added there by hand lasts only until the next
migrate — a lasting change belongs here, or in a group of its own.

Content models are found, not listed: every model of an app that holds a Publishable model,
apart from NOT_CONTENT. A new content model therefore joins the editors' permissions on the
next migrate with no edit here. Sections are named only by label strings (the layering rule
is about imports: portal imports no section).
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS

from .publishing import Publishable

# Declared in SiteSettings.Meta and Nomination.Meta (a permission needs a model to hang off:
# the site-wide one sits on the site-wide model).
PUBLISH = "portal.publish_content"
REVIEW_NOMINATIONS = "talent.review_nomination"
# Declared here, not in a model's Meta (that would need a migration of SiteSettings for two
# rows): sync_roles creates them on the site-wide model's content type before granting.
IMPORT_SPREADSHEETS = "portal.import_spreadsheets"
EXPORT_SPREADSHEETS = "portal.export_spreadsheets"
DECLARED_PERMISSIONS = {
    IMPORT_SPREADSHEETS: "从表格导入数据（所有栏目，导入时预览并整表校验）",
    EXPORT_SPREADSHEETS: "导出数据表格（CSV、Excel，含仅工作人员可见的字段）",
}

EDITOR = "编辑"
PUBLISHER = "审核发布"
SITE_ADMIN = "站点管理员"
NOMINATION_REVIEWER = "评审管理"

# Models of the content apps that are not editorial content: accounts and site settings are
# the site administrators'; the search index is derived; nominations have their own permission.
NOT_CONTENT = frozenset({"portal.user", "portal.sitesettings", "portal.friendlylink", "portal.searchentry", "talent.nomination"})

EDITING = ("add", "change", "delete", "view")


@dataclass(frozen=True)
class Role:
    content: tuple[str, ...] = ()  # actions granted on every content model
    extra: tuple[str, ...] = ()  # further permissions, "app_label.codename"
    everything: bool = False


ROLES = {
    EDITOR: Role(content=EDITING),
    PUBLISHER: Role(content=EDITING, extra=(PUBLISH, IMPORT_SPREADSHEETS, EXPORT_SPREADSHEETS)),
    SITE_ADMIN: Role(everything=True),
    # Reviewers may look at the awards, cycles and categories the nominations are for.
    NOMINATION_REVIEWER: Role(
        extra=(REVIEW_NOMINATIONS, "talent.view_award", "talent.view_awardcycle", "talent.view_awardcategory")
    ),
}


def content_models():
    """Every model of an app holding publishable content, apart from NOT_CONTENT."""
    content_apps = {model._meta.app_label for model in apps.get_models() if issubclass(model, Publishable)}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in content_apps and model._meta.label_lower not in NOT_CONTENT
    ]


def role_permissions(role: Role, using: str = DEFAULT_DB_ALIAS) -> list[Permission]:
    """The Permission rows a role grants; a declared permission that does not exist is an error."""
    permissions = Permission.objects.using(using)
    if role.everything:
        return list(permissions.all())
    models = content_models() if role.content else []
    content_types = ContentType.objects.db_manager(using).get_for_models(*models).values()
    codenames = {f"{action}_{model._meta.model_name}" for model in models for action in role.content}
    granted = list(permissions.filter(content_type__in=content_types, codename__in=codenames))
    for name in role.extra:
        app_label, codename = name.split(".")
        granted.append(permissions.get(content_type__app_label=app_label, codename=codename))
    return granted


def create_declared_permissions(using: str = DEFAULT_DB_ALIAS):
    """The permissions declared in DECLARED_PERMISSIONS (idempotent; the name is kept current)."""
    content_type = ContentType.objects.db_manager(using).get_by_natural_key("portal", "sitesettings")
    for name, label in DECLARED_PERMISSIONS.items():
        _app_label, codename = name.split(".")
        Permission.objects.using(using).update_or_create(content_type=content_type, codename=codename, defaults={"name": label})


def sync_roles(using: str = DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate hook: create the groups if missing and set their permissions (idempotent).

    Runs when portal's post_migrate is sent, which is before the later apps' own
    create_permissions has run, so it first makes sure every app's content types and
    permissions exist (both calls are idempotent and are what migrate itself runs).
    """
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=using)
        create_permissions(app_config, verbosity=0, using=using)
    create_declared_permissions(using)
    for name, role in ROLES.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(role_permissions(role, using))
