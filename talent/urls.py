from django.urls import path

from . import views

app_name = "talent"

urlpatterns = [
    path("", views.TalentHomeView.as_view(), name="talent-home"),
    path("awards/", views.AwardListView.as_view(), name="award-list"),
    path("awards/<slug:slug>/", views.AwardDetailView.as_view(), name="award-detail"),
    path("awards/<slug:slug>/nominate/", views.NominationCreateView.as_view(), name="nomination-create"),
    path("cycles/<int:pk>/deadline.ics", views.cycle_calendar, name="cycle-calendar"),
    path("laureates/", views.LaureateListView.as_view(), name="laureate-list"),
    path("nominations/submitted/", views.nomination_submitted, name="nomination-submitted"),
    path("nominations/status/", views.nomination_status, name="nomination-status"),
    path("experts/", views.ExpertListView.as_view(), name="expert-list"),
    path("experts/<slug:slug>/", views.ExpertDetailView.as_view(), name="expert-detail"),
]
