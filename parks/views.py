from django.views.generic import TemplateView


class ParkHomeView(TemplateView):
    template_name = "parks/park_home.html"
