"""The browser's forms of the bill of materials: the BOM upload, its confirmation (the
previewed document sent back as is), and a Hugging Face model card upload."""

from django import forms

from aims.forms import BootstrapFormMixin

from .cyclonedx import MAX_BYTES


class BomUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label="CycloneDX BOM (JSON)",
        help_text="A CycloneDX 1.6 JSON bill of materials. You see what it changes before "
        "anything is saved.",
    )


class BomConfirmForm(BootstrapFormMixin, forms.Form):
    # The document previewed, sent back for the import: read and validated again then.
    document = forms.CharField(max_length=MAX_BYTES, widget=forms.HiddenInput)


class ModelCardForm(BootstrapFormMixin, forms.Form):
    card = forms.FileField(
        label="Hugging Face model card (README.md)",
        help_text="The model repository's README with its metadata block; read here, "
        "nothing is fetched from Hugging Face.",
    )
