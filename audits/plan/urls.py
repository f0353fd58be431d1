"""The "plan" namespace, mounted at /plan/ (placeholders until the plan is built)."""

from django.http import Http404
from django.urls import path


def _not_built(request, *args, **kwargs):
    raise Http404("The plan is not built yet.")


app_name = "plan"
urlpatterns = [
    path("", _not_built, name="progress"),
    path("generate/", _not_built, name="generate"),
]
