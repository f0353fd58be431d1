"""GIN indexes of the global search (aims.search.fulltext): PostgreSQL only, the expression
the search filters on, so a search reads the index instead of every row (issue 21)."""

from django.db import migrations

from aims.search.fulltext import AddSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0015_first_run"),
    ]

    operations = [
        AddSearchIndex(model_name="finding", fields=["title", "description"]),
        AddSearchIndex(model_name="internalaudit", fields=["title", "scope"]),
    ]
