from django.urls import path

from . import views

app_name = "parks"

urlpatterns = [
    path("", views.ParkHomeView.as_view(), name="park-home"),
]
