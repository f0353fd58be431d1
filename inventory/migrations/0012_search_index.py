"""GIN indexes of the global search (aims.search.fulltext): PostgreSQL only, the expression
the search filters on, so a search reads the index instead of every row (issue 21)."""

from django.db import migrations

from aims.search.fulltext import AddSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0011_intake_drafts"),
    ]

    operations = [
        AddSearchIndex(model_name="aisystem", fields=["name", "purpose"]),
    ]
