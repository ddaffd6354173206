"""Back up the portal into one archive: `python manage.py backup PATH`.

PATH is the archive file, or a directory to write a dated `portal-backup-YYYYmmdd-HHMMSS.tar.gz`
into (what a daily timer wants). The archive holds every app's rows (natural keys, revision
history), MEDIA_ROOT, the private nomination documents and a manifest with the rows per model and
every file's SHA-256 (portal.backup says what is left out and why). It is written to a temporary
file and renamed into place, so it is either whole or not there; safe to re-run.
"""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from portal.backup import create_backup


class Command(BaseCommand):
    help = "Write one archive (.tar.gz) with the database, MEDIA_ROOT, the nomination files and a manifest."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive file to write, or a directory for a dated file name.")

    def handle(self, *args, **options):
        result = create_backup(Path(options["path"]), progress=self.stdout.write)
        if options["verbosity"] > 1:
            for label, count in result.counts.items():
                if count:
                    self.stdout.write(f"  {apps.get_model(label)._meta.verbose_name_plural} ({label}): {count}")
        summary = _("备份完成：%(path)s（%(size)s）——%(rows)s 行，%(files)s 个文件。") % {
            "path": result.path,
            "size": filesizeformat(result.size),
            "rows": sum(result.counts.values()),
            "files": len(result.files) - 1,  # data.json is listed with the files
        }
        self.stdout.write(self.style.SUCCESS(summary))
