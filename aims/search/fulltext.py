"""PostgreSQL full-text search of a register, read off a GIN index.

Computing ``to_tsvector`` for every row at query time made a search at ten times the reference
organisation cost seconds (issue 21). Each searched register therefore has a GIN index on
exactly the expression the search filters on, :func:`search_vector` of its searched fields;
the planner uses an expression index only when the query's expression is the same, so both the
query (:mod:`.selectors`) and the index (:class:`AddSearchIndex`, in each app's migrations)
are built here, from the same function.

The index lives in the database only (not in the models' state): SQLite, the embedded
default, has no GIN indexes, and its search is the ``icontains`` fallback. A register whose
searched fields change needs a migration with the new index (tests/aims/test_search_index.py
fails until it has one).
"""

from collections.abc import Sequence

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db.migrations.operations.base import Operation
from django.db.models import Model

FTS_CONFIG = "english"


def search_vector(fields: Sequence[str]) -> SearchVector:
    """The document of a record: its searched fields, in the search's configuration."""
    return SearchVector(*fields, config=FTS_CONFIG)


def index_name(model: type[Model]) -> str:
    return f"{model._meta.db_table}_search"


def search_index(model: type[Model], fields: Sequence[str]) -> GinIndex:
    return GinIndex(search_vector(fields), name=index_name(model))


class AddSearchIndex(Operation):
    """Create the search index of ``model_name`` over ``fields`` on PostgreSQL (nothing on other
    databases). The model state is left alone: the index is not one of the model's
    ``Meta.indexes``, so ``makemigrations`` never proposes to remove it."""

    reversible = True
    reduces_to_sql = True  # sqlmigrate prints the CREATE INDEX (on PostgreSQL)

    def __init__(self, model_name: str, fields: list[str]):
        self.model_name = model_name
        self.fields = list(fields)

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "fields": self.fields}
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass  # the database's business only

    def _applies(self, app_label, schema_editor, state) -> type[Model] | None:
        model = state.apps.get_model(app_label, self.model_name)
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return None
        if not self.allow_migrate_model(connection.alias, model):
            return None
        return model

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = self._applies(app_label, schema_editor, to_state)
        if model is not None:
            schema_editor.add_index(model, search_index(model, self.fields))
            # The planner's statistics of the indexed expression (how common each word is)
            # come from ANALYZE; until autovacuum runs it, it would guess.
            schema_editor.execute(f"ANALYZE {schema_editor.quote_name(model._meta.db_table)}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = self._applies(app_label, schema_editor, from_state)
        if model is not None:
            schema_editor.remove_index(model, search_index(model, self.fields))

    def describe(self):
        return f"Full-text search index on {self.model_name} ({', '.join(self.fields)})"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_search_index"
