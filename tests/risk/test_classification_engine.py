"""The EU AI Act classification engine (questionnaire v2): the labelled use cases, and the
rules an owner relies on when answering: every asked question answered, contradictions
refused with the reason, only relevant questions asked, several choices, pre-filling."""

from types import SimpleNamespace

import pytest

from risk.classification import (
    ANY_BUT_NONE,
    APPLICATION_DATES,
    QUESTION_BY_KEY,
    QUESTIONNAIRE_VERSION,
    QUESTIONS,
    RESULTS,
    ROLES,
    UNSURE,
    Obligation,
    asked,
    classify,
    completed,
    normalise,
    prefill_from_intake,
    question_as_dict,
)

from .classification_cases import CASES, Case, complete


def article_tokens(outcome) -> list[str]:
    return [t for o in outcome.obligations for t in o.articles.split(", ")]


def has_ref(outcome, ref: str) -> bool:
    """'Art. 26' matches 'Art. 26(8)'; 'Art. 26(1)' does not match 'Art. 26(10)'."""
    return any(t == ref or t.startswith(ref + "(") for t in article_tokens(outcome))


def disagreements(case: Case) -> list[str]:
    clean, errors = normalise(case.answers, case.role)
    if errors:
        return [f"refused: {errors}"]
    outcome = classify(clean, case.role)
    problems = []
    if outcome.result != case.expected:
        problems.append(f"result {outcome.result}, expected {case.expected}")
    problems += [f"missing {r}" for r in case.must if not has_ref(outcome, r)]
    problems += [f"unexpected {r}" for r in case.must_not if has_ref(outcome, r)]
    if case.fria is not None and outcome.fria_required != case.fria:
        problems.append(f"fria_required {outcome.fria_required}")
    if case.provisional and outcome.provisional != case.provisional:
        problems.append(f"provisional {outcome.provisional}, expected {case.provisional}")
    if case.reasoning and case.reasoning not in " ".join(outcome.reasoning):
        problems.append(f"reasoning lacks {case.reasoning!r}")
    return problems


# --- The labelled table ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_use_case(case):
    problems = disagreements(case)
    assert not problems, (case.name, case.basis, problems)


def test_table_agreement_is_complete(capsys):
    agree = [c for c in CASES if not disagreements(c)]
    with capsys.disabled():
        print(f"\nclassification table: {len(agree)}/{len(CASES)} cases agree")
    assert len(CASES) >= 65
    assert len(agree) == len(CASES)


def test_table_covers_the_act():
    answers = [c.answers for c in CASES]
    practices = {p for a in answers for p in a.get("prohibited_practices", [])}
    assert {"5a", "5b", "5c", "5d", "5e", "5f", "5g", "5h"} <= practices
    areas = {p[0] for a in answers if isinstance(a.get("annex_iii_areas"), list)
             for p in a["annex_iii_areas"] if p != "none"}  # fmt: skip
    assert areas == {"1", "2", "3", "4", "5", "6", "7", "8"}
    exceptions = {a.get("art6_3_exception") for a in answers}
    assert {"narrow_procedural", "improves_human", "detects_patterns", "preparatory"} <= exceptions
    assert {c.role for c in CASES} == {r for r, _ in ROLES}
    assert {c.expected for c in CASES} == {r for r, _ in RESULTS}
    for key, values in {
        "interaction_exception": {"obvious", "law_enforcement"},
        "marking_exception": {"standard_editing", "no_substantial_alteration", "law_enforcement"},
        "deep_fake_context": {"artistic", "law_enforcement"},
        "public_interest_text_exception": {"editorial"},
    }.items():
        assert values <= {a.get(key) for a in answers}, key
    assert all(c.basis and c.name for c in CASES)


def test_every_result_says_why_and_each_obligation_is_complete():
    for case in CASES:
        outcome = classify(case.answers, case.role)
        assert outcome.reasoning, case.name
        for o in outcome.obligations:
            assert isinstance(o, Obligation)
            assert o.text and o.articles.startswith("Art.") and o.party
            assert o.applies in APPLICATION_DATES, (case.name, o)
            assert set(o.as_dict()) == {"text", "articles", "applies", "party"}


def test_no_cut_labels_in_the_reasoning():
    for case in CASES:
        outcome = classify(case.answers, case.role)
        for line in outcome.reasoning:
            assert "...." not in line and "..." not in line, line


# --- Module constants ---------------------------------------------------------------------------


def test_version_roles_and_dates():
    assert QUESTIONNAIRE_VERSION == 2
    assert [r for r, _ in ROLES] == [
        "provider",
        "deployer",
        "importer",
        "distributor",
        "product_manufacturer",
    ]
    assert str(APPLICATION_DATES["general"].act) == "2025-02-02"
    assert str(APPLICATION_DATES["gpai"].omnibus) == "2025-08-02"
    assert str(APPLICATION_DATES["transparency"].act) == "2026-08-02"
    assert str(APPLICATION_DATES["annex_iii"].act) == "2026-08-02"
    assert str(APPLICATION_DATES["annex_iii"].omnibus) == "2027-12-02"
    assert str(APPLICATION_DATES["annex_i"].act) == "2027-08-02"
    assert str(APPLICATION_DATES["annex_i"].omnibus) == "2028-08-02"


def test_stable_keys_and_question_dicts():
    stable = {
        "prohibited_practices", "art5_exception", "annex_i_product", "annex_iii_areas",
        "art6_3_exception", "profiling", "interacts_with_people", "synthetic_content",
        "deep_fake", "public_interest_text", "emotion_or_biometric_categorisation", "gpai",
        "gpai_systemic", "public_body_or_service",
    }  # fmt: skip
    assert stable <= set(QUESTION_BY_KEY)
    assert QUESTIONS[0].key == "prohibited_practices" and QUESTIONS[0].many
    assert QUESTION_BY_KEY["annex_iii_areas"].many
    for q in QUESTIONS:
        d = question_as_dict(q)
        assert d["key"] == q.key and d["text"] and d["reference"].startswith(("Art.", "Annex"))
        assert d["type"] in ("yes_no", "choice", "many")
        # every question a show_if names comes earlier in the questionnaire
        order = [x.key for x in QUESTIONS]
        for parent in q.show_if:
            assert parent == "role" or order.index(parent) < order.index(q.key)


def test_wording_follows_the_act():
    deep_fake = QUESTION_BY_KEY["deep_fake"].text
    for word in ("people", "objects", "places", "entities", "events"):
        assert word in deep_fake
    practices = QUESTION_BY_KEY["prohibited_practices"]
    assert (
        "customers" in practices.choice_help["5f"] and "not workers" in practices.choice_help["5f"]
    )
    assert all(not label.endswith("...") for _, label in practices.choices)
    annex = QUESTION_BY_KEY["annex_iii_areas"]
    assert "fraud" in annex.choice_help["5b"]
    assert "sole purpose" in annex.choice_help["1a"]
    assert set(annex.choice_help) >= {"1a", "1b", "1c", "2a", "5b", "7d", "8b"}


# --- Every asked question must be answered --------------------------------------------------------


def test_blank_answers_are_never_minimal():
    clean, errors = normalise({}, "deployer")
    for key in ("prohibited_practices", "annex_i_product", "annex_iii_areas",
                "interacts_with_people", "synthetic_content"):  # fmt: skip
        assert errors[key] == [
            "Answer this question: pick every answer that applies, 'None of these', or not sure."
            if QUESTION_BY_KEY[key].many
            else "Answer this question: yes, no or not sure."
        ]
    with pytest.raises(ValueError):
        classify({}, "deployer")


def test_missing_follow_up_question_is_an_error():
    answers = complete("deployer", {"annex_iii_areas": ["4a"]})
    del answers["profiling"]
    _, errors = normalise(answers, "deployer")
    assert set(errors) == {"profiling"}


def test_unknown_keys_bad_values_and_bad_role_are_field_errors():
    answers = complete("deployer", {})
    answers.update({"astrology": True, "annex_i_product": "maybe"})
    answers["annex_iii_areas"] = ["9z"]
    _, errors = normalise(answers, "regulator")
    assert {"astrology", "annex_i_product", "annex_iii_areas", "role"} <= set(errors)
    assert "not a question" in errors["astrology"][0]
    with pytest.raises(ValueError):
        classify(answers, "deployer")


def test_many_choice_rules():
    answers = complete("deployer", {})
    answers["annex_iii_areas"] = ["none", "4a"]
    _, errors = normalise(answers, "deployer")
    assert "cannot be combined" in errors["annex_iii_areas"][0]
    answers["annex_iii_areas"] = []
    assert "Answer this question" in normalise(answers, "deployer")[1]["annex_iii_areas"][0]
    answers = complete("deployer", {"annex_iii_areas": ["5b", "4a", "4a"], "profiling": True})
    clean, errors = normalise(answers, "deployer")
    assert not errors and clean["annex_iii_areas"] == ["4a", "5b"]  # ordered, deduplicated
    outcome = classify(clean, "deployer")
    assert "4(a), 5(b)" in outcome.route and outcome.fria_required
    answers = complete("provider", {"prohibited_practices": ["5c", "5e"]})
    outcome = classify(answers, "provider")
    assert (
        outcome.result == "prohibited" and "5(1)(c)" in outcome.route and "5(1)(e)" in outcome.route
    )


# --- Contradictions, each refused with its reason on the right key -----------------------------


@pytest.mark.parametrize(
    "role,given,key,phrase",
    [
        ("provider", {"gpai": False, "gpai_systemic": True}, "gpai_systemic", "general-purpose"),
        ("deployer", {"art6_3_exception": "preparatory"}, "art6_3_exception", "Annex III"),
        ("deployer", {"prohibited_practices": ["5a"], "art5_exception": True},
         "art5_exception", "5(1)(f)"),
        ("deployer", {"art5_exception": True}, "art5_exception", "none of the practices"),
        ("deployer", {"annex_iii_areas": ["4a"], "profiling": True,
                      "art6_3_exception": "preparatory"}, "art6_3_exception", "profiles"),
        ("deployer", {"synthetic_content": False, "deep_fake": True}, "deep_fake", "'yes'"),
        ("deployer", {"public_body_or_service": True}, "public_body_or_service", "Annex III"),
        ("deployer", {"gpai": True}, "gpai", "provider role"),
        ("provider", {"own_name_or_trademark": True}, "own_name_or_trademark", "provider"),
        ("deployer", {"annex_iii_areas": ["1c"], "profiling": False,
                      "emotion_or_biometric_categorisation": False},
         "emotion_or_biometric_categorisation", "1(c)"),
        ("deployer", {"prohibited_practices": ["5f"], "art5_exception": True,
                      "annex_iii_areas": ["4b"], "profiling": True,
                      "emotion_or_biometric_categorisation": True}, "annex_iii_areas", "1(c)"),
        ("provider", {"prohibited_practices": ["5h"], "art5_exception": False},
         "annex_iii_areas", "1(a)"),
        ("deployer", {"annex_i_product": False, "annex_i_section_b": True},
         "annex_i_section_b", "Annex I"),
        ("provider", {"interacts_with_people": False, "interaction_exception": "obvious"},
         "interaction_exception", "interacts"),
    ],
)  # fmt: skip
def test_contradictions_are_refused_with_the_reason(role, given, key, phrase):
    answers = complete(role, given)
    _, errors = normalise(answers, role)
    assert key in errors, errors
    assert phrase in " ".join(errors[key])
    with pytest.raises(ValueError):
        classify(answers, role)


def test_negative_or_unsure_answers_to_questions_not_asked_are_dropped():
    answers = complete("deployer", {})
    answers.update({"gpai_systemic": False, "art5_exception": UNSURE, "profiling": ""})
    clean, errors = normalise(answers, "deployer")
    assert not errors
    assert not {"gpai_systemic", "art5_exception", "profiling"} & set(clean)


def test_lenient_yes_no_strings():
    answers = complete("provider", {})
    answers["interacts_with_people"] = "yes"
    answers["interaction_exception"] = "none"
    clean, errors = normalise(answers, "provider")
    assert not errors and clean["interacts_with_people"] is True


# --- Conditional questions ---------------------------------------------------------------------


def keys_asked(role: str, answers: dict) -> set[str]:
    return {q.key for q in QUESTIONS if asked(q, answers, role)}


def test_only_relevant_questions_are_asked():
    base = complete("deployer", {})
    asked_now = keys_asked("deployer", base)
    assert {"art5_exception", "profiling", "art6_3_exception", "deep_fake", "gpai",
            "public_body_or_service", "interaction_exception"}.isdisjoint(asked_now)  # fmt: skip
    assert {"own_name_or_trademark", "substantial_modification", "changed_purpose"} <= asked_now
    assert "art5_exception" in keys_asked("deployer", {"prohibited_practices": ["5a", "5f"]})
    assert "art5_exception" not in keys_asked("deployer", {"prohibited_practices": ["5a"]})
    high = {"annex_iii_areas": ["4a"], "profiling": True}
    assert {"profiling", "public_body_or_service"} <= keys_asked("deployer", high)
    assert "art6_3_exception" not in keys_asked("deployer", high)
    assert "art6_3_exception" in keys_asked("deployer", {**high, "profiling": False})
    assert "art6_3_exception" in keys_asked("deployer", {**high, "profiling": UNSURE})
    assert "public_body_or_service" not in keys_asked("provider", high)
    assert "public_authority" in keys_asked("deployer", {**high, "public_body_or_service": True})
    assert "profiling" not in keys_asked("deployer", {"annex_iii_areas": UNSURE})
    gen = {"synthetic_content": True, "interacts_with_people": True}
    assert {"deep_fake", "public_interest_text"} <= keys_asked("deployer", gen)
    assert not {"marking_exception", "interaction_exception"} & keys_asked("deployer", gen)
    assert {"marking_exception", "interaction_exception", "gpai"} <= keys_asked("provider", gen)
    assert not {"deep_fake", "public_interest_text"} & keys_asked("provider", gen)
    assert "product_under_own_name" in keys_asked("product_manufacturer", {})
    assert "own_name_or_trademark" not in keys_asked("provider", {})
    assert {"gpai_systemic", "gpai_open_source"} <= keys_asked("provider", {"gpai": True})


def test_show_if_without_a_role_counts_the_role_condition_as_met():
    assert asked(QUESTION_BY_KEY["gpai"], {})
    assert asked(QUESTION_BY_KEY["gpai"], {"role": "provider"})
    assert not asked(QUESTION_BY_KEY["gpai"], {"role": "deployer"})
    assert ANY_BUT_NONE in QUESTION_BY_KEY["profiling"].show_if["annex_iii_areas"]
    # raw form values count as their answer
    assert asked(QUESTION_BY_KEY["deep_fake"], {"synthetic_content": "yes"}, "deployer")
    assert asked(QUESTION_BY_KEY["profiling"], {"annex_iii_areas": "4a"}, "deployer")
    assert not asked(QUESTION_BY_KEY["profiling"], {"annex_iii_areas": ["none"]}, "deployer")


# --- "Not sure" ---------------------------------------------------------------------------


def test_not_sure_anywhere_makes_the_result_pending():
    for case in CASES:
        if case.expected == "pending":
            continue
        for key in case.answers:
            answers = {**case.answers, key: UNSURE}
            clean, errors = normalise(answers, case.role)
            if errors:  # a follow-up now unasked with a positive answer: not this test's point
                continue
            outcome = classify(clean, case.role)
            assert outcome.result == "pending", (case.name, key)
            assert key in outcome.unsure and outcome.provisional in (
                "prohibited", "high_risk", "limited", "minimal"
            )  # fmt: skip
            assert "not sure" in outcome.reasoning[0]


def test_pending_keeps_the_provisional_obligations():
    answers = complete("deployer", {"annex_iii_areas": ["4a"], "profiling": UNSURE,
                                    "art6_3_exception": "none"})  # fmt: skip
    outcome = classify(answers, "deployer")
    assert outcome.result == "pending" and outcome.provisional == "high_risk"
    assert outcome.unsure == ["profiling"]
    assert has_ref(outcome, "Art. 26(1)")


# --- Pre-filling from the intake -----------------------------------------------------------------


def test_prefill_from_intake():
    chatbot = SimpleNamespace(user_facing=True, ai_technique="generative", personal_data="personal")
    assert prefill_from_intake(chatbot) == {
        "interacts_with_people": True,
        "synthetic_content": True,
    }
    scorer = SimpleNamespace(user_facing=False, ai_technique="predictive", personal_data="none")
    assert prefill_from_intake(scorer) == {"synthetic_content": False, "profiling": False}
    assert prefill_from_intake(object()) == {}
    for key, field in {"interacts_with_people": "user_facing", "synthetic_content": "ai_technique",
                       "profiling": "personal_data"}.items():  # fmt: skip
        assert QUESTION_BY_KEY[key].prefill == field


def test_prefilled_answers_are_valid_answers():
    scorer = SimpleNamespace(user_facing=False, ai_technique="predictive", personal_data="none")
    answers = complete("deployer", prefill_from_intake(scorer))
    clean, errors = normalise(answers, "deployer")
    assert not errors and "profiling" not in clean  # not asked without an Annex III use


def test_demo_answers_completed_are_valid_v2_answers():
    from risk.demo import CLASSIFICATIONS

    results = {}
    for name, (role, answers) in CLASSIFICATIONS.items():
        clean, errors = normalise(completed(answers, role), role)
        assert not errors, (name, errors)
        results[name] = classify(clean, role).result
    assert results["CV screening assistant"] == "high_risk"
    assert results["Customer support chatbot"] == "limited"
    assert results["Employee attrition prediction"] == "high_risk"
    assert results["Marketing copy generator"] == "minimal"  # no Art. 50 duty as deployer
