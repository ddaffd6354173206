"""`manage.py backup` and `manage.py restore`: a round trip gives back every row and every file.

Transactional tests: the restore flushes and reloads tables and resets PostgreSQL's sequences,
which a test wrapped in a transaction would hide.
"""

import hashlib
import io
import json
import shutil
import stat
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from reversion.models import Version
from reversion.revisions import create_revision, set_comment, set_user

from portal.backup import EXCLUDED_APPS, MADE_BY_MIGRATE, STAGING_PREFIX
from portal.models import Article, Photo, SearchEntry, SearchTerm, User
from talent.models import Nomination
from tests.factories import make_article, make_photo
from tests.talent.factories_talent import make_nomination

pytestmark = pytest.mark.django_db(transaction=True)

NOT_COMPARED = {"indexed_at"}  # SearchEntry: when the rebuilt entry was written


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.NOMINATION_UPLOAD_ROOT = tmp_path / "private"
    return settings.NOMINATION_UPLOAD_ROOT


def run(command, *args, **options) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def database_rows() -> dict:
    """Every row of every model but the sessions and login attempts (not archived, on purpose),
    foreign keys by natural key. Content types and permissions are keyed by natural key (a new
    install numbers them its own way), search entries by the row they index (they are rebuilt)."""
    rows = {}
    for model in apps.get_models():
        if model._meta.proxy or model._meta.app_label in EXCLUDED_APPS:
            continue
        label = model._meta.label_lower
        if model is SearchTerm:  # postings name their entry by primary key: compared as entries' pairs
            pairs = model._base_manager.values_list("entry__content_type__model", "entry__object_id", "gram")
            rows[(label, "pairs")] = set(pairs)
            continue
        for row in model._base_manager.all():
            record = serializers.serialize("python", [row], use_natural_foreign_keys=True)[0]
            fields = {name: value for name, value in record["fields"].items() if name not in NOT_COMPARED}
            if label in MADE_BY_MIGRATE:
                key = row.natural_key()
            elif model is SearchEntry:
                key = (fields["content_type"], fields["object_id"])
            else:
                key = record["pk"]
            rows[(label, key)] = fields
    return rows


def stored_files(settings) -> dict:
    """{tree/relative path: (SHA-256, permission bits)} of MEDIA_ROOT and the private root."""
    files = {}
    for tree, root in (("media", settings.MEDIA_ROOT), ("private", settings.NOMINATION_UPLOAD_ROOT)):
        for path in sorted(Path(root).rglob("*")):
            if path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                files[f"{tree}/{path.relative_to(root).as_posix()}"] = (digest, stat.S_IMODE(path.stat().st_mode))
    return files


def no_leftovers(settings) -> bool:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.NOMINATION_UPLOAD_ROOT)]
    return not any(entry.name.startswith(STAGING_PREFIX) for root in roots if root.exists() for entry in root.iterdir())


def small_content():
    """A photo (with renditions), an article and a nomination with its PDF."""
    photo = make_photo()
    make_article().photos.add(photo)
    make_nomination()


def rewrite(archive: Path, target: Path, change, consistent=False) -> Path:
    """A copy of `archive` with each file member's bytes passed through `change(name, data)`;
    `consistent`: the manifest (the last member) gets the changed files' hashes and sizes."""
    changed = {}
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source:
            if not member.isfile():
                copy.addfile(member)
                continue
            data = change(member.name, source.extractfile(member).read())
            if member.name == "manifest.json" and consistent:
                manifest = json.loads(data)
                manifest["files"].update(changed)
                data = json.dumps(manifest).encode()
            changed[member.name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def test_round_trip_gives_back_every_row_and_file(settings, tmp_path, private_root):
    run("load_initial_data")  # fixed ids; it moves PostgreSQL's sequences past them
    small_content()  # so these new rows get fresh ids
    editor = User.objects.create_user("editor", password="a-long-test-password", is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    team = Group.objects.create(name="图片组")
    team.permissions.add(Permission.objects.get(codename="change_photo"))
    editor.groups.add(team)
    editor.user_permissions.add(Permission.objects.get(codename="view_nomination"))
    article = Article.objects.order_by("pk").first()
    with create_revision():
        set_user(editor)
        set_comment("改标题")
        article.title += "（修订）"
        article.save()
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Article),
        object_id=str(article.pk),
        object_repr=article.title,
        action_flag=ADDITION,
    )
    assert Version.objects.filter(revision__user=editor, object_id=str(article.pk)).exists()
    assert all(photo.renditions.get("thumb") for photo in Photo.objects.all())
    nomination_file = f"private/{Nomination.objects.get().supporting_document.name}"
    rows, files = database_rows(), stored_files(settings)
    assert nomination_file in files and any(name.startswith("media/renditions/") for name in files)
    assert SearchEntry.objects.count() > 100

    archive = tmp_path / "backups" / "portal.tar.gz"
    archive.parent.mkdir()
    out = run("backup", str(archive))
    assert "备份完成" in out
    assert [path.name for path in archive.parent.iterdir()] == ["portal.tar.gz"]  # no temporary file left
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["counts"]["portal.photo"] == Photo.objects.count()
    assert manifest["counts"]["reversion.version"] == Version.objects.count()
    assert "portal.searchentry" not in manifest["counts"]
    assert not any(label.startswith(("sessions.", "axes.")) for label in manifest["counts"])
    archived = {name: meta["sha256"] for name, meta in manifest["files"].items() if name != "data.json"}
    assert archived == {name: digest for name, (digest, _mode) in files.items()}

    # An empty, migrated install: flush (post_migrate makes content types, permissions and the
    # roles' groups again, numbered anew) and no files.
    call_command("flush", interactive=False, verbosity=0)
    # A new install may number content types otherwise: articles' gets a new number here (and
    # loses its permissions), and versions, the admin log and the groups must still find it.
    old_pk = ContentType.objects.get_for_model(Article).pk
    ContentType.objects.filter(pk=old_pk).delete()
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Article).pk != old_pk
    shutil.rmtree(settings.MEDIA_ROOT)
    shutil.rmtree(private_root)
    out = run("restore", str(archive))

    assert "恢复完成" in out
    assert database_rows() == rows
    assert stored_files(settings) == files  # the nomination PDF keeps its owner-only mode
    assert files[nomination_file][1] == 0o600
    assert no_leftovers(settings)
    # Sequences continue after the restored rows (PostgreSQL: reset by loaddata).
    assert make_article().pk > max(pk for (label, pk) in rows if label == "portal.article")
    assert Group.objects.create(name="新组").pk > team.pk


def test_force_replaces_existing_content_and_files(settings, tmp_path):
    small_content()
    rows, files = database_rows(), stored_files(settings)
    archive = tmp_path / "portal.tar.gz"
    run("backup", str(archive))
    make_article(title="备份之后的文章")
    Photo.objects.all().delete()
    (Path(settings.MEDIA_ROOT) / "stray.txt").write_text("备份之后的文件")
    Session.objects.create(session_key="k" * 32, session_data="", expire_date=timezone.now() + timedelta(days=1))

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Article.objects.filter(title="备份之后的文章").exists()
    assert "media/stray.txt" in stored_files(settings)

    out = run("restore", str(archive), force=True)
    assert "已替换原有内容" in out
    assert not Session.objects.exists()  # a session names its user by primary key: all signed out
    assert database_rows() == rows
    assert stored_files(settings) == files
    assert no_leftovers(settings)


def test_backup_into_a_directory_gets_a_dated_name_and_can_be_repeated(tmp_path):
    make_photo()
    run("backup", str(tmp_path))
    run("backup", str(tmp_path))
    names = sorted(path.name for path in tmp_path.iterdir() if path.is_file())
    assert names and all(name.startswith("portal-backup-") and name.endswith(".tar.gz") for name in names)


def damaged_copies(archive: Path, directory: Path) -> dict[str, tuple[Path, str]]:
    """{damage: (a damaged copy of `archive`, what the refusal says)}; the last one is whole but
    made by a newer version of the portal (a migration this one does not know)."""

    def manifest(change):
        def changed(name, data):
            if name != "manifest.json":
                return data
            content = json.loads(data)
            change(content)
            return json.dumps(content).encode()

        return changed

    def more_photos(content):
        content["counts"]["portal.photo"] += 1

    def newer_version(content):
        content["migrations"]["portal"].append("9999_from_the_future")

    truncated = directory / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    garbage = directory / "garbage.tar.gz"
    garbage.write_bytes(b"not a backup at all")
    return {
        "truncated": (truncated, "已损坏或不完整"),
        "not an archive": (garbage, "已损坏或不完整"),
        "a changed file": (
            rewrite(archive, directory / "file.tar.gz", lambda name, data: data + b"x" if name.startswith("private/") else data),
            "校验失败：private/",
        ),
        "changed rows": (
            rewrite(
                archive,
                directory / "data.tar.gz",
                lambda name, data: data.replace(b"example.com", b"example.cn") if name == "data.json" else data,
            ),
            "校验失败：data.json",
        ),
        "a manifest that disagrees": (rewrite(archive, directory / "counts.tar.gz", manifest(more_photos)), "行数与清单不符"),
        "from a newer version": (rewrite(archive, directory / "newer.tar.gz", manifest(newer_version)), "备份来自较新的版本"),
    }


def test_a_damaged_archive_is_refused_and_nothing_changes(settings, tmp_path):
    small_content()
    archive = tmp_path / "portal.tar.gz"
    run("backup", str(archive))
    rows, files = database_rows(), stored_files(settings)

    for damage, (damaged, message) in damaged_copies(archive, tmp_path).items():
        # Over the existing content, with --force: only the damage may stop it.
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(damaged), force=True, stdout=io.StringIO())
        assert database_rows() == rows, damage
        assert stored_files(settings) == files, damage
        assert no_leftovers(settings), damage


def test_rows_that_cannot_load_undo_the_whole_restore(settings, tmp_path):
    """A whole archive whose rows do not fit (an article section of a missing article): the load
    fails inside the transaction and the files already moved into place move back."""
    small_content()
    archive = tmp_path / "portal.tar.gz"
    run("backup", str(archive))

    def orphan_section(name, data):
        if name != "data.json":
            return data
        records = json.loads(data)
        next(record for record in records if record["model"] == "portal.articlesection")["fields"]["article"] = 999999
        return json.dumps(records).encode()

    broken = rewrite(archive, tmp_path / "broken.tar.gz", orphan_section, consistent=True)
    Photo.objects.all().delete()  # what the restore would bring back, were it whole
    (Path(settings.MEDIA_ROOT) / "kept.txt").write_text("恢复失败时留在原处")
    rows, files = database_rows(), stored_files(settings)

    with pytest.raises(CommandError, match="载入数据库失败"):
        call_command("restore", str(broken), force=True, stdout=io.StringIO())

    assert database_rows() == rows
    assert stored_files(settings) == files
    assert no_leftovers(settings)


def test_a_full_disk_is_a_clean_error_and_changes_nothing(settings, tmp_path, monkeypatch):
    small_content()
    archive = tmp_path / "portal.tar.gz"
    run("backup", str(archive))
    rows, files = database_rows(), stored_files(settings)

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("portal.backup._copy_out", no_space)
    with pytest.raises(CommandError, match="恢复失败：.*No space left"):
        call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert database_rows() == rows and stored_files(settings) == files and no_leftovers(settings)

    monkeypatch.setattr("portal.backup._add_file", no_space)
    with pytest.raises(CommandError, match="备份失败"):
        call_command("backup", str(tmp_path / "second.tar.gz"), stdout=io.StringIO())
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == ["portal.tar.gz"]


def test_a_missing_archive_is_a_clean_error(tmp_path):
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "none.tar.gz"), stdout=io.StringIO())
