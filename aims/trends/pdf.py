"""One short document to PDF with WeasyPrint, tagged for assistive technology like the
evidence packs (audits/packs/render.py); a one-page summary needs no sectioning."""

from django.conf import settings


def html_to_pdf(markup: str) -> bytes:
    from weasyprint import HTML  # imported on use: loading its libraries costs a second

    return HTML(string=markup, base_url=str(settings.BASE_DIR)).write_pdf(pdf_tags=True)
