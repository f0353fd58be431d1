"""The EU AI Act classifier against a table of realistic use cases."""

import pytest

from risk.classification import QUESTIONS, classify, normalise

# (use case, role, answers, expected class, a phrase the route or reasoning must contain)
CASES = [
    ("CV screening that ranks applicants", "deployer",
     {"annex_iii_area": "4a", "profiling": True}, "high_risk", "4(a)"),
    ("Workplace emotion recognition of call-centre staff", "deployer",
     {"prohibited_practice": "5f"}, "prohibited", "5(1)(f)"),
    ("Driver drowsiness detection (emotion recognition for safety)", "provider",
     {"prohibited_practice": "5f", "art5_exception": True}, "high_risk", "1(c)"),
    ("Customer service chatbot", "provider",
     {"interacts_with_people": True}, "limited", "Art. 50"),
    ("Credit scoring of loan applicants", "deployer",
     {"annex_iii_area": "5b", "profiling": True}, "high_risk", "5(b)"),
    ("Email spam filter", "deployer", {}, "minimal", "minimal"),
    ("Biometric categorisation inferring sexual orientation", "provider",
     {"prohibited_practice": "5g"}, "prohibited", "5(1)(g)"),
    ("Online exam proctoring flagging cheating", "deployer",
     {"annex_iii_area": "3d"}, "high_risk", "3(d)"),
    ("Deepfake video generation for a marketing campaign", "deployer",
     {"synthetic_content": True, "deep_fake": True}, "limited", "deep fake"),
    ("Social scoring of citizens for benefits", "deployer",
     {"prohibited_practice": "5c"}, "prohibited", "5(1)(c)"),
    ("Life insurance pricing from health data", "deployer",
     {"annex_iii_area": "5c", "profiling": True}, "high_risk", "5(c)"),
    ("AI safety component of a medical device", "provider",
     {"annex_i_product": True}, "high_risk", "Annex I"),
    ("Spell-checker for HR letters (narrow procedural task)", "deployer",
     {"annex_iii_area": "4b", "art6_3_exception": "narrow_procedural"}, "minimal", "6(3)"),
    ("Emergency call triage", "deployer",
     {"annex_iii_area": "5d"}, "high_risk", "5(d)"),
    ("Untargeted face scraping to build a face database", "provider",
     {"prohibited_practice": "5e"}, "prohibited", "5(1)(e)"),
    ("Code completion assistant for developers", "deployer", {}, "minimal", "minimal"),
    ("Marketing copy generator (synthetic text)", "provider",
     {"synthetic_content": True}, "limited", "50(2)"),
    ("Election micro-targeting to influence voting", "deployer",
     {"annex_iii_area": "8b"}, "high_risk", "8(b)"),
    ("Grid load balancing safety component", "deployer",
     {"annex_iii_area": "2a"}, "high_risk", "2(a)"),
    ("Employee performance monitoring that profiles, claiming 6(3)", "deployer",
     {"annex_iii_area": "4b", "profiling": True, "art6_3_exception": "preparatory"},
     "high_risk", "profiles natural persons"),
]  # fmt: skip


def test_the_table_has_at_least_15_cases():
    assert len(CASES) >= 15


@pytest.mark.parametrize("name,role,answers,expected,phrase", CASES, ids=[c[0] for c in CASES])
def test_use_case_is_classified_as_expected(name, role, answers, expected, phrase):
    outcome = classify(answers, role)
    assert outcome.result == expected, (name, outcome.reasoning)
    text = " ".join([outcome.route, *outcome.reasoning, *outcome.obligations])
    assert phrase in text, (name, text)
    assert outcome.reasoning, "every result says why"
    assert any("Art. 4" in o for o in outcome.obligations) or expected == "prohibited"


def test_obligations_depend_on_the_role():
    answers = {"annex_iii_area": "4a", "profiling": True}
    provider = " ".join(classify(answers, "provider").obligations)
    deployer = " ".join(classify(answers, "deployer").obligations)
    assert "Art. 43" in provider and "Art. 9" in provider and "Art. 26" not in provider
    assert "Art. 26(1)" in deployer and "Art. 26(7)" in deployer and "Art. 43" not in deployer


def test_fria_for_deployers_of_credit_scoring_and_public_bodies_only():
    assert classify({"annex_iii_area": "5b", "profiling": True}, "deployer").fria_required
    assert not classify({"annex_iii_area": "5b", "profiling": True}, "provider").fria_required
    assert not classify({"annex_iii_area": "4a"}, "deployer").fria_required
    assert classify(
        {"annex_iii_area": "4a", "public_body_or_service": True}, "deployer"
    ).fria_required
    # Critical infrastructure is excluded from Art. 27
    assert not classify(
        {"annex_iii_area": "2a", "public_body_or_service": True}, "deployer"
    ).fria_required


def test_general_purpose_ai_obligations():
    outcome = classify({"gpai": True, "gpai_systemic": True}, "provider")
    text = " ".join(outcome.obligations)
    assert "Art. 53" in text and "Art. 55" in text


def test_exemption_under_6_3_requires_documentation():
    outcome = classify({"annex_iii_area": "3b", "art6_3_exception": "preparatory"}, "provider")
    assert outcome.result == "minimal"
    assert any("Art. 6(4)" in o for o in outcome.obligations)


def test_unknown_questions_and_bad_values_are_field_errors():
    _, errors = normalise({"astrology": True, "annex_iii_area": "9z", "gpai": "maybe"})
    assert set(errors) == {"astrology", "annex_iii_area", "gpai"}
    with pytest.raises(ValueError):
        classify({"annex_iii_area": "9z"}, "deployer")


def test_questions_start_with_the_prohibited_practices():
    assert QUESTIONS[0].key == "prohibited_practice"
