"""The upload form of the import pages."""

from django import forms

from aims.forms import BootstrapFormMixin

from .kinds import kind_choices


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="What the file holds", choices=[])
    file = forms.FileField(
        label="Spreadsheet",
        help_text="A .csv file saved as UTF-8, or an .xlsx workbook (its first sheet is read). "
        "Start from a template: its columns are those of the export.",
    )

    def __init__(self, *args, kinds: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds if kinds is not None else kind_choices()
