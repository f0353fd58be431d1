"""GIN indexes of the global search (aims.search.fulltext): PostgreSQL only, the expression
the search filters on, so a search reads the index instead of every row (issue 21)."""

from django.db import migrations

from aims.search.fulltext import AddSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0004_every_report_of_a_vendor_change_kept"),
    ]

    operations = [
        AddSearchIndex(model_name="supplier", fields=["name", "services_used"]),
        AddSearchIndex(model_name="vendorchangenotice", fields=["title", "description"]),
    ]
