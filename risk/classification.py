"""The EU AI Act classification questionnaire and its rules, as pure functions.

Order of the questions follows the Act: prohibited practices (Art. 5) first, then the
product-safety route (Annex I, Art. 6(1)), the Annex III areas (Art. 6(2)) and the Art. 6(3)
exceptions, transparency duties (Art. 50), general-purpose AI (Chapter V), and the role of
the organisation (provider or deployer). Short titles are facts of the regulation; the
wording is ours (see ../shared/reference/eu-ai-act.md).
"""

from dataclasses import dataclass, field

NONE = "none"

PROHIBITED_PRACTICES = [
    (NONE, "None of these"),
    ("5a", "5(1)(a) Subliminal, manipulative or deceptive techniques causing significant harm"),
    ("5b", "5(1)(b) Exploiting vulnerabilities of age, disability or social/economic situation"),
    ("5c", "5(1)(c) Social scoring leading to detrimental or unjustified treatment"),
    ("5d", "5(1)(d) Predicting criminal offending solely from profiling or personality traits"),
    ("5e", "5(1)(e) Untargeted scraping of facial images to build face-recognition databases"),
    ("5f", "5(1)(f) Emotion recognition in the workplace or in education"),
    ("5g", "5(1)(g) Biometric categorisation inferring race, politics, religion, sex life..."),
    ("5h", "5(1)(h) Real-time remote biometric identification in public for law enforcement"),
]

ANNEX_III = [
    (NONE, "None of these"),
    ("1a", "1(a) Biometrics: remote biometric identification"),
    ("1b", "1(b) Biometrics: categorisation by sensitive or protected attributes"),
    ("1c", "1(c) Biometrics: emotion recognition"),
    ("2a", "2(a) Critical infrastructure: safety component"),
    ("3a", "3(a) Education: access, admission or assignment"),
    ("3b", "3(b) Education: evaluating learning outcomes"),
    ("3c", "3(c) Education: assessing the appropriate level of education"),
    ("3d", "3(d) Education: monitoring prohibited behaviour during tests"),
    ("4a", "4(a) Employment: recruitment and selection (ads, filtering, evaluating)"),
    ("4b", "4(b) Employment: work terms, promotion, termination, tasks, monitoring"),
    ("5a", "5(a) Essential services: eligibility for public assistance benefits"),
    ("5b", "5(b) Essential services: creditworthiness / credit scoring"),
    ("5c", "5(c) Essential services: life and health insurance risk and pricing"),
    ("5d", "5(d) Essential services: emergency calls, dispatch, patient triage"),
    ("6a", "6(a) Law enforcement: risk of becoming a victim"),
    ("6b", "6(b) Law enforcement: polygraphs and similar tools"),
    ("6c", "6(c) Law enforcement: reliability of evidence"),
    ("6d", "6(d) Law enforcement: risk of (re-)offending"),
    ("6e", "6(e) Law enforcement: profiling in detection or investigation"),
    ("7a", "7(a) Migration: polygraphs and similar tools"),
    ("7b", "7(b) Migration: security, irregular-migration or health risk of a person"),
    ("7c", "7(c) Migration: examining asylum, visa and residence applications"),
    ("7d", "7(d) Migration: detecting, recognising or identifying persons"),
    ("8a", "8(a) Justice: assisting judicial authorities"),
    ("8b", "8(b) Democracy: influencing elections or voting behaviour"),
]

ART6_3 = [
    (NONE, "None: it may influence the outcome of decisions"),
    ("narrow_procedural", "6(3)(a) It only performs a narrow procedural task"),
    ("improves_human", "6(3)(b) It only improves the result of a completed human activity"),
    ("detects_patterns", "6(3)(c) It detects decision patterns without replacing human review"),
    ("preparatory", "6(3)(d) It only performs a preparatory task for an assessment"),
]

ROLES = [("provider", "Provider"), ("deployer", "Deployer")]


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    help: str = ""
    choices: list[tuple[str, str]] | None = None  # None: yes/no
    section: str = ""


QUESTIONS: list[Question] = [
    Question(
        "prohibited_practice",
        "Does the system perform one of the practices prohibited by Article 5?",
        "Pick the closest one. Emotion recognition at work or in education is prohibited "
        "unless it serves medical or safety reasons.",
        PROHIBITED_PRACTICES,
        "Prohibited practices (Art. 5)",
    ),
    Question(
        "art5_exception",
        "Does a narrow Article 5 exception apply?",
        "Medical or safety reasons for 5(1)(f); authorised law-enforcement uses for 5(1)(h).",
        None,
        "Prohibited practices (Art. 5)",
    ),
    Question(
        "annex_i_product",
        "Is it a safety component of, or itself, a product under Annex I legislation that "
        "needs third-party conformity assessment?",
        "Machinery, toys, lifts, radio equipment, medical and in-vitro diagnostic devices, "
        "vehicles, civil aviation, marine equipment, rail...",
        None,
        "Product safety (Annex I, Art. 6(1))",
    ),
    Question(
        "annex_iii_area",
        "Is it intended for a use listed in Annex III?",
        "",
        ANNEX_III,
        "High-risk areas (Annex III, Art. 6(2))",
    ),
    Question(
        "art6_3_exception",
        "Does an Article 6(3) exception apply (no significant risk of harm)?",
        "Only for Annex III uses. Never available when the system profiles natural persons.",
        ART6_3,
        "High-risk areas (Annex III, Art. 6(2))",
    ),
    Question(
        "profiling",
        "Does it profile natural persons?",
        "Automated evaluation of personal aspects such as performance, reliability, behaviour.",
        None,
        "High-risk areas (Annex III, Art. 6(2))",
    ),
    Question(
        "interacts_with_people",
        "Does it interact directly with people (for example a chatbot or voice agent)?",
        "",
        None,
        "Transparency (Art. 50)",
    ),
    Question(
        "synthetic_content",
        "Does it generate synthetic audio, images, video or text?",
        "",
        None,
        "Transparency (Art. 50)",
    ),
    Question(
        "emotion_or_biometric_categorisation",
        "Does it recognise emotions or categorise people from biometric data?",
        "",
        None,
        "Transparency (Art. 50)",
    ),
    Question(
        "deep_fake",
        "Does it produce deep fakes (realistic content of real people, places or events)?",
        "",
        None,
        "Transparency (Art. 50)",
    ),
    Question(
        "public_interest_text",
        "Does it publish AI-generated text to inform the public on matters of public interest "
        "without human editorial review?",
        "",
        None,
        "Transparency (Art. 50)",
    ),
    Question(
        "gpai",
        "Is it a general-purpose AI model that the organisation places on the market?",
        "Using someone else's general-purpose model inside a product does not make you its "
        "provider.",
        None,
        "General-purpose AI (Chapter V)",
    ),
    Question(
        "gpai_systemic",
        "Does that general-purpose model carry systemic risk (training compute above 10^25 "
        "FLOPs or designated)?",
        "",
        None,
        "General-purpose AI (Chapter V)",
    ),
    Question(
        "public_body_or_service",
        "Is the organisation a body governed by public law or a private entity providing "
        "public services?",
        "Decides whether a deployer must carry out a fundamental rights impact assessment.",
        None,
        "Role",
    ),
]
QUESTION_KEYS = {q.key for q in QUESTIONS}
CHOICE_QUESTIONS = {q.key: q for q in QUESTIONS if q.choices}
BOOL_QUESTIONS = [q.key for q in QUESTIONS if not q.choices]


def label(choices: list[tuple[str, str]], value: str) -> str:
    return dict(choices).get(value, value)


def normalise(answers: dict) -> tuple[dict, dict[str, list[str]]]:
    """Complete the answers with defaults and check every value; returns (answers, errors)."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for key in answers:
        if key not in QUESTION_KEYS:
            errors.setdefault(key, []).append(f"'{key}' is not a question of the questionnaire.")
    for question in QUESTIONS:
        value = answers.get(question.key)
        if question.choices:
            value = value or NONE
            if value not in dict(question.choices):
                errors.setdefault(question.key, []).append(f"'{value}' is not a valid choice.")
        else:
            if value in (None, ""):
                value = False
            if not isinstance(value, bool):
                errors.setdefault(question.key, []).append("Answer true or false.")
        clean[question.key] = value
    return clean, errors


@dataclass
class Outcome:
    result: str  # prohibited / high_risk / limited / minimal
    route: str
    reasoning: list[str] = field(default_factory=list)
    obligations: list[str] = field(default_factory=list)
    fria_required: bool = False


def classify(answers: dict, role: str) -> Outcome:
    """Apply the Act's order of questions to complete, valid answers."""
    a, errors = normalise(answers)
    if errors:
        raise ValueError(errors)
    reasoning: list[str] = []
    practice = a["prohibited_practice"]
    transparency = _transparency(a, role)

    if practice != NONE:
        name = label(PROHIBITED_PRACTICES, practice)
        if practice in ("5f", "5h") and a["art5_exception"]:
            reasoning.append(
                f"Art. 5: {name} — a narrow exception applies, so it is not prohibited; it "
                "remains a biometric use to be assessed as high-risk."
            )
        else:
            reasoning.append(f"Art. 5: {name}. The practice is prohibited in the EU.")
            return Outcome(
                "prohibited",
                f"Art. {practice[0]}(1)({practice[1]})",
                reasoning,
                [
                    "Do not place on the market, put into service or use this system in the EU "
                    "(Art. 5); fines up to EUR 35 m or 7 % of worldwide turnover (Art. 99(3)).",
                    "Stop or redesign the use case; every approval gate stays closed.",
                ],
            )
    else:
        reasoning.append("Art. 5: none of the prohibited practices applies.")

    high_route = ""
    area = a["annex_iii_area"]
    if practice in ("5f", "5h") and area == NONE:
        area = "1c" if practice == "5f" else "1a"
        reasoning.append(f"Annex III {label(ANNEX_III, area)} follows from the Art. 5 exception.")
    if a["annex_i_product"]:
        high_route = "Art. 6(1), Annex I product"
        reasoning.append(
            "Annex I: it is, or is a safety component of, a product that needs third-party "
            "conformity assessment: high-risk under Art. 6(1)."
        )
    elif area != NONE:
        area_label = label(ANNEX_III, area)
        exception = a["art6_3_exception"]
        if a["profiling"]:
            high_route = f"Art. 6(2), Annex III {area_label}"
            reasoning.append(
                f"Annex III {area_label}, and it profiles natural persons: always high-risk "
                "(Art. 6(3), last subparagraph)."
            )
        elif exception != NONE:
            reasoning.append(
                f"Annex III {area_label}, but {label(ART6_3, exception)}: not high-risk "
                "under Art. 6(3). The assessment must be documented before placing on the "
                "market and the system registered (Art. 6(4), Art. 49(2))."
            )
        else:
            high_route = f"Art. 6(2), Annex III {area_label}"
            reasoning.append(f"Annex III {area_label}: high-risk under Art. 6(2).")
    else:
        reasoning.append("Neither Annex I nor Annex III applies: not high-risk.")

    obligations = ["Art. 4: AI literacy of staff and others operating the system."]
    fria = False
    if area != NONE and not high_route:
        obligations.append(
            "Art. 6(4): document why the Annex III system is not high-risk; register it "
            "(Art. 49(2)); give the documentation to authorities on request."
        )
    if high_route:
        obligations += _high_risk_obligations(role, area)
        fria = (
            role == "deployer"
            and not a["annex_i_product"]
            and area != "2a"
            and (a["public_body_or_service"] or area in ("5b", "5c"))
        )
        if fria:
            obligations.append(
                "Art. 27: fundamental rights impact assessment before first use, and notify "
                "the market surveillance authority of its results."
            )
    obligations += transparency
    if a["gpai"]:
        reasoning.append("Chapter V: the organisation provides a general-purpose AI model.")
        obligations.append(
            "Art. 53: technical documentation, information for downstream providers, "
            "copyright policy and a public summary of training content."
        )
        if a["gpai_systemic"]:
            obligations.append(
                "Art. 55: model evaluation and adversarial testing, systemic-risk assessment "
                "and mitigation, serious-incident reporting, cybersecurity."
            )
    if high_route:
        return Outcome("high_risk", high_route, reasoning, obligations, fria)
    if transparency:
        reasoning.append("Art. 50: transparency obligations apply: limited risk.")
        return Outcome("limited", "Art. 50", reasoning, obligations)
    reasoning.append("No transparency obligation applies: minimal risk.")
    obligations.append("Voluntary codes of conduct (Art. 95) are encouraged.")
    return Outcome("minimal", "", reasoning, obligations)


def _transparency(a: dict, role: str) -> list[str]:
    duties = []
    biometric = a["emotion_or_biometric_categorisation"] or a["annex_iii_area"] in ("1b", "1c")
    if role == "provider":
        if a["interacts_with_people"]:
            duties.append("Art. 50(1): tell people they are interacting with an AI system.")
        if a["synthetic_content"] or a["deep_fake"]:
            duties.append(
                "Art. 50(2): mark synthetic output in a machine-readable way, detectable as "
                "AI-generated."
            )
    else:
        if biometric:
            duties.append(
                "Art. 50(3): inform the people exposed to emotion recognition or biometric "
                "categorisation."
            )
        if a["deep_fake"]:
            duties.append("Art. 50(4): disclose that the content is a deep fake.")
        if a["public_interest_text"]:
            duties.append(
                "Art. 50(4): disclose AI-generated text published on matters of public interest."
            )
        if (a["interacts_with_people"] or a["synthetic_content"]) and not duties:
            duties.append(
                "Art. 50(1)-(2) (provider's duties): check the provider discloses the AI "
                "interaction and marks synthetic output; keep the disclosure visible in use."
            )
    if duties:
        duties.append("Art. 50(5): give the information clearly, at the first interaction.")
    return duties


def _high_risk_obligations(role: str, area: str) -> list[str]:
    if role == "provider":
        return [
            "Art. 9: risk management system over the whole life cycle.",
            "Art. 10: data and data governance, including bias examination.",
            "Art. 11 and Annex IV: technical documentation.",
            "Art. 12: automatic event logging.",
            "Art. 13: transparency and instructions for use for deployers.",
            "Art. 14: human oversight by design.",
            "Art. 15: accuracy, robustness and cybersecurity.",
            "Art. 17: quality management system.",
            "Art. 43, 47, 48: conformity assessment, EU declaration of conformity, CE marking.",
            "Art. 49: registration in the EU database.",
            "Art. 72-73: post-market monitoring and serious-incident reporting.",
        ]
    duties = [
        "Art. 26(1): use the system according to the provider's instructions.",
        "Art. 26(2): assign competent, trained human oversight.",
        "Art. 26(4): input data relevant and sufficiently representative.",
        "Art. 26(5): monitor operation; report risks and serious incidents.",
        "Art. 26(6): keep the logs under your control for at least six months.",
        "Art. 26(9): use the provider's information for a GDPR DPIA where needed.",
        "Art. 26(11): inform people subject to decisions the system makes or assists.",
        "Art. 86: explain individual decisions on request.",
    ]
    if area in ("4a", "4b"):
        duties.insert(5, "Art. 26(7): inform workers' representatives and affected workers.")
    return duties


# --- v2 interface shim (replaced by the engine branch) ---
# The workflow branch codes against the v2 contract (/work/classification_contract.md); this
# block gives the v1 engine that interface so the workflow runs before the engines meet.
from datetime import date as _date  # noqa: E402

QUESTIONNAIRE_VERSION = 2
UNSURE = "unsure"
ANY_BUT_NONE = "__any_but_none__"
_v1_normalise = normalise
_v1_classify = classify


@dataclass(frozen=True)
class ApplicationDate:
    label: str
    act: _date
    omnibus: _date


APPLICATION_DATES: dict[str, ApplicationDate] = {
    "general": ApplicationDate("Art. 4 and Art. 5", _date(2025, 2, 2), _date(2025, 2, 2)),
    "gpai": ApplicationDate("General-purpose AI (Chapter V)", _date(2025, 8, 2), _date(2025, 8, 2)),
    "transparency": ApplicationDate("Art. 50", _date(2026, 8, 2), _date(2026, 8, 2)),
    "annex_iii": ApplicationDate("Annex III high-risk", _date(2026, 8, 2), _date(2027, 12, 2)),
    "annex_i": ApplicationDate("Annex I high-risk", _date(2027, 8, 2), _date(2028, 8, 2)),
}


@dataclass
class Obligation:
    text: str
    articles: str = ""
    applies: str = "general"
    party: str = ""

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "articles": self.articles,
            "applies": self.applies,
            "party": self.party,
        }


@dataclass
class Outcome(Outcome):  # noqa: F811
    unsure: list[str] = field(default_factory=list)
    provisional: str = ""


def asked(question: Question, answers: dict) -> bool:
    return True


def question_as_dict(question: Question) -> dict:
    return {
        "key": question.key,
        "section": question.section,
        "text": question.text,
        "help": question.help,
        "reference": getattr(question, "reference", ""),
        "examples": list(getattr(question, "examples", ())),
        "choices": [list(c) for c in question.choices] if question.choices else None,
        "many": getattr(question, "many", False),
        "show_if": {},
        "prefill": getattr(question, "prefill", ""),
    }


def prefill_from_intake(system) -> dict:
    return {}


def normalise(answers: dict, role: str | None = None) -> tuple[dict, dict[str, list[str]]]:  # noqa: F811
    if role is None:  # the v1 classify calls normalise(answers)
        return _v1_normalise(answers)
    answers = answers if isinstance(answers, dict) else {}
    unsure = {k for k, v in answers.items() if v == UNSURE and k in QUESTION_KEYS}
    clean, errors = _v1_normalise({k: v for k, v in answers.items() if k not in unsure})
    for q in QUESTIONS:
        if q.key not in answers or answers[q.key] in (None, "", []):
            errors.setdefault(q.key, []).append("Answer this question: yes, no or not sure.")
    if role not in dict(ROLES):
        errors["role"] = [f"'{role}' is not a valid role."]
    for key in unsure:
        clean[key] = UNSURE
    return clean, errors


def classify(clean: dict, role: str) -> Outcome:  # noqa: F811
    unsure = [k for k, v in clean.items() if v == UNSURE]
    base = {
        k: (NONE if CHOICE_QUESTIONS.get(k) else False) if v == UNSURE else v
        for k, v in clean.items()
    }
    old = _v1_classify(base, role)
    obligations = [Obligation(text=o, party=role) for o in old.obligations]
    if unsure:
        return Outcome(
            "pending",
            old.route,
            [*old.reasoning, "Some answers are 'not sure': a governance officer decides."],
            obligations,
            old.fria_required,
            unsure,
            old.result,
        )
    return Outcome(old.result, old.route, old.reasoning, obligations, old.fria_required)
