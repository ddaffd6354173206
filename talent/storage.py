"""Private storage for nomination documents: outside MEDIA_ROOT, never served by a URL.

MEDIA_ROOT may be public (nginx serves it), so supporting documents live under
NOMINATION_UPLOAD_ROOT and staff download them through an admin-only view. On disk they are
readable by the site's own user only (files 0600, directories 0700), whatever the process umask
and FILE_UPLOAD_PERMISSIONS (0644, for public media) say: other accounts on the server have no
business reading nominees' documents.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIRECTORY_MODE = 0o700


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at settings.NOMINATION_UPLOAD_ROOT, read on every access so a
    changed setting (as in the test suite) is honoured; private file and directory modes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("file_permissions_mode", PRIVATE_FILE_MODE)
        kwargs.setdefault("directory_permissions_mode", PRIVATE_DIRECTORY_MODE)
        super().__init__(**kwargs)

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
