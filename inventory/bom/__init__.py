"""The AI bill of materials of a system: its models, libraries, prompts and datasets, with
their providers, as a CycloneDX 1.6 ML-BOM (``cyclonedx``: build, validate, read), imported
through the same services as the forms (``services``), and a component pre-filled from a
Hugging Face model card (``huggingface``)."""
