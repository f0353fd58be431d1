"""The ISO/IEC 42001 catalogue is loaded from project data, idempotently, with the exact
counts of the reference, and never touches the organisation's statements."""

import pytest
from django.core.management import call_command

from audits.catalogue.services import load_after_migrate, load_catalogue
from audits.models import CatalogueItem, ControlStatement, Crosswalk
from audits.trail.verify import verify_chain

pytestmark = pytest.mark.django_db

# ISO/IEC 42001:2023 Annex A has 38 controls (A.2.2 ... A.10.4); clauses 4-10 have 32
# lowest-level requirements (see the shared reference iso42001.md).
ANNEX_A_CONTROLS = 38
CLAUSE_REQUIREMENTS = 32
HEADINGS = 22  # 7 clauses + 6.1, 7.5, 9.2, 9.3; A.2 ... A.10 + A.6.1, A.6.2


def controls():
    return CatalogueItem.objects.filter(kind="control", is_heading=False)


def test_the_migrated_database_already_has_the_catalogue():
    assert controls().count() == ANNEX_A_CONTROLS
    assert CatalogueItem.objects.filter(kind="clause", is_heading=False).count() == (
        CLAUSE_REQUIREMENTS
    )
    assert CatalogueItem.objects.filter(is_heading=True).count() == HEADINGS
    assert ControlStatement.objects.count() == ANNEX_A_CONTROLS + CLAUSE_REQUIREMENTS


def test_codes_parents_and_order_follow_the_standard():
    item = CatalogueItem.objects.get(code="A.6.2.4")
    assert item.title == "AI system verification and validation"
    assert item.parent.code == "A.6.2" and item.parent.parent.code == "A.6"
    assert CatalogueItem.objects.get(code="6.1.3").parent.code == "6.1"
    codes = list(CatalogueItem.objects.values_list("code", flat=True))
    assert codes.index("9.3.3") < codes.index("10") < codes.index("A.2") < codes.index("A.10")
    assert codes.index("A.9.4") < codes.index("A.10.2")  # numeric, not alphabetical
    assert set(controls().values_list("code", flat=True)) >= {"A.2.2", "A.6.1.3", "A.10.4"}
    assert not controls().filter(code__in=["A.2.1", "A.6.1.1"]).exists()  # objectives only


def test_every_item_has_text_in_our_words_and_headings_get_no_statement():
    assert not CatalogueItem.objects.filter(objective="").exists()
    assert not CatalogueItem.objects.filter(is_heading=False, guidance="").exists()
    assert not ControlStatement.objects.filter(item__is_heading=True).exists()


def test_crosswalks_show_what_else_a_control_satisfies():
    refs = set(Crosswalk.objects.filter(item__code="A.5.4").values_list("framework", "ref"))
    assert ("nist_ai_rmf", "MEASURE 2.11") in refs
    assert ("eu_ai_act", "Art. 27") in refs
    assert Crosswalk.objects.filter(item__code="A.6.2.8", ref="Art. 12").exists()


def test_loading_again_changes_nothing_and_keeps_the_statements(
    officer, django_assert_max_num_queries
):
    statement = ControlStatement.objects.get(item__code="A.7.4")
    ControlStatement.objects.filter(pk=statement.pk).update(
        owner=officer, implementation_status="implemented", implementation_notes="Kept"
    )
    items, crosswalks = CatalogueItem.objects.count(), Crosswalk.objects.count()
    history = ControlStatement.history.count()
    with django_assert_max_num_queries(6):
        summary = load_catalogue()
    assert summary["controls"] == ANNEX_A_CONTROLS
    assert summary["created"] == summary["updated"] == summary["statements_created"] == 0
    assert CatalogueItem.objects.count() == items and Crosswalk.objects.count() == crosswalks
    assert ControlStatement.history.count() == history
    statement.refresh_from_db()
    assert (statement.owner, statement.implementation_notes) == (officer, "Kept")


def test_a_changed_or_missing_item_is_repaired_in_place():
    item = CatalogueItem.objects.get(code="A.3.3")
    pk = item.pk
    CatalogueItem.objects.filter(pk=pk).update(title="Tampered", sort_key="0")
    Crosswalk.objects.filter(item__code="A.8.4").delete()
    ControlStatement.objects.filter(item__code="A.3.3").delete()
    summary = load_catalogue()
    assert summary["updated"] == 1 and summary["created"] == 0
    assert summary["statements_created"] == 1 and summary["crosswalks_created"] >= 1
    item = CatalogueItem.objects.get(code="A.3.3")
    assert item.pk == pk and item.title == "Reporting of concerns"
    assert CatalogueItem.objects.filter(code="A.3.3").count() == 1


def test_blank_statements_are_seed_data_and_the_audit_trail_stays_whole(officer):
    ControlStatement.objects.filter(item__code="A.2.3").delete()
    load_catalogue()
    statement = ControlStatement.objects.get(item__code="A.2.3")
    assert statement.history.count() == 0  # nobody decided anything yet
    assert (statement.applicable, statement.implementation_status) == (True, "not_started")
    result = verify_chain()
    assert result.ok and result.unsealed == 0


def test_the_command_and_the_post_migrate_receiver(capsys):
    call_command("load_catalogue")
    assert "38 Annex A controls" in capsys.readouterr().out

    class Other:
        label = "risk"

    CatalogueItem.objects.filter(code="A.2.4").update(title="Changed")
    load_after_migrate(Other())  # another app's post_migrate: nothing happens
    assert CatalogueItem.objects.get(code="A.2.4").title == "Changed"

    class Audits:
        label = "audits"

    load_after_migrate(Audits())
    assert CatalogueItem.objects.get(code="A.2.4").title == "Review of the AI policy"
