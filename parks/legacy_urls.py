"""The section's addresses before it moved from /park/ to /parks/ (with /park/history/ now
/parks/milestones/ and a park's profile at /parks/parks/<slug>/): each answers with a
permanent redirect to where the page lives now, keeping the query string."""

from django.urls import path
from django.views.generic import RedirectView


def moved(pattern_name: str):
    return RedirectView.as_view(pattern_name=f"parks:{pattern_name}", permanent=True, query_string=True)


urlpatterns = [
    path("", moved("park-home")),
    path("areas/", moved("area-list")),
    path("history/", moved("milestone-list")),
    path("industries/", moved("industry-list")),
    path("indicators/", moved("indicator-list")),
    path("honours/", moved("honour-list")),
    path("<slug:slug>/", moved("park-detail")),
]
