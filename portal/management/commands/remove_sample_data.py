"""Delete every sample row: `python manage.py remove_sample_data`.

First every row `generate_demo_data` wrote (each part's `DemoData.generated()`, sections before
the portal; see portal/demo.py), then the rows flagged `is_sample = True` of each model a section
registered with `registry.register_sample_models`, in the order registered (children first; the
portal's photos last), keeping a row that a remaining row still points to (`portal.demo.removable`:
a real park showing a sample photo keeps it).
The article's content is never flagged or generated, so it stays. Deleted rows keep their
revision history, so an editor can still recover one from the admin.

Deleting is done in bulk: the signals of the search index and the page cache are paused, so
Django deletes each model's rows and links in a few statements instead of loading and signalling
row by row; at the end the index is rebuilt and the page cache starts a new generation, once.
A generated photo's file is deleted only when no remaining photo uses it (generated photos
share a small pool of files).
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.demo import after_bulk_changes, removable, remove_generated, row_signals_paused
from portal.registry import registry


class Command(BaseCommand):
    help = "Delete all sample content: generated demo data and rows with is_sample=True of the registered sample models."

    def handle(self, *args, **options):
        started = time.perf_counter()
        total = remove_generated(self.stdout.write)
        with row_signals_paused(), transaction.atomic():
            for model in registry.sample_models:
                count, _per_model = removable(model._default_manager.filter(is_sample=True)).delete()
                if count:
                    self.stdout.write(f"  {model._meta.verbose_name_plural} ({model._meta.label_lower}): {count}")
                total += count
        search_entries = after_bulk_changes()
        self.stdout.write(f"Search index: {search_entries} entries (rebuilt)")
        self.stdout.write(self.style.SUCCESS(f"Sample data removed: {total} rows in {time.perf_counter() - started:.1f} s."))
