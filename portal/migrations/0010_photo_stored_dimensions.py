from django.core.files.images import get_image_dimensions
from django.db import migrations

import portal.fields
import portal.images


def fill_dimensions(apps, schema_editor):
    """Store the width and height of photos saved without them (rows loaded by loaddata): pages
    no longer read them from the file when a row is loaded. A file missing from storage, or one
    Pillow cannot read, is skipped: its photo keeps empty dimensions, as before."""
    Photo = apps.get_model("portal", "Photo")
    storage = Photo._meta.get_field("image").storage
    rows = Photo.objects.filter(width=None) | Photo.objects.filter(height=None)
    # Values, not model instances: nothing here should depend on how a row is instantiated.
    for pk, name in list(rows.exclude(image="").order_by("pk").values_list("pk", "image")):
        if not storage.exists(name):
            continue
        with storage.open(name) as file:
            width, height = get_image_dimensions(file, close=True)
        if width and height:
            Photo.objects.filter(pk=pk).update(width=width, height=height)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0009_search_terms"),
    ]

    operations = [
        migrations.AlterField(
            model_name="photo",
            name="image",
            field=portal.fields.StoredDimensionsImageField(
                height_field="height",
                upload_to=portal.images.original_upload_to,
                validators=[portal.images.validate_image_file],
                verbose_name="图片文件",
                width_field="width",
            ),
        ),
        migrations.RunPython(fill_dimensions, migrations.RunPython.noop, elidable=True),
    ]
