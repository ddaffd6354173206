from django.urls import path

from . import views

app_name = "parks"

urlpatterns = [
    path("", views.ParkHomeView.as_view(), name="park-home"),
    path("areas/", views.AreaListView.as_view(), name="area-list"),
    path("history/", views.MilestoneListView.as_view(), name="milestone-list"),
    path("industries/", views.IndustryListView.as_view(), name="industry-list"),
    path("indicators/", views.IndicatorListView.as_view(), name="indicator-list"),
    path("honours/", views.HonourListView.as_view(), name="honour-list"),
    path("<slug:slug>/", views.ParkDetailView.as_view(), name="park-detail"),
]
