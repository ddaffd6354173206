"""The admin's roles (portal.roles): the groups migrate creates, and what each role can do on
each kind of admin page — content (every Publishable model), nominations, site settings, users.

Users are plain staff put in the groups the post_migrate hook made while the test database
was migrated (nothing here creates a group), so the hook is exercised by every test."""

import csv
import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.forms import FileField, MultiWidget
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from portal.admin_base import PublishableAdmin
from portal.models import Photo, SiteSettings, User
from portal.publishing import Status
from portal.roles import EDITOR, NOMINATION_REVIEWER, PUBLISHER, ROLES, SITE_ADMIN, content_models, sync_roles
from talent.models import Nomination, NominationStatus
from tests.admin_helpers import admin_url, assert_publish_action_records_a_version
from tests.factories import make_article, make_honour, make_image, make_indicator, make_milestone, make_park, make_photo
from tests.innovation import factories_innovation as innovation
from tests.parks.factories_parks import make_area, make_industry
from tests.talent import factories_talent as talent

pytestmark = pytest.mark.django_db

# One factory per Publishable model with an admin; each takes status=….
FACTORIES = {
    "portal.photo": make_photo,
    "portal.article": make_article,
    "parks.park": make_park,
    "parks.area": make_area,
    "parks.milestone": make_milestone,
    "parks.industry": make_industry,
    "parks.indicator": make_indicator,
    "parks.honour": make_honour,
    "talent.award": talent.make_award,
    "talent.awardcycle": talent.make_cycle,
    "talent.laureate": talent.make_laureate,
    "talent.expertprogramme": talent.make_programme,
    "talent.expert": lambda **kwargs: talent.make_expert(fields=[talent.make_field()], **kwargs),
    "innovation.partnerinstitution": innovation.make_partner,
    "innovation.platform": innovation.make_platform,
    "innovation.enterprise": innovation.make_enterprise,
    "innovation.event": innovation.make_event,
    "innovation.achievement": innovation.make_achievement,
    "innovation.cooperation": innovation.make_cooperation,
    "innovation.innovationfigure": innovation.make_figure,
    "innovation.policy": innovation.make_policy,
}
PUBLISHABLE = sorted(FACTORIES)
STAFF_ROLES = [EDITOR, PUBLISHER, SITE_ADMIN, NOMINATION_REVIEWER]


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """Nomination documents go to a per-test directory, never the real private storage."""
    settings.NOMINATION_UPLOAD_ROOT = tmp_path / "private"


@pytest.fixture
def login_as():
    """login_as(group name) -> a client logged in as a new staff user in that group only."""

    def login(group_name):
        user = User.objects.create_user(f"user-{User.objects.count()}", password="a-long-test-password", is_staff=True)
        user.groups.add(Group.objects.get(name=group_name))
        client = Client()
        client.force_login(user)
        return client

    return login


def make_row(label, status):
    return FACTORIES[label](status=status)


def action_names(response):
    return {name for name, _label in response.context["action_form"].fields["action"].choices if name}


def form_data(response):
    """What the admin form on `response` would post unchanged: fields and inline formsets."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        forms += formset.forms
    for form in forms:
        for bound in form:
            value = bound.value()
            widget = getattr(bound.field.widget, "widget", bound.field.widget)  # unwrap the admin's wrapper
            if value is None or value is False or isinstance(bound.field, FileField):
                continue
            if isinstance(widget, MultiWidget):
                data.update({f"{bound.html_name}_{i}": part for i, part in enumerate(widget.decompress(value)) if part})
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = "on" if value is True else str(value)
    return data


FORGED_PUBLISHING = {"status": "published", "published_at_0": "2001-01-01", "published_at_1": "08:00:00"}


# --- the groups ------------------------------------------------------------------------------


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{app}.{codename}" for app, codename in group.permissions.values_list("content_type__app_label", "codename")}


def test_migrate_created_the_four_groups_with_their_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= {"编辑", "审核发布", "站点管理员", "评审管理"}
    editor, publisher, reviewer = perms(EDITOR), perms(PUBLISHER), perms(NOMINATION_REVIEWER)
    for model in content_models():
        opts = model._meta
        for action in ("add", "change", "delete", "view"):
            assert f"{opts.app_label}.{action}_{opts.model_name}" in editor
    assert {"portal.add_photo", "parks.change_park", "talent.change_awardcategory", "innovation.view_policy"} <= editor
    assert editor.isdisjoint(
        {
            "portal.publish_content",
            "portal.change_sitesettings",
            "portal.view_user",
            "auth.change_group",
            "talent.view_nomination",
            "talent.review_nomination",
            "portal.import_spreadsheets",
            "portal.export_spreadsheets",
        }
    )
    assert publisher == editor | {"portal.publish_content", "portal.import_spreadsheets", "portal.export_spreadsheets"}
    assert perms(SITE_ADMIN) == {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.all()}
    assert reviewer == {"talent.review_nomination", "talent.view_award", "talent.view_awardcycle", "talent.view_awardcategory"}


def test_the_hook_is_idempotent_and_restores_the_declared_permissions():
    editor = Group.objects.get(name=EDITOR)
    member = User.objects.create_user("member", is_staff=True)
    member.groups.add(editor)
    declared = perms(EDITOR)
    editor.permissions.add(Permission.objects.get(codename="publish_content"))
    editor.permissions.remove(Permission.objects.get(codename="add_photo"))
    sync_roles()
    sync_roles()
    assert perms(EDITOR) == declared
    assert Group.objects.filter(name__in=ROLES).count() == len(ROLES)
    assert list(editor.user_set.all()) == [member]  # members are never touched


def test_migrate_runs_the_hook():
    Group.objects.filter(name__in=ROLES).delete()
    call_command("migrate", verbosity=0)
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)
    assert "portal.publish_content" in perms(PUBLISHER)


def test_every_publishable_admin_is_covered_here():
    registered = {
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, PublishableAdmin)
    }
    assert registered == set(FACTORIES)


# --- content: an editor edits drafts ---------------------------------------------------------


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_an_editor_sees_no_way_to_publish(login_as, label):
    model = FACTORIES[label](status=Status.DRAFT).__class__
    editor = login_as(EDITOR)
    changelist = editor.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert {"publish", "unpublish"}.isdisjoint(action_names(changelist))
    add = editor.get(admin_url(model, "add"))
    assert add.status_code == 200
    assert {"status", "published_at"}.isdisjoint(add.context["adminform"].form.fields)
    publisher_changelist = login_as(PUBLISHER).get(admin_url(model, "changelist"))
    assert {"publish", "unpublish", "delete_selected"} <= action_names(publisher_changelist)


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_an_editor_saves_a_draft_but_a_forged_status_or_date_is_ignored(login_as, label):
    row = make_row(label, Status.DRAFT)
    published_at = row.published_at
    editor = login_as(EDITOR)
    url = admin_url(type(row), "change", row.pk)
    page = editor.get(url)
    assert page.status_code == 200 and page.context["has_change_permission"]
    response = editor.post(url, form_data(page) | FORGED_PUBLISHING)
    assert response.status_code == 302, response.context["adminform"].form.errors
    row.refresh_from_db()
    assert row.status == Status.DRAFT and row.published_at == published_at
    assert Version.objects.get_for_object(row).count() == 1  # saved, through the history


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_a_published_row_is_view_only_to_an_editor(login_as, label):
    row = make_row(label, Status.PUBLISHED)
    url = admin_url(type(row), "change", row.pk)
    page = login_as(PUBLISHER).get(url)
    assert page.context["has_change_permission"] and "status" in page.context["adminform"].form.fields
    data = form_data(page) | {"status": "draft"}
    editor = login_as(EDITOR)
    view = editor.get(url)
    assert view.status_code == 200 and not view.context["has_change_permission"]
    assert editor.post(url, data).status_code == 403
    row.refresh_from_db()
    assert row.status == Status.PUBLISHED
    assert not Version.objects.get_for_object(row).exists()


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_a_forged_publish_action_by_an_editor_changes_nothing(login_as, label):
    row = make_row(label, Status.DRAFT)
    published = make_row(label, Status.PUBLISHED)
    editor = login_as(EDITOR)
    changelist = admin_url(type(row), "changelist")
    editor.post(changelist, {"action": "publish", "_selected_action": [row.pk]})
    editor.post(changelist, {"action": "unpublish", "_selected_action": [published.pk]})
    row.refresh_from_db()
    published.refresh_from_db()
    assert row.status == Status.DRAFT and published.status == Status.PUBLISHED


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_an_editor_deletes_drafts_but_not_published_rows(login_as, label):
    draft = make_row(label, Status.DRAFT)
    published = make_row(label, Status.PUBLISHED)
    model = type(draft)
    editor = login_as(EDITOR)
    assert editor.get(admin_url(model, "delete", published.pk)).status_code == 403
    assert editor.post(admin_url(model, "delete", published.pk), {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [draft.pk, published.pk], "post": "yes"}
    assert editor.post(admin_url(model, "changelist"), bulk).status_code == 403
    assert model.objects.filter(pk__in=[draft.pk, published.pk]).count() == 2
    assert editor.post(admin_url(model, "delete", draft.pk), {"post": "yes"}).status_code == 302
    assert not model.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_restoring_versions_is_for_publishers(login_as, label):
    row = make_row(label, Status.DRAFT)
    model = type(row)
    publisher = login_as(PUBLISHER)
    page = publisher.get(admin_url(model, "change", row.pk))
    assert publisher.post(admin_url(model, "change", row.pk), form_data(page)).status_code == 302
    version = Version.objects.get_for_object(row).get()
    editor = login_as(EDITOR)
    assert editor.get(admin_url(model, "revision", row.pk, version.pk)).status_code == 403
    assert editor.get(admin_url(model, "recoverlist")).status_code == 403
    assert editor.get(admin_url(model, "history", row.pk)).status_code == 200
    assert publisher.get(admin_url(model, "revision", row.pk, version.pk)).status_code == 200
    assert publisher.get(admin_url(model, "recoverlist")).status_code == 200
    # Nobody is shown a link that would answer 403.
    revision_link = admin_url(model, "revision", row.pk, version.pk)
    for client, shown in ((editor, False), (publisher, True)):
        assert (revision_link in client.get(admin_url(model, "history", row.pk)).content.decode()) is shown
        changelist = client.get(admin_url(model, "changelist")).content.decode()
        assert (admin_url(model, "recoverlist") in changelist) is shown


# --- content: a publisher publishes ----------------------------------------------------------


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_a_publisher_publishes_schedules_and_deletes(login_as, label):
    row = make_row(label, Status.DRAFT)
    publisher = login_as(PUBLISHER)
    assert_publish_action_records_a_version(publisher, row)
    url = admin_url(type(row), "change", row.pk)
    data = form_data(publisher.get(url)) | {"published_at_0": "2099-01-01", "published_at_1": "08:00:00"}
    assert publisher.post(url, data).status_code == 302
    row.refresh_from_db()
    assert row.status == Status.PUBLISHED and row.published_at.year == 2099  # scheduled
    assert publisher.post(admin_url(type(row), "delete", row.pk), {"post": "yes"}).status_code == 302
    assert not type(row).objects.filter(pk=row.pk).exists()


def test_an_editor_uploads_a_photo_as_a_draft(login_as):
    editor = login_as(EDITOR)
    data = {
        "image": make_image("upload.jpg"),
        "caption": "编辑上传的图片",
        "alt_text": "图片",
        "section": "park",
        "ordering": "0",
    }
    response = editor.post(admin_url(Photo, "add"), data | FORGED_PUBLISHING)
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = Photo.objects.get(caption="编辑上传的图片")
    assert photo.status == Status.DRAFT and photo.published_at.year != 2001


def test_an_editor_cannot_publish_a_child_row_through_its_parents_inline(login_as):
    park = make_park(status=Status.DRAFT)
    area = make_area(park=park, status=Status.DRAFT)
    url = admin_url(type(park), "change", park.pk)
    editor = login_as(EDITOR)
    page = editor.get(url)
    area_formset = next(inline.formset for inline in page.context["inline_admin_formsets"] if inline.formset.model is type(area))
    assert "status" not in area_formset.forms[0].fields
    data = form_data(page) | {f"{area_formset.prefix}-0-status": "published"}
    assert editor.post(url, data).status_code == 302
    area.refresh_from_db()
    assert area.status == Status.DRAFT


def test_deleting_a_draft_that_would_cascade_to_a_published_row_is_refused(login_as):
    park = make_park(status=Status.DRAFT)
    area = make_area(park=park, status=Status.PUBLISHED)
    url = admin_url(type(park), "delete", park.pk)
    editor = login_as(EDITOR)
    assert editor.post(url, {"post": "yes"}).status_code == 403
    assert type(area).objects.filter(pk=area.pk).exists()
    area.status = Status.DRAFT
    area.save()
    assert editor.post(url, {"post": "yes"}).status_code == 302
    assert not type(area).objects.filter(pk=area.pk).exists()


# --- nominations: 评审管理 only --------------------------------------------------------------


@pytest.fixture
def nomination():
    return talent.make_nomination(nominee_name="示例被提名人")


@pytest.mark.parametrize("role", [NOMINATION_REVIEWER, SITE_ADMIN])
def test_reviewers_list_read_change_download_and_export_nominations(login_as, nomination, role):
    reviewer = login_as(role)
    changelist = admin_url(Nomination, "changelist")
    assert nomination.reference in reviewer.get(changelist).content.decode()
    assert reviewer.get(admin_url(Nomination, "change", nomination.pk)).status_code == 200
    document = reviewer.get(admin_url(Nomination, "document", nomination.pk))
    assert document.status_code == 200 and b"".join(document.streaming_content).startswith(b"%PDF-")
    export = reviewer.post(changelist, {"action": "export_csv", "_selected_action": [nomination.pk]})
    table = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert table[1][0] == nomination.reference
    reviewer.post(changelist, {"action": "mark_shortlisted", "_selected_action": [nomination.pk]})
    response = reviewer.post(
        admin_url(Nomination, "change", nomination.pk), {"status": "eligible", "reviewer_notes": "材料齐全。"}
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ELIGIBLE and nomination.reviewer_notes == "材料齐全。"
    assert reviewer.get(admin_url(Nomination, "document", nomination.pk + 1000)).status_code == 404


@pytest.mark.parametrize("role", [EDITOR, PUBLISHER])
def test_other_roles_cannot_reach_nominations(login_as, nomination, role):
    staff = login_as(role)
    changelist = admin_url(Nomination, "changelist")
    assert staff.get(changelist).status_code == 403
    assert staff.get(admin_url(Nomination, "change", nomination.pk)).status_code == 403
    export = staff.post(changelist, {"action": "export_csv", "_selected_action": [nomination.pk]})
    assert export.status_code == 403 and nomination.reference not in export.content.decode()
    staff.post(changelist, {"action": "mark_shortlisted", "_selected_action": [nomination.pk]})
    staff.post(admin_url(Nomination, "change", nomination.pk), {"status": "eligible"})
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.RECEIVED
    assert changelist not in staff.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("role", [EDITOR, PUBLISHER])
def test_a_pdf_answers_403_whether_or_not_the_nomination_exists(login_as, nomination, role):
    staff = login_as(role)
    assert staff.get(admin_url(Nomination, "document", nomination.pk)).status_code == 403
    assert staff.get(admin_url(Nomination, "document", nomination.pk + 1000)).status_code == 403


def test_a_nomination_reviewer_sees_no_content_admin(login_as):
    reviewer = login_as(NOMINATION_REVIEWER)
    article = make_article(status=Status.DRAFT)
    assert reviewer.get(admin_url(type(article), "changelist")).status_code == 403
    assert reviewer.get(admin_url(type(article), "change", article.pk)).status_code == 403
    cycle = talent.make_cycle()
    assert reviewer.get(admin_url(type(cycle), "change", cycle.pk)).status_code == 200
    assert reviewer.post(admin_url(type(cycle), "change", cycle.pk), {"status": "draft"}).status_code == 403


# --- site settings and users: 站点管理员 only ------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_site_settings_and_users_are_for_site_administrators(login_as, role):
    staff = login_as(role)
    settings_row = SiteSettings.load()
    expected = 200 if role == SITE_ADMIN else 403
    assert staff.get(admin_url(SiteSettings, "change", settings_row.pk)).status_code == expected
    assert staff.get(admin_url(User, "changelist")).status_code == expected
    assert staff.get(admin_url(User, "add")).status_code == expected
    assert staff.get(admin_url(Group, "change", Group.objects.get(name=EDITOR).pk)).status_code == expected
    assert staff.get(admin_url(Photo, "changelist")).status_code == (403 if role == NOMINATION_REVIEWER else 200)
    index = staff.get(reverse("admin:index"))
    assert index.status_code == 200
    assert ("站点设置" in index.content.decode()) == (role == SITE_ADMIN)


def test_only_a_site_administrator_may_create_the_missing_site_settings(rf):
    """Asked of the admin directly: any page rendered recreates the row (SiteSettings.load())."""
    SiteSettings.objects.all().delete()
    model_admin = admin.site._registry[SiteSettings]
    for role in ROLES:
        request = rf.get("/")
        request.user = User.objects.create_user(f"settings-{role}", is_staff=True)
        request.user.groups.add(Group.objects.get(name=role))
        assert model_admin.has_add_permission(request) == (role == SITE_ADMIN), role
