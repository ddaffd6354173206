"""The portal's URLconf plus uploaded media served from the *current* MEDIA_ROOT.

portal/urls.py fixes the media route's document_root when it is imported, but the suite moves
MEDIA_ROOT to a fresh directory for every test (tests/conftest.py::media_root). The live server
must serve the files the test just generated, so browser tests use this URLconf
(``pytest.mark.urls``) whose media view looks MEDIA_ROOT up on every request.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from portal.urls import urlpatterns as portal_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")), media),
    *portal_urlpatterns,
]
