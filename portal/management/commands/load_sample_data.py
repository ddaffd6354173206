"""Load fictional sample content: `python manage.py load_sample_data`.

The article names no laureate, award cycle or expert, yet a newcomer should see those pages
working. Sample rows live in `fixtures/sample/*.json`, are obviously fictional (示例专家 01,
示例单位), carry `is_sample = True` so every page badges them "示例", and are removed, without
touching the article's content, by `python manage.py remove_sample_data`.

Like load_initial_data (whose helpers this reuses): rows whose primary key is new are inserted,
existing rows are left alone, and first revisions are recorded. Then every section's
`after_load` hook (registered with `registry.register_sample_models`) runs; the talent section's
places its sample award cycles relative to today (one open now, one announced, one upcoming),
which static fixtures cannot do. The portal imports no section: it only reads the registry.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.management.commands.load_initial_data import Command as InitialDataCommand
from portal.management.commands.load_initial_data import fixture_dir, fixture_files, read_records
from portal.registry import registry
from portal.search import rebuild_index

REVISION_COMMENT = "示例数据（load_sample_data）"


def sample_fixture_dir():
    return fixture_dir() / "sample"


class Command(BaseCommand):
    help = "Load fictional sample content (fixtures/sample/*.json), badged 示例 and removable with remove_sample_data."

    def handle(self, *args, **options):
        paths = fixture_files(sample_fixture_dir())
        if not paths:
            raise CommandError(f"No sample fixtures found in {sample_fixture_dir()}.")
        records = read_records(paths)
        loader = InitialDataCommand(stdout=self.stdout, stderr=self.stderr)
        with transaction.atomic():
            inserted = loader.insert_new_rows(records)
            for hook in registry.sample_hooks:
                hook()
            loader.record_revisions(sorted({record["model"] for record in records}))
            search_entries = rebuild_index()["entries"]  # rows loaded before what their text reads
        self.stdout.write(f"Sample fixtures: {', '.join(path.name for path in paths)}")
        self.stdout.write(f"Rows written: {inserted} of {len(records)} (existing rows are kept)")
        self.stdout.write(f"Search index: {search_entries} entries (rebuilt)")
        self.stdout.write(self.style.SUCCESS("Sample data loaded. Remove it with: python manage.py remove_sample_data"))
