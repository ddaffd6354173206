"""Private storage for nomination documents: outside MEDIA_ROOT, never served by a URL.

MEDIA_ROOT may be public (nginx serves it), so supporting documents live under
NOMINATION_UPLOAD_ROOT and staff download them through an admin-only view.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at settings.NOMINATION_UPLOAD_ROOT, read on every access so a
    changed setting (as in the test suite) is honoured."""

    @property
    def base_location(self):
        return str(settings.NOMINATION_UPLOAD_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Nomination documents have no public URL; staff download them from the admin.")


def private_storage():
    return PrivateStorage()
