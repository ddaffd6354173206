"""Delete every sample row: `python manage.py remove_sample_data`.

Deletes the rows flagged `is_sample = True` of each model a section registered with
`registry.register_sample_models`, in the order registered (children first), in one
transaction. The article's content is never flagged, so it stays. Deleted rows keep their
revision history, so an editor can still recover one from the admin. The search index is
rebuilt at the end.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.registry import registry
from portal.search import rebuild_index


class Command(BaseCommand):
    help = "Delete all sample content (rows with is_sample=True of the registered sample models)."

    def handle(self, *args, **options):
        total = 0
        with transaction.atomic():
            for model in registry.sample_models:
                count, _per_model = model._default_manager.filter(is_sample=True).delete()
                if count:
                    self.stdout.write(f"  {model._meta.verbose_name_plural} ({model._meta.label_lower}): {count}")
                total += count
            search_entries = rebuild_index()["entries"]
        self.stdout.write(f"Search index: {search_entries} entries (rebuilt)")
        self.stdout.write(self.style.SUCCESS(f"Sample data removed: {total} rows."))
