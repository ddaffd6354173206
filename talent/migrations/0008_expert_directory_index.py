"""The directory's index gains the institution: the institution choices rank the first
published experts' institutions from the index alone (talent.filters.institution_choices).

The partial index of real experts in the directory's order is then created again, after it:
without table statistics SQLite takes, of two indexes it costs the same, the one created last,
and the HTML site map's first real experts must walk that partial index, not step over every
示例 expert in the directory's (tests/talent/test_scale.py checks the plans)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("talent", "0007_real_rows_sitemap_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="expert",
            name="talent_expert_status_order",
        ),
        migrations.AddIndex(
            model_name="expert",
            index=models.Index(fields=["status", "ordering", "name", "id", "institution"], name="talent_expert_directory"),
        ),
        migrations.RemoveIndex(
            model_name="expert",
            name="talent_expert_real_order",
        ),
        migrations.AddIndex(
            model_name="expert",
            index=models.Index(
                condition=models.Q(("is_sample", False)),
                fields=["status", "ordering", "name", "id", "published_at"],
                name="talent_expert_real_order",
            ),
        ),
    ]
