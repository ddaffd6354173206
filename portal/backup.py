"""Backup and restore: the whole portal in one archive (`manage.py backup`, `manage.py restore`).

An archive is one gzip-compressed tar file holding

- `data.json`: every row of every app, as `dumpdata --natural-foreign` writes it (below);
- `media/…`: MEDIA_ROOT, the photos and their stored renditions;
- `private/…`: NOMINATION_UPLOAD_ROOT, the nomination documents (never public);
- `manifest.json`, written last: when and with what it was made (Django version, database,
  applied migrations), the rows per model, and the SHA-256 and size of every other member.

What the archive leaves out, and why:

- `sessions`: sign-ins of the running site, signed with its SECRET_KEY; after a restore everyone
  signs in again (a restore with --force also ends the sessions there were).
- `axes`: login attempts and lock-outs, the running site's security counters: restoring an old
  state would lock accounts again, or lift a lock-out.
- `portal.SearchEntry`, `portal.SearchTerm`: derived from the rows; the restore rebuilds them (`rebuild_index`).

Rows that `migrate` makes (content types, permissions) are written by natural key without their
primary key, since a new install numbers them its own way; every reference to them (a version's
content type, a group's permissions) is by natural key, so it finds them whatever their numbers.
Every other row keeps its primary key: revisions, the admin log and the search index point at
rows by primary key (`object_id`), which natural keys cannot follow. The groups `migrate` also
makes (portal.roles) do not make an install "not empty"; the restore replaces them with the
archive's. Date-times keep their microseconds (dumpdata's JSON would cut them to milliseconds).

Nothing is half-written: the archive is written to a temporary file renamed into place, and a
restore unpacks into hidden staging directories and checks every hash and count before it
touches the database or the files; then it loads the rows in one transaction and moves the files
into place, moving them back if loading fails.
"""

import datetime
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.serializers import sort_dependencies
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from .search import rebuild_index

FORMAT = "portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
EXCLUDED_APPS = ("sessions", "axes")
REBUILT = ("portal.searchentry", "portal.searchterm")  # the search index and its postings
MADE_BY_MIGRATE = ("contenttypes.contenttype", "auth.permission")
# Rows a fresh install has after `migrate` (portal.roles makes the groups): not "content" when
# deciding whether an install is empty. The groups are replaced by the archive's all the same.
MIGRATE_MAKES = (*MADE_BY_MIGRATE, "auth.group")
ROOT_MODES = {"media": 0o755, "private": 0o700}  # for a root a restore creates, if the archive has none
STAGING_PREFIX = ".restore-"  # hidden directories inside the file roots, skipped by a backup
CHUNK = 1024 * 1024

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


class ArchiveError(CommandError):
    """A backup or restore that cannot go on: the command prints the message and exits with 1."""


@dataclass
class BackupResult:
    path: Path
    counts: dict[str, int]
    files: dict[str, dict]  # archive name -> {"sha256", "size"}, data.json included
    size: int


@dataclass
class RestoreResult:
    counts: dict[str, int]
    files: int
    search_entries: int
    replaced: bool  # --force replaced existing content
    warnings: list[str] = field(default_factory=list)


@contextmanager
def _reported(message: str):
    """An OSError (disk full, no permission) ends the command with `message`, not a traceback."""
    try:
        yield
    except OSError as error:
        raise ArchiveError(message % {"error": error}) from error


# --- what goes into an archive ---------------------------------------------------------------


def file_roots() -> dict[str, Path]:
    """The archive's file trees and where they live on this install."""
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.NOMINATION_UPLOAD_ROOT)}


def archived_models() -> list:
    """The models whose rows go into data.json, ordered so that natural keys resolve on loading."""
    app_list = [(config, None) for config in apps.get_app_configs() if config.label not in EXCLUDED_APPS and config.models_module]
    return [
        model
        for model in sort_dependencies(app_list, allow_cycles=True)
        if not model._meta.proxy and model._meta.managed and model._meta.label_lower not in REBUILT
    ]


def content_counts() -> dict[str, int]:
    """Rows per archived model on this install, left out: what `migrate` makes and empty tables."""
    counts = {}
    for model in archived_models():
        label = model._meta.label_lower
        if label not in MIGRATE_MAKES and (count := model._base_manager.count()):
            counts[label] = count
    return counts


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts times to milliseconds (as ECMAScript dates are); a backup keeps the
    microseconds, or a restored revision's date would differ from the original."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and o.utcoffset() is None:
            return o.isoformat()
        return super().default(o)


class _Serializer(JSONSerializer):
    """dumpdata's JSON with natural foreign keys; rows `migrate` makes lose their primary key."""

    def get_dump_object(self, obj):
        data = super().get_dump_object(obj)
        if obj._meta.label_lower in MADE_BY_MIGRATE:
            del data["pk"]
        return data


@contextmanager
def _consistent_read():
    """The whole dump in one transaction, so a row saved meanwhile is in it with everything it
    refers to, or not at all (PostgreSQL: a REPEATABLE READ snapshot; SQLite: the transaction's)."""
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def dump_database(path: Path) -> dict[str, int]:
    """Write every archived row to `path`; return the rows per model (zeros included)."""
    models = archived_models()
    counts = {model._meta.label_lower: 0 for model in models}

    def rows():
        for model in models:
            for row in model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000):
                counts[model._meta.label_lower] += 1
                yield row

    with _consistent_read(), path.open("w", encoding="utf-8") as stream:
        _Serializer().serialize(rows(), stream=stream, use_natural_foreign_keys=True, cls=_ExactEncoder)
    return counts


def _tree(root: Path) -> tuple[list[Path], list[Path]]:
    """(directories, regular files) under `root`, sorted; a restore's leftover staging
    directories are skipped. Directories go into the archive too, for their modes (the private
    tree is readable by the site's user only)."""
    directories, files = [], []
    for directory, subdirectories, names in os.walk(root):
        if Path(directory) == root:
            subdirectories[:] = [name for name in subdirectories if not name.startswith(STAGING_PREFIX)]
        directories += [Path(directory) / name for name in subdirectories]
        files += [Path(directory) / name for name in names if (Path(directory) / name).is_file()]
    return sorted(directories), sorted(files)


class _HashingReader:
    """A file as tarfile reads it, hashed on the way: the hash is of exactly the archived bytes."""

    def __init__(self, stream):
        self.stream = stream
        self.hash = hashlib.sha256()

    def read(self, size=-1):
        data = self.stream.read(size)
        self.hash.update(data)
        return data


def _portable(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    with path.open("rb") as stream:
        info = _portable(tar.gettarinfo(arcname=name, fileobj=stream))
        reader = _HashingReader(stream)
        tar.addfile(info, reader)
    return {"sha256": reader.hash.hexdigest(), "size": info.size}


def archive_path(path: Path) -> Path:
    """`path` itself, or a dated file name in it when it is a directory (for a daily timer)."""
    if path.is_dir():
        return path / f"portal-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
    if not path.parent.is_dir():
        raise ArchiveError(_("目录不存在：%(path)s") % {"path": path.parent})
    return path


def create_backup(path: Path, progress: Progress = _quiet) -> BackupResult:
    """Write the archive to `path` (or a dated file in the directory `path`) through a temporary
    file renamed into place: an interrupted backup leaves no archive, a finished one is whole."""
    target = archive_path(Path(path))
    with _reported(_("备份失败，没有写出备份文件：%(error)s")):
        return _write_archive(target, progress)


def _add_tree(tar: tarfile.TarFile, tree: str, root: Path) -> dict[str, dict]:
    """Add `root` as `tree/…`: its directories (for their modes) and its files; returns
    {member name: {"sha256", "size"}} of the files."""
    if not root.is_dir():
        return {}
    directories, paths = _tree(root)
    for directory in [root, *directories]:
        tar.addfile(_portable(tar.gettarinfo(directory, "/".join((tree, *directory.relative_to(root).parts)))))
    files = {}
    for path in paths:
        name = "/".join((tree, *path.relative_to(root).parts))
        files[name] = _add_file(tar, name, path)
    return files


def _manifest(counts: dict[str, int], files: dict[str, dict]) -> bytes:
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created": timezone.now().isoformat(),
        "django": django.get_version(),
        "database": connection.vendor,
        "migrations": applied_migrations(),
        "counts": counts,
        "excluded_apps": list(EXCLUDED_APPS),
        "rebuilt": list(REBUILT),
        "files": files,
    }
    return json.dumps(manifest, ensure_ascii=False, indent=2).encode()


def _write_archive(target: Path, progress: Progress) -> BackupResult:
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with tempfile.TemporaryDirectory() as work, os.fdopen(descriptor, "wb") as raw:
            progress(_("正在导出数据库……"))
            data_path = Path(work) / DATA
            counts = dump_database(data_path)
            progress(_("数据库：%(rows)s 行，%(models)s 个模型") % {"rows": sum(counts.values()), "models": len(counts)})
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                files = {DATA: _add_file(tar, DATA, data_path)}
                for tree, root in file_roots().items():
                    added = _add_tree(tar, tree, root)
                    progress(_("文件 %(tree)s/（%(root)s）：%(count)s 个") % {"tree": tree, "root": root, "count": len(added)})
                    files |= added
                content = _manifest(counts, files)
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(content), int(timezone.now().timestamp()), 0o644
                tar.addfile(info, io.BytesIO(content))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return BackupResult(target, counts, files, target.stat().st_size)


# --- restoring -------------------------------------------------------------------------------


def _member_path(name: str) -> PurePosixPath:
    """The member's name as a relative path; anything that could land outside the staging
    directory (absolute, `..`, backslashes) is refused."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or "\\" in name or ".." in path.parts:
        raise ArchiveError(_("备份文件中有不安全的路径：%(name)s") % {"name": name})
    return path


def _copy_out(stream, destination: Path, mode: int) -> dict:
    """Write `stream` to `destination` with the archived permission bits; return its hash and size."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with destination.open("xb") as target:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    destination.chmod(mode & 0o777)
    return {"sha256": digest.hexdigest(), "size": size}


def _unpack(source: Path, work: Path, staging: dict[str, Path]) -> tuple[dict[str, dict], dict[str, int]]:
    """Unpack `source`: manifest.json and data.json into `work`, each file tree into its staging
    directory. Returns ({member name: {"sha256", "size"}} of what was unpacked, {tree: the
    permission bits its root had})."""
    found: dict[str, dict] = {}
    root_modes: dict[str, int] = {}
    try:
        with tarfile.open(source, "r:gz") as tar:
            for member in tar:
                path = _member_path(member.name)
                name = path.as_posix()
                if member.isdir() and name in staging:
                    root_modes[name] = member.mode & 0o777 | 0o700
                    continue
                if member.isdir() and path.parts[0] in staging and len(path.parts) > 1:
                    directory = staging[path.parts[0]].joinpath(*path.parts[1:])
                    directory.mkdir(parents=True, exist_ok=True)
                    directory.chmod(member.mode & 0o777 | 0o700)  # the owner must be able to fill it
                    continue
                if not member.isfile():
                    raise ArchiveError(_("备份文件中有不支持的条目（链接或设备）：%(name)s") % {"name": name})
                if name in found:
                    raise ArchiveError(_("备份文件中有重复的条目：%(name)s") % {"name": name})
                if name in (MANIFEST, DATA):
                    destination = work / name
                elif path.parts[0] in staging and len(path.parts) > 1:
                    destination = staging[path.parts[0]].joinpath(*path.parts[1:])
                else:
                    raise ArchiveError(_("备份文件中有不认识的条目：%(name)s") % {"name": name})
                found[name] = _copy_out(tar.extractfile(member), destination, member.mode)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise ArchiveError(
            _("备份文件已损坏或不完整（%(error)s）：%(path)s") % {"error": error or type(error).__name__, "path": source}
        ) from error
    return found, root_modes


def _read_manifest(work: Path, found: dict[str, dict]) -> dict:
    """The manifest, checked against what was unpacked: every file there with its hash and size,
    nothing more, and data.json holding the rows per model it announces."""
    if MANIFEST not in found or DATA not in found:
        raise ArchiveError(_("备份文件中没有清单或数据（manifest.json、data.json），可能不完整。"))
    try:
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
            raise ArchiveError(_("不是本门户的备份文件，或格式版本不受支持。"))
        expected_files, expected_counts = dict(manifest["files"]), dict(manifest["counts"])
        manifest["migrations"] = {str(app): list(names) for app, names in manifest["migrations"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ArchiveError(_("备份清单无法读取（%(error)s）。") % {"error": error}) from error
    for name, expected in expected_files.items():
        if name not in found:
            raise ArchiveError(_("备份文件缺少 %(name)s，可能不完整。") % {"name": name})
        if found[name] != expected:
            raise ArchiveError(_("校验失败：%(name)s 的 SHA-256 或大小与清单不符，备份已损坏或被改动。") % {"name": name})
    extra = sorted(set(found) - set(expected_files) - {MANIFEST})
    if extra:
        raise ArchiveError(_("备份文件中有清单未列出的文件：%(names)s") % {"names": "、".join(extra[:5])})
    try:
        records = json.loads((work / DATA).read_text(encoding="utf-8"))
        counts = Counter(record["model"] for record in records)
    except (ValueError, KeyError, TypeError) as error:
        raise ArchiveError(_("data.json 无法读取（%(error)s）。") % {"error": error}) from error
    if counts != Counter({label: count for label, count in expected_counts.items() if count}):
        raise ArchiveError(_("data.json 的行数与清单不符，备份已损坏。"))
    return manifest


def _check_migrated() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise ArchiveError(_("数据库尚未迁移到最新：请先运行 python manage.py migrate，再恢复。"))
    return executor


def _check_install(manifest: dict, executor: MigrationExecutor) -> list[str]:
    """Refuse an install older than the archive (a model or a migration it does not know);
    returns warnings (this install has newer migrations than the archive)."""
    for label in manifest["counts"]:
        try:
            apps.get_model(label)
        except (LookupError, ValueError) as error:
            raise ArchiveError(
                _("备份中的数据（%(label)s）在本站点没有对应的模型：请先安装与备份相同或更新的版本。") % {"label": label}
            ) from error
    known = set(executor.loader.graph.nodes)
    applied = applied_migrations()
    warnings = []
    for app_label in sorted({label.split(".")[0] for label in manifest["counts"]}):
        archived = set(manifest["migrations"].get(app_label, []))
        unknown = sorted(name for name in archived if (app_label, name) not in known)
        if unknown:
            raise ArchiveError(
                _("备份来自较新的版本（%(app)s 的迁移 %(names)s 本站点没有）：请先升级代码再恢复。")
                % {"app": app_label, "names": "、".join(unknown)}
            )
        newer = sorted(set(applied.get(app_label, [])) - archived)
        if newer:
            warnings.append(
                _("%(app)s 的迁移 %(names)s 比备份新：数据按本站点当前的结构载入。")
                % {"app": app_label, "names": "、".join(newer)}
            )
    return warnings


def _clear_database() -> None:
    """Delete every row the archive replaces, the search index and the sessions (they name users
    by primary key, and the users are replaced), restarting their sequences."""
    replaced = {model._meta.label_lower for model in archived_models()} - set(MADE_BY_MIGRATE) | set(REBUILT)
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        owner = model._meta.auto_created or model  # a many-to-many table belongs to its model
        if model._meta.proxy or not model._meta.managed:
            continue
        if owner._meta.label_lower in replaced or owner._meta.app_label == "sessions":
            tables.add(model._meta.db_table)
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), sorted(tables), reset_sequences=True))


def _check_counts(expected: dict[str, int]) -> None:
    """After loading: the rows per model are the manifest's (content types and permissions may be
    more: `migrate` makes those of models newer than the archive)."""
    for label, count in expected.items():
        actual = apps.get_model(label)._base_manager.count()
        if actual != count and not (label in MADE_BY_MIGRATE and actual > count):
            raise ArchiveError(
                _("恢复后 %(label)s 有 %(actual)s 行，清单为 %(count)s 行：已撤销恢复。")
                % {"label": label, "actual": actual, "count": count}
            )


class _TreeSwap:
    """Put a staged tree in place of a file root's contents, entry by entry (the root itself may be
    a mount point), keeping the old entries aside so `undo()` can put them back."""

    def __init__(self, root: Path, staged: Path, aside: Path):
        self.root, self.staged, self.aside = root, staged, aside
        self.moves: list[tuple[Path, Path]] = []

    def _move(self, source: Path, target: Path) -> None:
        source.rename(target)
        self.moves.append((source, target))

    def apply(self) -> None:
        self.aside.mkdir()
        for entry in sorted(self.root.iterdir()):
            if not entry.name.startswith(STAGING_PREFIX):
                self._move(entry, self.aside / entry.name)
        for entry in sorted(self.staged.iterdir()):
            self._move(entry, self.root / entry.name)

    def undo(self) -> None:
        while self.moves:
            source, target = self.moves.pop()
            target.rename(source)


class _Staging:
    """A hidden directory inside each file root for a restore to unpack into (`new`) and to put
    the replaced files aside (`old`), so every move is a rename on one file system; removed when
    the restore ends. Roots the restore had to create are removed again if it fails."""

    def __init__(self, roots: dict[str, Path]):
        self.roots = roots
        self.created: list[str] = []
        self.dirs: dict[str, Path] = {}

    def __enter__(self):
        try:
            for tree, root in self.roots.items():
                if not root.exists():
                    root.mkdir(parents=True)
                    self.created.append(tree)
                self.dirs[tree] = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
                (self.dirs[tree] / "new").mkdir()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, kind, error, traceback):
        for directory in self.dirs.values():
            shutil.rmtree(directory, ignore_errors=True)
        if kind is not None:
            for tree in self.created:
                with suppress(OSError):
                    self.roots[tree].rmdir()

    @property
    def new(self) -> dict[str, Path]:
        return {tree: directory / "new" for tree, directory in self.dirs.items()}

    def set_root_modes(self, modes: dict[str, int]) -> None:
        """A root the restore created gets the archived root's mode (the private one: owner only)."""
        for tree in self.created:
            self.roots[tree].chmod(modes.get(tree, ROOT_MODES[tree]))

    def swaps(self) -> list[_TreeSwap]:
        return [_TreeSwap(self.roots[tree], directory / "new", directory / "old") for tree, directory in self.dirs.items()]


def _load(data: Path, manifest: dict, swaps: list[_TreeSwap], progress: Progress) -> int:
    """In one transaction: clear the tables, move the files into place, load the rows, check the
    counts and rebuild the search index; the files move back if any of it fails. Returns the
    number of search entries."""
    try:
        with transaction.atomic():
            ContentType.objects.clear_cache()
            _clear_database()
            for swap in swaps:
                swap.apply()
            progress(_("文件已就位，正在载入数据库……"))
            try:
                call_command("loaddata", str(data), verbosity=0)  # resets PostgreSQL's sequences
            except (DatabaseError, DeserializationError) as error:
                raise ArchiveError(_("载入数据库失败，已撤销恢复：%(error)s") % {"error": error}) from error
            ContentType.objects.clear_cache()
            _check_counts(manifest["counts"])
            # The search signals index raw saves too, but a row may load before what its text reads.
            return rebuild_index()["entries"]
    except BaseException:
        for swap in reversed(swaps):
            swap.undo()
        ContentType.objects.clear_cache()
        raise


def restore_backup(source: Path, *, force: bool = False, progress: Progress = _quiet) -> RestoreResult:
    """Restore the archive `source` into this install, which must be migrated and, unless
    `force`, without content. Every hash and count is checked before anything changes; the rows
    load in one transaction, the files move into place with it and move back if it fails."""
    source = Path(source)
    if not source.is_file():
        raise ArchiveError(_("找不到备份文件：%(path)s") % {"path": source})
    executor = _check_migrated()
    with _reported(_("恢复失败：%(error)s")), _Staging(file_roots()) as staging, tempfile.TemporaryDirectory() as work:
        progress(_("正在解包并校验 %(path)s ……") % {"path": source})
        found, root_modes = _unpack(source, Path(work), staging.new)
        staging.set_root_modes(root_modes)
        manifest = _read_manifest(Path(work), found)
        files = len(found) - 2  # manifest.json and data.json
        rows = sum(manifest["counts"].values())
        created = manifest.get("created", "?")
        checked = _("校验通过：%(files)s 个文件，%(rows)s 行（备份于 %(created)s）")
        progress(checked % {"files": files, "rows": rows, "created": created})
        warnings = _check_install(manifest, executor)
        existing = content_counts()
        if existing and not force:
            shown = "、".join(f"{label} {count}" for label, count in list(existing.items())[:5])
            refusal = _("数据库中已有内容（%(rows)s）：恢复会替换全部内容。确认要替换，请加 --force。")
            raise ArchiveError(refusal % {"rows": shown})
        search_entries = _load(Path(work) / DATA, manifest, staging.swaps(), progress)
    return RestoreResult(manifest["counts"], files, search_entries, replaced=bool(existing), warnings=warnings)
