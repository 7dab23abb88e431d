from django.urls import path

from . import public_views

urlpatterns = [
    path(
        "observatoire/demander-un-accompagnement/",
        public_views.request_form,
        name="accompaniment_request",
    ),
    path(
        "observatoire/demander-un-accompagnement/merci/",
        public_views.request_thanks,
        name="accompaniment_request_thanks",
    ),
]
