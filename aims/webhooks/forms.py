"""The subscription form of the webhook pages."""

from django import forms
from django.contrib.auth import get_user_model

from aims.forms import BootstrapFormMixin

from .events import WIRED, Event
from .models import WebhookSubscription

User = get_user_model()


def event_choices() -> list[tuple[str, str]]:
    # An event nothing sends yet may be chosen (it will be sent once wired), but says so.
    return [(value, label if value in WIRED else f"{label} (not sent yet)")
            for value, label in Event.choices]  # fmt: skip


class SubscriptionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=100, help_text="What receives the events, e.g. 'GRC tool'.")
    url = forms.CharField(
        label="Target URL", max_length=500,
        help_text="An http:// or https:// address that accepts a POST with a JSON body.",
    )  # fmt: skip
    preset = forms.ChoiceField(
        label="Message format", choices=WebhookSubscription.Preset.choices,
        help_text="Slack and Teams: paste the incoming-webhook URL of a channel.",
    )  # fmt: skip
    event_types = forms.MultipleChoiceField(
        label="Events", choices=event_choices, widget=forms.CheckboxSelectMultiple
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        help_text="Told when the subscription is disabled after failures (default: you).",
    )
