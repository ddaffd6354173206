"""Indexes that keep the talent pages' work flat as rows multiply (issue 11)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("talent", "0005_roles_review_nomination"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="awardcycle",
            index=models.Index(fields=["status", "year", "published_at"], name="talent_cycle_status_year"),
        ),
        migrations.AddIndex(
            model_name="awardcycle",
            index=models.Index(fields=["award", "nomination_opens"], name="talent_cycle_award_opens"),
        ),
        migrations.AddIndex(
            model_name="awardcycle",
            index=models.Index(fields=["status", "nomination_closes"], name="talent_cycle_status_closes"),
        ),
        migrations.AddIndex(
            model_name="expert",
            index=models.Index(fields=["status", "ordering", "name", "id"], name="talent_expert_status_order"),
        ),
        migrations.AddIndex(
            model_name="expert",
            index=models.Index(fields=["status", "institution", "is_sample", "published_at"], name="talent_expert_status_inst"),
        ),
        migrations.AddIndex(
            model_name="laureate",
            index=models.Index(fields=["cycle", "status", "published_at"], name="talent_laureate_cycle_status"),
        ),
    ]
