"""The ISO/IEC 27001:2022 Annex A reference data and the suggested mappings, loaded after
every migrate and idempotent."""

import pytest

from audits.data import iso42001
from audits.iso27001 import data
from audits.iso27001.loader import load_iso27001
from audits.models import CatalogueItem, ControlMapping, SecurityControl

pytestmark = pytest.mark.django_db


def test_the_93_controls_are_loaded_with_unique_identifiers_by_theme():
    controls = list(SecurityControl.objects.all())
    assert len(controls) == 93
    assert len({c.code for c in controls}) == 93
    by_theme = {}
    for c in controls:
        by_theme[c.theme] = by_theme.get(c.theme, 0) + 1
    assert by_theme == {"organisational": 37, "people": 8, "physical": 14, "technological": 34}
    assert [c.code for c in controls][:3] == ["5.1", "5.2", "5.3"]  # numeric order
    assert [c.code for c in controls][-2:] == ["8.33", "8.34"]
    assert all(c.title for c in controls)


def test_fresh_controls_are_blank_and_have_no_history():
    c = SecurityControl.objects.get(code="8.15")
    assert c.implementation_status == "not_implemented" and c.applicable and c.owner is None
    assert c.history.count() == 0


def test_suggested_mappings_target_existing_requirements_and_start_proposed():
    codes = {row[0] for row in iso42001.CLAUSES + iso42001.CONTROLS}
    headings = set(CatalogueItem.objects.filter(is_heading=True).values_list("code", flat=True))
    for control_code, item_code, rationale in data.SUGGESTED_MAPPINGS:
        assert control_code in {c for c, _ in data.CONTROLS}
        assert item_code in codes and item_code not in headings, item_code
        assert rationale
    shipped = ControlMapping.objects.filter(source="suggested")
    assert shipped.count() == len(data.SUGGESTED_MAPPINGS)
    assert set(shipped.values_list("status", flat=True)) == {"proposed"}
    assert not shipped.filter(reviewed_by__isnull=False).exists()
    assert shipped.filter(security_control__code="8.15", item__code="A.6.2.8").exists()


def test_loading_again_changes_nothing_and_never_brings_back_a_rejected_suggestion(officer):
    from audits.iso27001 import services

    mapping = ControlMapping.objects.get(security_control__code="5.23", item__code="A.4.5")
    services.mapping_reject(actor=officer, mapping=mapping, reason="Cloud is out of scope")
    SecurityControl.objects.filter(code="8.15").update(implementation_notes="SIEM")
    summary = load_iso27001()
    assert summary == {
        "controls": 93, "created": 0, "updated": 0, "suggestions_created": 0,
    }  # fmt: skip
    assert SecurityControl.objects.get(code="8.15").implementation_notes == "SIEM"
    assert not ControlMapping.objects.filter(
        security_control__code="5.23", item__code="A.4.5", status="proposed"
    ).exists()


def test_titles_are_our_own_words_not_the_standards():
    """A few of the standard's titles, which must not be copied verbatim."""
    titles = dict(data.CONTROLS)
    assert titles["8.15"] != "Logging"
    assert titles["5.15"] != "Access control"
    assert titles["6.3"] != "Information security awareness, education and training"
