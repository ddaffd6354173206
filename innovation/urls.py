from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "innovation"

urlpatterns = [
    path("", views.InnovationHomeView.as_view(), name="innovation-home"),
    path("platforms/", views.PlatformListView.as_view(), name="platform-list"),
    path("platforms/<slug:slug>/", views.PlatformDetailView.as_view(), name="platform-detail"),
    path("partners/", views.PartnerListView.as_view(), name="partner-list"),
    path("partners/<slug:slug>/", views.PartnerDetailView.as_view(), name="partner-detail"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise-list"),
    path("enterprises/<slug:slug>/", views.EnterpriseDetailView.as_view(), name="enterprise-detail"),
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("achievements/", views.AchievementListView.as_view(), name="achievement-list"),
    path("cooperations/", views.CooperationListView.as_view(), name="cooperation-list"),
    # The list's address before it followed /<section>/<plural>/.
    path("cooperation/", RedirectView.as_view(pattern_name="innovation:cooperation-list", permanent=True, query_string=True)),
]
