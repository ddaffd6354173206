"""Private storage for nomination documents: outside MEDIA_ROOT, never served by a URL.

MEDIA_ROOT may be public (nginx serves it), so supporting documents live under
NOMINATION_UPLOAD_ROOT and staff download them through an admin-only view. On disk they are
readable by the site's own user only (files 0600, directories 0700), whatever the process umask
and FILE_UPLOAD_PERMISSIONS (0644, for public media) say: other accounts on the server have no
business reading nominees' documents.

With more than one app server the documents live in a private S3 bucket instead (settings,
DJANGO_S3_PRIVATE_BUCKET, STORAGES["private"]): PrivateS3Storage, which nothing makes public and
which has no URL either; the admin's download view reads the file through the storage and streams it.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIRECTORY_MODE = 0o700
NO_URL = "Nomination documents have no public URL; staff download them from the admin."


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
        raise ValueError(NO_URL)


def __getattr__(name):
    """PrivateS3Storage, defined on first use (PEP 562): django-storages' S3 backend imports boto3,
    a quarter of a second at every start, which a site keeping its files on disk never needs."""
    if name != "PrivateS3Storage":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from storages.backends.s3 import S3Storage

    class PrivateS3Storage(S3Storage):
        """S3Storage for a bucket nothing makes public: no URL, signed or not."""

        def url(self, name, *args, **kwargs):
            raise ValueError(NO_URL)

    PrivateS3Storage.__module__ = __name__
    globals()[name] = PrivateS3Storage
    return PrivateS3Storage


def private_storage():
    """The private bucket when settings.STORAGES names one ("private"), else PrivateStorage on disk."""
    if "private" in settings.STORAGES:
        return storages["private"]
    return PrivateStorage()
