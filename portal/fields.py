"""Model fields the portal's models share."""

from django.db import models


class StoredDimensionsImageField(models.ImageField):
    """An ImageField whose width and height are read from the file when it is assigned or the row
    is saved, never when a row is loaded.

    Django's ImageField connects `update_dimension_fields` to `post_init`: each time a row whose
    width or height is empty is instantiated (every page, feed, sitemap or API response that lists
    it), Django opens the file from storage and parses its header, and a file missing from storage
    turns that page into a 500. Our dimensions are stored instead: the model fills them on save
    (`fill_dimensions`, called by Photo.save), a migration filled the rows stored before, so
    loading a row never touches storage. Assigning a new file still reads its dimensions at once
    (Django's descriptor does that, not the signal)."""

    def contribute_to_class(self, cls, name, **kwargs):
        # FileField's own setup, without ImageField's post_init hook.
        models.FileField.contribute_to_class(self, cls, name, **kwargs)

    def fill_dimensions(self, instance, *, force: bool = False) -> bool:
        """Store the file's width and height on `instance` when either is empty, or always with
        `force` (the file changed). A file missing from storage leaves them as they are (the row
        still saves, and pages show it without dimensions). Returns whether they were read."""
        file = getattr(instance, self.attname)
        filled = all(getattr(instance, name) is not None for name in (self.width_field, self.height_field) if name)
        if not file or (filled and not force):
            return False
        if file._committed and not file.storage.exists(file.name):
            return False
        self.update_dimension_fields(instance, force=True)
        return True
