"""GIN indexes of the global search (aims.search.fulltext): PostgreSQL only, the expression
the search filters on, so a search reads the index instead of every row (issue 21)."""

from django.db import migrations

from aims.search.fulltext import AddSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("aims", "0024_webhooks"),
    ]

    operations = [
        AddSearchIndex(model_name="correctiveaction", fields=["title", "nonconformity"]),
        AddSearchIndex(model_name="evidence", fields=["title", "description", "original_filename"]),
        AddSearchIndex(model_name="policy", fields=["title", "purpose"]),
        AddSearchIndex(model_name="objective", fields=["title", "description"]),
    ]
