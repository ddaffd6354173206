"""Restore an archive made by `backup`: `python manage.py restore PATH [--force]`.

Into a migrated install without content (a fresh one: `migrate`, then `restore`); with `--force`
the archive replaces whatever content there is (and signs everyone out). Every file's SHA-256
and the rows per model are checked against the manifest before anything changes; a corrupt,
truncated or altered archive is refused with a message and exit status 1. The rows load in one
transaction and the files move into place with it, so a failed restore changes nothing. The
search index is rebuilt from the restored rows.
"""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal.backup import restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive into a migrated, empty install (--force: replace existing content)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive written by `manage.py backup`.")
        parser.add_argument(
            "--force", action="store_true", help="Replace the content already in the database and the file directories."
        )

    def handle(self, *args, **options):
        result = restore_backup(Path(options["path"]), force=options["force"], progress=self.stdout.write)
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        summary = _("恢复完成：%(rows)s 行，%(files)s 个文件，搜索索引重建 %(entries)s 条。")
        if result.replaced:
            summary = _("恢复完成（已替换原有内容）：%(rows)s 行，%(files)s 个文件，搜索索引重建 %(entries)s 条。")
        values = {"rows": sum(result.counts.values()), "files": result.files, "entries": result.search_entries}
        self.stdout.write(self.style.SUCCESS(summary % values))
