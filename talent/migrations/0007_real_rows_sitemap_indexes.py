"""Partial indexes of the real (not sample) public awards and experts: the sitemaps never step over a sample (issue 11)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("talent", "0006_scale_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="award",
            index=models.Index(
                condition=models.Q(("is_sample", False)),
                fields=["status", "ordering", "id", "published_at"],
                name="talent_award_real_order",
            ),
        ),
        migrations.AddIndex(
            model_name="award",
            index=models.Index(
                condition=models.Q(("is_sample", False)),
                fields=["status", "id", "published_at", "updated_at"],
                name="talent_award_real_pk",
            ),
        ),
        migrations.AddIndex(
            model_name="expert",
            index=models.Index(
                condition=models.Q(("is_sample", False)),
                fields=["status", "ordering", "name", "id", "published_at"],
                name="talent_expert_real_order",
            ),
        ),
        migrations.AddIndex(
            model_name="expert",
            index=models.Index(
                condition=models.Q(("is_sample", False)),
                fields=["status", "id", "published_at", "updated_at"],
                name="talent_expert_real_pk",
            ),
        ),
    ]
