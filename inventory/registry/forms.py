"""The form of a component's registry link."""

from django import forms

from aims.forms import BootstrapFormMixin

from . import mlflow
from .models import ModelRegistryLink


class RegistryLinkForm(BootstrapFormMixin, forms.Form):
    tracking_uri = forms.CharField(
        label="Tracking server URL", max_length=500,
        help_text="The MLflow tracking server's address, e.g. https://mlflow.example.org",
    )  # fmt: skip
    model_name = forms.CharField(
        label="Registered model name", max_length=256,
        help_text="The model's name in the registry, exactly as registered.",
    )  # fmt: skip
    follow = forms.ChoiceField(
        label="Follow", choices=ModelRegistryLink.Follow.choices,
        help_text="What counts as a change: any new version, or the version an alias or a "
        "stage points to.",
    )  # fmt: skip
    follow_value = forms.CharField(
        label="Alias or stage", max_length=100, required=False,
        help_text=f"The alias (e.g. champion) or stage ({', '.join(mlflow.STAGES)}); leave "
        "empty for the newest version.",
    )  # fmt: skip
