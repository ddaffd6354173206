from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "parks"

urlpatterns = [
    path("", views.ParkHomeView.as_view(), name="park-home"),
    # The section's home is the park profile (with links to any other parks).
    path("parks/", RedirectView.as_view(pattern_name="parks:park-home"), name="park-list"),
    path("parks/<slug:slug>/", views.ParkDetailView.as_view(), name="park-detail"),
    path("areas/", views.AreaListView.as_view(), name="area-list"),
    path("milestones/", views.MilestoneListView.as_view(), name="milestone-list"),
    path("industries/", views.IndustryListView.as_view(), name="industry-list"),
    path("indicators/", views.IndicatorListView.as_view(), name="indicator-list"),
    path("honours/", views.HonourListView.as_view(), name="honour-list"),
]
