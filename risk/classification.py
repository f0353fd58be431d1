"""The EU AI Act classification questionnaire (version 2) and its rules, as pure functions.

Order of the questions follows the Act: prohibited practices (Art. 5), the product-safety
route (Annex I, Art. 6(1)), the Annex III uses (Art. 6(2)) and the Art. 6(3) exceptions, the
role shifts of Art. 25, transparency (Art. 50), general-purpose AI models (Chapter V) and the
organisation itself (public bodies: Art. 26(8), 27, 49(3)). Every question that is asked must be
answered; "not sure" is an answer that sends the result to a governance officer ("pending").
Article numbers are facts of the regulation; the wording is ours
(see ../shared/reference/eu-ai-act.md). No database access here: the stored records,
forms and API live in risk.services / risk.forms / risk.api.
"""

from dataclasses import dataclass, field
from datetime import date

QUESTIONNAIRE_VERSION: int = 2

NONE = "none"
UNSURE = "unsure"
# A show_if marker: the (many-choice) question has any answer other than "none" / "not sure".
ANY_BUT_NONE = "any_but_none"

ROLES: list[tuple[str, str]] = [
    (
        "provider",
        "Provider: develops it (or has it developed) and offers or uses it under its own name",
    ),
    ("deployer", "Deployer: uses a system under its authority in its own activities"),
    (
        "importer",
        "Importer: brings into the EU a system carrying the name of a provider outside the EU",
    ),
    (
        "distributor",
        "Distributor: resells or passes on a system someone else placed on the EU market",
    ),
    ("product_manufacturer", "Product manufacturer: builds the AI system into a product it makes"),
]
ROLE_VALUES = [value for value, _ in ROLES]
RESULTS: list[tuple[str, str]] = [
    ("prohibited", "Prohibited practice"),
    ("high_risk", "High-risk"),
    ("limited", "Limited risk (transparency duties)"),
    ("minimal", "Minimal risk"),
    ("pending", "Classification pending (a 'not sure' answer goes to a governance officer)"),
]


@dataclass(frozen=True)
class ApplicationDate:
    label: str
    act: date  # the date in Regulation (EU) 2024/1689 as adopted
    omnibus: date  # the date under the Digital Omnibus proposal


APPLICATION_DATES: dict[str, ApplicationDate] = {
    "general": ApplicationDate(
        "General provisions and prohibited practices (Art. 4, Art. 5)",
        date(2025, 2, 2),
        date(2025, 2, 2),
    ),
    "gpai": ApplicationDate(
        "General-purpose AI models (Chapter V)", date(2025, 8, 2), date(2025, 8, 2)
    ),
    "transparency": ApplicationDate(
        "Transparency duties (Art. 50)", date(2026, 8, 2), date(2026, 8, 2)
    ),
    "annex_iii": ApplicationDate(
        "High-risk systems of Annex III (Art. 6(2))", date(2026, 8, 2), date(2027, 12, 2)
    ),
    "annex_i": ApplicationDate(
        "High-risk systems of Annex I products (Art. 6(1))", date(2027, 8, 2), date(2028, 8, 2)
    ),
}

# ---------------------------------------------------------------------------------------------
# Choices, with a help line per choice (carve-outs included)

PROHIBITED_PRACTICES: list[tuple[str, str]] = [
    (NONE, "None of these"),
    (
        "5a",
        "5(1)(a) Uses subliminal, purposely manipulative or deceptive techniques that distort "
        "people's behaviour and cause, or are likely to cause, significant harm",
    ),
    (
        "5b",
        "5(1)(b) Exploits people's vulnerability due to age, disability or a specific social "
        "or economic situation, distorting their behaviour with significant harm",
    ),
    (
        "5c",
        "5(1)(c) Scores people on their social behaviour or personal traits (social scoring), "
        "leading to unfavourable treatment in unrelated contexts or out of proportion",
    ),
    (
        "5d",
        "5(1)(d) Predicts whether a person will commit a crime solely from profiling or from "
        "personality traits and characteristics",
    ),
    (
        "5e",
        "5(1)(e) Builds or expands a facial recognition database by untargeted scraping of "
        "face images from the internet or CCTV footage",
    ),
    ("5f", "5(1)(f) Infers the emotions of people at the workplace or in education institutions"),
    (
        "5g",
        "5(1)(g) Sorts people by their biometric data to deduce or infer their race, political "
        "opinions, trade union membership, religious or philosophical beliefs, sex life or "
        "sexual orientation",
    ),
    (
        "5h",
        "5(1)(h) Identifies people remotely and in real time from biometric data in publicly "
        "accessible spaces, for law enforcement",
    ),
]
PRACTICE_HELP: dict[str, str] = {
    "5a": "Ordinary, lawful advertising and persuasion are not in themselves this practice; "
    "the techniques must materially distort behaviour and cause significant harm.",
    "5b": "Example: a game nudging children into risky purchases. Targets the vulnerability "
    "itself; products that simply serve older or disabled people are not caught.",
    "5c": "Applies to public and private organisations alike. Lawful scoring for a specific "
    "purpose (such as creditworthiness under Annex III 5(b)) is not social scoring.",
    "5d": "Not this practice: supporting a human assessment of a person's involvement in a "
    "crime that is already based on objective and verifiable facts directly linked to the "
    "crime (that is a high-risk use under Annex III 6(d)).",
    "5e": "A targeted search for a specific person is not untargeted scraping.",
    "5f": "Only workers and students (including job applicants and trainees) are protected by "
    "this ban: customers, patients or passengers are not workers, so recognising their emotions "
    "is a high-risk use under Annex III 1(c), not a prohibited one. Detecting physical states "
    "such as pain or fatigue is not emotion recognition. Exception: medical or safety reasons.",
    "5g": "Not this practice: labelling or filtering lawfully acquired biometric data sets (for "
    "example images), or categorising biometric data in the area of law enforcement.",
    "5h": "Only the use for law enforcement in publicly accessible spaces, in real time. "
    "Identification after the event, or outside law enforcement, is a high-risk use under "
    "Annex III 1(a). Narrow exceptions: targeted search for victims or missing persons, an "
    "imminent threat to life or a terrorist attack, suspects of serious crimes.",
}

ANNEX_III: list[tuple[str, str]] = [
    (NONE, "None of these"),
    ("1a", "1(a) Biometrics: identifying people remotely from biometric data"),
    ("1b", "1(b) Biometrics: sorting people by sensitive or protected characteristics"),
    ("1c", "1(c) Biometrics: recognising emotions"),
    (
        "2a",
        "2(a) Critical infrastructure: safety component of digital infrastructure, road "
        "traffic, or water, gas, heating or electricity supply",
    ),
    ("3a", "3(a) Education: deciding access, admission or assignment to education or training"),
    ("3b", "3(b) Education: evaluating learning outcomes, including to steer learning"),
    ("3c", "3(c) Education: assessing the level of education a person should receive"),
    ("3d", "3(d) Education: monitoring students for prohibited behaviour during tests"),
    (
        "4a",
        "4(a) Employment: recruiting or selecting people (targeted job ads, filtering "
        "applications, evaluating candidates)",
    ),
    (
        "4b",
        "4(b) Employment: decisions on work terms, promotion or dismissal, allocating tasks "
        "from behaviour or traits, monitoring or evaluating workers",
    ),
    (
        "5a",
        "5(a) Public services: eligibility for public assistance benefits and services, "
        "including healthcare (grant, reduce, revoke or reclaim)",
    ),
    ("5b", "5(b) Credit: assessing people's creditworthiness or credit score"),
    ("5c", "5(c) Insurance: risk assessment and pricing for people's life or health insurance"),
    (
        "5d",
        "5(d) Emergencies: evaluating emergency calls, dispatching emergency services, "
        "emergency patient triage",
    ),
    ("6a", "6(a) Law enforcement: risk of a person becoming a victim of crime"),
    ("6b", "6(b) Law enforcement: polygraphs and similar tools"),
    ("6c", "6(c) Law enforcement: evaluating the reliability of evidence"),
    (
        "6d",
        "6(d) Law enforcement: risk of a person offending or re-offending, or assessing "
        "personality traits or past criminal behaviour",
    ),
    ("6e", "6(e) Law enforcement: profiling people to detect, investigate or prosecute crime"),
    ("7a", "7(a) Migration and borders: polygraphs and similar tools"),
    (
        "7b",
        "7(b) Migration and borders: assessing a security, irregular-migration or health "
        "risk posed by a person",
    ),
    (
        "7c",
        "7(c) Migration and borders: examining asylum, visa or residence applications and "
        "complaints",
    ),
    ("7d", "7(d) Migration and borders: detecting, recognising or identifying people"),
    (
        "8a",
        "8(a) Justice: helping a court or alternative dispute resolution body research and "
        "interpret facts and law, or apply the law to facts",
    ),
    (
        "8b",
        "8(b) Democracy: influencing the outcome of an election or referendum, or how people vote",
    ),
]
ANNEX_III_HELP: dict[str, str] = {
    "1a": "Not covered: biometric verification whose sole purpose is to confirm that a person "
    "is who they claim to be (unlocking a phone, a face check at a door the person uses).",
    "1b": "Inferring race, politics, union membership, religion, sex life or orientation is "
    "prohibited (Art. 5(1)(g)); other sensitive or protected characteristics fall here.",
    "1c": "Emotion recognition of customers, patients or the public. At work or in education "
    "it is prohibited unless for medical or safety reasons (Art. 5(1)(f)).",
    "2a": "Systems used only for cybersecurity are not safety components.",
    "3a": "Example: ranking applicants to a university programme.",
    "3b": "Example: automated grading of exams that counts towards a qualification.",
    "3c": "Example: deciding which school track a pupil is placed in.",
    "3d": "Example: online exam proctoring that flags suspected cheating.",
    "4a": "Example: CV ranking or shortlisting; targeted job advertising.",
    "4b": "Example: performance scoring, shift allocation from behaviour, dismissal support.",
    "5a": "Used by or on behalf of public authorities.",
    "5b": "Only natural persons. Not covered: systems used to detect financial fraud.",
    "5c": "Only life and health insurance of natural persons; car or property insurance is "
    "not listed.",
    "5d": "Example: an emergency call centre ranking calls by urgency.",
    "6a": "Used by or on behalf of law enforcement authorities (also 6(b)-(e)).",
    "6d": "Not based solely on profiling; solely profiling-based prediction is prohibited "
    "(Art. 5(1)(d)).",
    "7a": "Used by or on behalf of competent public authorities (also 7(b)-(d)).",
    "7d": "Not covered: verifying travel documents.",
    "8a": "Used by or on behalf of a judicial authority, or in alternative dispute resolution.",
    "8b": "Not covered: tools whose output people are not directly exposed to, such as "
    "software organising or optimising a campaign's logistics.",
}

ART6_3: list[tuple[str, str]] = [
    (NONE, "None of these: it can influence the outcome of decisions"),
    ("narrow_procedural", "6(3)(a) It only performs a narrow procedural task"),
    ("improves_human", "6(3)(b) It only improves the result of an activity a person completed"),
    (
        "detects_patterns",
        "6(3)(c) It detects decision patterns or deviations from earlier decisions, without "
        "replacing or influencing the human assessment without proper human review",
    ),
    ("preparatory", "6(3)(d) It only performs a preparatory task for an assessment listed above"),
]
INTERACTION_EXCEPTIONS: list[tuple[str, str]] = [
    (NONE, "None of these"),
    (
        "obvious",
        "It is obvious to a reasonably well-informed, observant person, from the circumstances "
        "and context, that they are dealing with an AI system",
    ),
    (
        "law_enforcement",
        "It is authorised by law to detect, prevent, investigate or prosecute criminal offences "
        "(and is not offered to the public for reporting crimes)",
    ),
]
MARKING_EXCEPTIONS: list[tuple[str, str]] = [
    (NONE, "None of these"),
    ("standard_editing", "It only assists with standard editing (spelling, grammar, formatting)"),
    (
        "no_substantial_alteration",
        "It does not substantially alter the input the user provides, or its meaning",
    ),
    (
        "law_enforcement",
        "It is authorised by law to detect, prevent, investigate or prosecute criminal offences",
    ),
]
DEEP_FAKE_CONTEXTS: list[tuple[str, str]] = [
    (NONE, "None of these: ordinary content"),
    (
        "artistic",
        "The content is part of an evidently artistic, creative, satirical or fictional work "
        "or programme",
    ),
    (
        "law_enforcement",
        "The use is authorised by law to detect, prevent, investigate or prosecute criminal "
        "offences",
    ),
]
PUBLIC_TEXT_EXCEPTIONS: list[tuple[str, str]] = [
    (NONE, "None of these"),
    (
        "editorial",
        "A person reviews or edits the text before publication and a person or organisation "
        "holds editorial responsibility for it",
    ),
    (
        "law_enforcement",
        "The use is authorised by law to detect, prevent, investigate or prosecute criminal "
        "offences",
    ),
]

NON_PROVIDER_ROLES = ("deployer", "importer", "distributor")
PROVIDER_LIKE_ROLES = ("provider", "product_manufacturer")

S_ART5 = "Prohibited practices (Art. 5)"
S_ANNEX_I = "Products under EU safety law (Annex I, Art. 6(1))"
S_ANNEX_III = "High-risk uses (Annex III, Art. 6(2) and 6(3))"
S_ROLE = "When you become the provider (Art. 25)"
S_ART50 = "Transparency (Art. 50)"
S_GPAI = "General-purpose AI models (Chapter V)"
S_ORG = "Your organisation (Art. 26(8), Art. 27, Art. 49(3))"


@dataclass(frozen=True)
class Question:
    key: str
    text: str  # plain language first
    help: str = ""  # plain explanation
    reference: str = ""  # the legal reference
    examples: tuple[str, ...] = ()  # examples, including the carve-outs
    choices: list[tuple[str, str]] | None = None  # None = yes / no / not sure
    many: bool = False  # several choices may be picked (answer is a list)
    section: str = ""
    # Asked only when, for every named question (or "role"), its answer is in the tuple; for a
    # `many` question: when any picked value is in the tuple (ANY_BUT_NONE: anything but none).
    show_if: dict[str, tuple] = field(default_factory=dict)
    prefill: str = ""  # the intake field it is pre-filled from, if any
    choice_help: dict[str, str] = field(default_factory=dict)


QUESTIONS: list[Question] = [
    Question(
        "prohibited_practices",
        "Does the system do any of these things? Pick every one that applies.",
        "These practices are banned in the EU. Read each line with its note: several have "
        "carve-outs. If none applies, pick 'None of these'.",
        "Art. 5(1)(a)-(h)",
        (
            "Emotion recognition of call-centre staff: 5(1)(f).",
            "Emotion recognition of customers in a shop: not 5(1)(f) (customers are not "
            "workers) but Annex III 1(c).",
            "Fraud scoring of payments: none of these.",
        ),
        PROHIBITED_PRACTICES,
        True,
        S_ART5,
        choice_help=PRACTICE_HELP,
    ),
    Question(
        "art5_exception",
        "Does the narrow exception for the practice you picked apply?",
        "Emotion recognition at work or in education: only when it is put in place for "
        "medical or safety reasons. Real-time remote identification for law enforcement: only "
        "when strictly necessary for a targeted search for victims of abduction, trafficking or "
        "sexual exploitation or for missing persons; to prevent a specific, substantial and "
        "imminent threat to life or safety or a terrorist attack; or to locate or identify a "
        "suspect of a serious crime listed in Annex II (punishable by at least four years), "
        "authorised by national law and, before each use, by a court or independent authority.",
        "Art. 5(1)(f), Art. 5(1)(h)(i)-(iii), Art. 5(2)-(7)",
        (
            "A system detecting a pilot's or driver's loss of attention to prevent accidents: "
            "safety reason.",
            "Measuring employees' mood to improve productivity: no exception.",
        ),
        section=S_ART5,
        show_if={"prohibited_practices": ("5f", "5h")},
    ),
    Question(
        "annex_i_product",
        "Is the system a product, or a safety component of a product, covered by the EU product "
        "safety laws listed in Annex I, where that product must be checked by an independent "
        "body (notified body) before it is sold?",
        "A safety component protects people or property: if it fails, health or safety is at "
        "risk. Products the manufacturer may check itself, without a notified body, are not "
        "caught by this route.",
        "Art. 6(1), Annex I",
        (
            "Software that reads scans for a medical device needing a notified body: yes.",
            "A collision-avoidance function in an industrial robot: yes.",
            "Forecasting spare parts for machines: no (not a safety component).",
        ),
        section=S_ANNEX_I,
    ),
    Question(
        "annex_i_section_b",
        "Is that product a vehicle, aircraft, aviation security equipment, rail system or "
        "marine equipment (Annex I, Section B)?",
        "Section B covers cars and trailers, two- and three-wheel vehicles, tractors and "
        "forestry vehicles, marine equipment, rail, civil aviation and its security. For these, "
        "the AI Act's requirements reach you through their own type-approval law. Section A "
        "covers machinery, toys, boats, lifts, equipment for explosive atmospheres, radio "
        "equipment, pressure equipment, cableways, protective equipment, gas appliances, "
        "medical and in-vitro diagnostic devices.",
        "Annex I Section B, Art. 2(2)",
        ("A driver-assistance function in a car: yes.", "A medical device: no (Section A)."),
        section=S_ANNEX_I,
        show_if={"annex_i_product": (True,)},
    ),
    Question(
        "product_under_own_name",
        "Is your product, with the AI system in it, sold or put into service under your name "
        "or trademark?",
        "A manufacturer whose product carries the AI system under the manufacturer's name is "
        "treated as the provider of that AI system.",
        "Art. 25(3), Art. 3(3)",
        (
            "A washing-machine maker selling machines with a supplier's AI module under its own "
            "brand: yes.",
        ),
        section=S_ANNEX_I,
        show_if={"role": ("product_manufacturer",)},
    ),
    Question(
        "annex_iii_areas",
        "Is the system intended for any of these uses? Pick every one that applies.",
        "These uses are high-risk unless an exception below applies. Each line has a note with "
        "what is not covered. If none applies, pick 'None of these'.",
        "Art. 6(2), Annex III points 1-8",
        (
            "Ranking job applicants: 4(a).",
            "Credit scoring of consumers: 5(b); payment fraud detection: not covered.",
            "Face check confirming a user is who they claim to be: not covered by 1(a).",
        ),
        ANNEX_III,
        True,
        S_ANNEX_III,
        choice_help=ANNEX_III_HELP,
    ),
    Question(
        "profiling",
        "Does the system profile people: evaluate or predict personal aspects such as work "
        "performance, economic situation, health, preferences, interests, reliability, "
        "behaviour, location or movements?",
        "A system used for those uses that profiles people is always high-risk: none of the "
        "exceptions of the next question can apply.",
        "Art. 6(3), last subparagraph; GDPR Art. 4(4)",
        (
            "Scoring each applicant's fit for a job: yes.",
            "Checking that an application form is complete: no.",
        ),
        section=S_ANNEX_III,
        show_if={"annex_iii_areas": (ANY_BUT_NONE,)},
        prefill="personal_data",
    ),
    Question(
        "art6_3_exception",
        "Does one of these apply, so that the system does not materially influence decisions "
        "about people?",
        "If one applies, the system is not high-risk, but its provider must document the "
        "assessment before placing it on the market and register it.",
        "Art. 6(3)(a)-(d), Art. 6(4), Art. 49(2)",
        (
            "Converting unstructured applications into structured data: (a).",
            "Improving the language of a letter a recruiter already wrote: (b).",
            "Flagging grades that deviate from a teacher's usual pattern for a human to check: "
            "(c).",
            "Translating documents before a caseworker assesses them: (d).",
        ),
        ART6_3,
        section=S_ANNEX_III,
        show_if={"annex_iii_areas": (ANY_BUT_NONE,), "profiling": (False, UNSURE)},
    ),
    Question(
        "own_name_or_trademark",
        "Do you put your own name or trademark on this system, which another organisation "
        "developed?",
        "If the system is high-risk, this makes you its provider, with all the provider's duties.",
        "Art. 25(1)(a)",
        ("Selling a vendor's recruitment tool as 'YourBrand Hire': yes.",),
        section=S_ROLE,
        show_if={"role": NON_PROVIDER_ROLES},
    ),
    Question(
        "substantial_modification",
        "Have you changed the system in a way its provider did not foresee or plan, and that "
        "affects its compliance or its intended purpose (a substantial modification)?",
        "Configuring it within the provider's instructions is not a substantial modification; "
        "retraining it on your own data outside those instructions may be.",
        "Art. 25(1)(b), Art. 3(23)",
        ("Retraining a high-risk scoring model with new features: yes.",),
        section=S_ROLE,
        show_if={"role": NON_PROVIDER_ROLES},
    ),
    Question(
        "changed_purpose",
        "Do you use the system for a purpose its provider did not intend, and is that purpose "
        "one of the high-risk uses above?",
        "Includes general-purpose systems such as chat assistants put to a high-risk use.",
        "Art. 25(1)(c)",
        (
            "Using a general chat assistant to rank job applicants: yes.",
            "Using a recruitment tool for recruitment, as sold: no.",
        ),
        section=S_ROLE,
        show_if={"role": NON_PROVIDER_ROLES},
    ),
    Question(
        "interacts_with_people",
        "Do people interact with the system directly (for example a chat or voice assistant)?",
        "The provider must design it so that people know they are dealing with an AI system. "
        "That is a provider's duty, not a deployer's.",
        "Art. 50(1)",
        ("A customer-service chatbot: yes.", "A model scoring invoices in the background: no."),
        section=S_ART50,
        prefill="user_facing",
    ),
    Question(
        "interaction_exception",
        "Does one of these apply to the interaction?",
        "If one applies, people need not be told that they are dealing with an AI system.",
        "Art. 50(1)",
        (
            "A voice assistant on a smart speaker the user set up: obvious.",
            "A web-shop chat that looks like a human agent: not obvious.",
        ),
        INTERACTION_EXCEPTIONS,
        section=S_ART50,
        show_if={"interacts_with_people": (True,), "role": PROVIDER_LIKE_ROLES},
    ),
    Question(
        "synthetic_content",
        "Does the system generate or alter images, audio, video or text?",
        "The provider must mark such output in a machine-readable way so that it can be "
        "detected as AI-generated. That is a provider's duty, not a deployer's.",
        "Art. 50(2)",
        ("A text or image generator: yes.", "A classifier returning a score: no."),
        section=S_ART50,
        prefill="ai_technique",
    ),
    Question(
        "marking_exception",
        "Does one of these apply to what it generates?",
        "If one applies, the output need not be marked as AI-generated.",
        "Art. 50(2)",
        (
            "A spelling and grammar checker: standard editing.",
            "A tool drafting whole texts from a short brief: none of these.",
        ),
        MARKING_EXCEPTIONS,
        section=S_ART50,
        show_if={"synthetic_content": (True,), "role": PROVIDER_LIKE_ROLES},
    ),
    Question(
        "deep_fake",
        "Do you use it to make or alter images, audio or video that resemble existing people, "
        "objects, places, entities or events and could falsely appear authentic or truthful "
        "(a 'deep fake')?",
        "The deployer must disclose that such content is artificially generated or manipulated.",
        "Art. 50(4), Art. 3(60)",
        (
            "A video of your CEO saying words they never said: yes.",
            "A realistic picture of a real landmark that never looked like that: yes.",
            "A clearly cartoon-style illustration: no.",
        ),
        section=S_ART50,
        show_if={"synthetic_content": (True,), "role": ("deployer",)},
    ),
    Question(
        "deep_fake_context",
        "Does one of these apply to the deep fakes?",
        "Evidently artistic, creative, satirical or fictional works only need a disclosure "
        "that does not spoil the work; an authorised law-enforcement use needs none.",
        "Art. 50(4), first subparagraph",
        ("A satirical sketch with a politician's synthetic voice: artistic.",),
        DEEP_FAKE_CONTEXTS,
        section=S_ART50,
        show_if={"deep_fake": (True,)},
    ),
    Question(
        "public_interest_text",
        "Do you publish text it generates or alters to inform the public on matters of public "
        "interest (news, public affairs)?",
        "Marketing copy or internal documents are not published to inform the public on "
        "matters of public interest.",
        "Art. 50(4), second subparagraph",
        ("AI-written news articles on a news site: yes.", "Product descriptions: no."),
        section=S_ART50,
        show_if={"synthetic_content": (True,), "role": ("deployer",)},
    ),
    Question(
        "public_interest_text_exception",
        "Does one of these apply to that text?",
        "If one applies, the text need not be disclosed as AI-generated.",
        "Art. 50(4), second subparagraph",
        ("An editor reviews every article and the newspaper is responsible for it: yes.",),
        PUBLIC_TEXT_EXCEPTIONS,
        section=S_ART50,
        show_if={"public_interest_text": (True,)},
    ),
    Question(
        "emotion_or_biometric_categorisation",
        "Does the system recognise people's emotions or intentions, or sort people into "
        "categories, from biometric data (face, voice, body, movements)?",
        "Deployers must tell the people exposed to it. Recognising emotions is also a "
        "high-risk use (Annex III 1(c)), and sorting people by sensitive characteristics "
        "is Annex III 1(b) or prohibited (Art. 5(1)(g)).",
        "Art. 50(3), Art. 3(39)-(40)",
        (
            "Measuring shoppers' reactions to an advert from their faces: yes.",
            "Detecting driver fatigue: no (a physical state, not an emotion).",
        ),
        section=S_ART50,
    ),
    Question(
        "biometric_exception",
        "Is the system permitted by law to detect, prevent or investigate criminal offences?",
        "If so, the duty to inform the people exposed does not apply.",
        "Art. 50(3)",
        section=S_ART50,
        show_if={"emotion_or_biometric_categorisation": (True,), "role": ("deployer",)},
    ),
    Question(
        "gpai",
        "Does your organisation develop a general-purpose AI model (or have one developed) and "
        "place it on the market, for example by releasing it or offering it through an API?",
        "A general-purpose model performs a wide range of distinct tasks and is built into many "
        "systems. Using someone else's model through its API does not make you its provider.",
        "Art. 3(63), Art. 53",
        (
            "Releasing a large language model you trained: yes.",
            "Building a chatbot on a vendor's model: no.",
        ),
        section=S_GPAI,
        show_if={"role": ("provider",)},
    ),
    Question(
        "gpai_open_source",
        "Is the model released under a free and open-source licence, with its weights, "
        "architecture and usage information public?",
        "Open-source models are spared the documentation duties towards authorities and "
        "downstream providers, unless they carry systemic risk.",
        "Art. 53(2), Art. 54(6)",
        section=S_GPAI,
        show_if={"gpai": (True,)},
    ),
    Question(
        "gpai_systemic",
        "Does the model carry systemic risk: trained with more than 10^25 floating-point "
        "operations, or designated by the Commission?",
        "Systemic-risk models have further duties: evaluation, risk mitigation, incident "
        "reporting and cybersecurity.",
        "Art. 51, Art. 52, Art. 55",
        section=S_GPAI,
        show_if={"gpai": (True,)},
    ),
    Question(
        "public_body_or_service",
        "Is your organisation a public body, or a private organisation providing public "
        "services (for example education, healthcare, social services, housing)?",
        "Such deployers must assess the impact on fundamental rights before using a high-risk "
        "system for these uses.",
        "Art. 27(1)",
        ("A city council: yes.", "A private hospital under a public service mandate: yes."),
        section=S_ORG,
        show_if={"annex_iii_areas": (ANY_BUT_NONE,), "role": ("deployer",)},
    ),
    Question(
        "public_authority",
        "Is it a public authority, or an EU institution, body, office or agency, or do you use "
        "the system on behalf of one?",
        "Public authorities must register their use of a high-risk system in the EU database "
        "and must not use a system that is not registered there.",
        "Art. 26(8), Art. 49(3)",
        ("A national tax administration: yes.", "A private school: no."),
        section=S_ORG,
        show_if={"public_body_or_service": (True,)},
    ),
]
QUESTION_BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}
QUESTION_KEYS = set(QUESTION_BY_KEY)

# Why a question is not asked, in words: used when an answer is given to one that is not.
NOT_ASKED_REASONS: dict[str, str] = {
    "art5_exception": "An Art. 5 exception exists only for emotion recognition at work or in "
    "education (5(1)(f)) and real-time remote biometric identification (5(1)(h)); none of the "
    "practices picked has one.",
    "annex_i_section_b": "Only asked for an Annex I product: answer that question 'yes' first.",
    "product_under_own_name": "Only asked of a product manufacturer.",
    "profiling": "Only asked for an Annex III use: pick one first.",
    "art6_3_exception": "An Art. 6(3) exception needs an Annex III use, and is never available "
    "when the system profiles people.",
    "own_name_or_trademark": "Only asked of deployers, importers and distributors: a provider "
    "already carries the provider's duties.",
    "substantial_modification": "Only asked of deployers, importers and distributors: a "
    "provider already carries the provider's duties.",
    "changed_purpose": "Only asked of deployers, importers and distributors: a provider already "
    "carries the provider's duties.",
    "interaction_exception": "Only asked of a provider (or product manufacturer) of a system "
    "that interacts with people.",
    "marking_exception": "Only asked of a provider (or product manufacturer) of a system that "
    "generates content.",
    "deep_fake": "Deep fakes are asked of deployers of a system that generates or alters "
    "content: answer that question 'yes' first.",
    "deep_fake_context": "Only asked when the system makes deep fakes.",
    "public_interest_text": "Only asked of deployers of a system that generates or alters content.",
    "public_interest_text_exception": "Only asked when you publish such text.",
    "biometric_exception": "Only asked of deployers of emotion recognition or biometric "
    "categorisation.",
    "gpai": "Only a provider places a general-purpose AI model on the market; choose the "
    "provider role.",
    "gpai_open_source": "Only asked when the organisation provides a general-purpose AI model.",
    "gpai_systemic": "Systemic risk is a property of a general-purpose AI model: answer 'yes' "
    "to the general-purpose model question first.",
    "public_body_or_service": "Only asked of deployers of a system with an Annex III use.",
    "public_authority": "Only asked of a public body or a private organisation providing "
    "public services.",
}


def label(choices: list[tuple[str, str]], value: str) -> str:
    return dict(choices).get(value, value)


def _short(choices: list[tuple[str, str]], value: str) -> str:
    """The point number of a choice label: '4(a)' from '4(a) Employment: ...'."""
    return label(choices, value).split(" ", 1)[0]


def negative(question: Question):
    """The 'no' answer of a question: what a 'not sure' counts as for the provisional result."""
    if question.many:
        return [NONE]
    if question.choices:
        return NONE
    return False


def completed(answers: dict, role: str | None = None) -> dict:
    """``answers`` plus the negative answer to every other question they leave asked: how a
    table of use cases, the demo or a test states only what applies."""
    done = dict(answers)
    grew = True
    while grew:  # an answer may make another question asked
        missing = [q for q in QUESTIONS if q.key not in done and asked(q, done, role)]
        done.update((q.key, negative(q)) for q in missing)
        grew = bool(missing)
    return done


def _is_negative_or_blank(question: Question, value) -> bool:
    if value in (None, "", [], UNSURE, False, NONE):
        return True
    return question.many and isinstance(value, list) and set(value) <= {NONE}


def asked(question: Question, answers: dict, role: str | None = None) -> bool:
    """Whether the question is asked given the other answers (and the role, for the questions
    that depend on it; without a role, a role condition counts as met)."""
    for key, allowed in question.show_if.items():
        if key == "role":
            value = role if role is not None else answers.get("role")
            if value is None:
                continue
            if value not in allowed:
                return False
            continue
        value = answers.get(key)
        parent = QUESTION_BY_KEY.get(key)
        if parent is not None and value not in (None, "", []):
            # Raw form or JSON values ("yes", "true", a single choice) count as their answer.
            coerced, error = _coerce(parent, value)
            value = value if error else coerced
        if parent is not None and parent.many and isinstance(value, list):
            if not any(_matches(v, allowed) for v in value):
                return False
        elif not _matches(value, allowed):
            return False
    return True


def _matches(value, allowed: tuple) -> bool:
    if value is None or value == "":
        return False
    if ANY_BUT_NONE in allowed and value not in (NONE, UNSURE, False):
        return True
    # `True in (1,)` is true in Python: compare types as well for booleans.
    return any(value == a and type(value) is type(a) for a in allowed)


def question_as_dict(question: Question) -> dict:
    """The question in JSON-ready form (for the API endpoint and the browser form)."""
    if question.many:
        kind = "many"
    elif question.choices:
        kind = "choice"
    else:
        kind = "yes_no"
    return {
        "key": question.key,
        "text": question.text,
        "help": question.help,
        "reference": question.reference,
        "examples": list(question.examples),
        "type": kind,
        "choices": [list(c) for c in question.choices] if question.choices else None,
        "choice_help": dict(question.choice_help),
        "many": question.many,
        "section": question.section,
        "show_if": {key: list(values) for key, values in question.show_if.items()},
        "prefill": question.prefill,
    }


# ---------------------------------------------------------------------------------------------
# Checking the answers

MISSING = {
    "yes_no": "Answer this question: yes, no or not sure.",
    "choice": "Answer this question: pick one answer, or not sure.",
    "many": "Answer this question: pick every answer that applies, 'None of these', or not sure.",
}


def _coerce(question: Question, value) -> tuple[object, str]:
    """(clean value, error) for one answer; value is not blank."""
    if value == UNSURE:
        return UNSURE, ""
    if question.many:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not value:
            return None, "Give a list of choices, or not sure."
        valid = dict(question.choices or [])
        picked: list[str] = []
        for item in value:
            if not isinstance(item, str) or item not in valid:
                return None, f"'{item}' is not a valid choice."
            if item not in picked:
                picked.append(item)
        if NONE in picked and len(picked) > 1:
            return None, "'None of these' cannot be combined with other choices."
        order = [v for v, _ in question.choices or []]
        return sorted(picked, key=order.index), ""
    if question.choices:
        if not isinstance(value, str) or value not in dict(question.choices):
            return None, f"'{value}' is not a valid choice."
        return value, ""
    if isinstance(value, bool):
        return value, ""
    if isinstance(value, str) and value.lower() in ("yes", "true"):
        return True, ""
    if isinstance(value, str) and value.lower() in ("no", "false"):
        return False, ""
    return None, "Answer yes (true), no (false) or not sure."


def normalise(answers: dict, role: str) -> tuple[dict, dict[str, list[str]]]:
    """Check the answers against the questionnaire for this role; returns (clean answers,
    errors keyed by question key or "role"). Every asked question must be answered; answers
    to questions that are not asked are dropped when negative and refused otherwise."""
    errors: dict[str, list[str]] = {}
    if role not in ROLE_VALUES:
        errors["role"] = [f"'{role}' is not a valid role: " + ", ".join(ROLE_VALUES) + "."]
    if not isinstance(answers, dict):
        errors["answers"] = ["Give the answers as an object keyed by question."]
        return {}, errors
    for key in answers:
        if key not in QUESTION_KEYS:
            errors.setdefault(str(key), []).append(
                f"'{key}' is not a question of the questionnaire."
            )
    role_for_show = role if role in ROLE_VALUES else None
    clean: dict = {}
    for question in QUESTIONS:
        raw = answers.get(question.key)
        blank = raw is None or raw == "" or raw == []
        parents_bad = any(k in errors for k in question.show_if if k != "role")
        if parents_bad:
            continue
        if not asked(question, clean, role_for_show):
            if blank:
                continue
            value, error = _coerce(question, raw)
            if error:
                errors.setdefault(question.key, []).append(error)
            elif not _is_negative_or_blank(question, value):
                errors.setdefault(question.key, []).append(
                    NOT_ASKED_REASONS.get(question.key, "This question is not asked here.")
                )
            continue
        if blank:
            kind = "many" if question.many else "choice" if question.choices else "yes_no"
            errors.setdefault(question.key, []).append(MISSING[kind])
            continue
        value, error = _coerce(question, raw)
        if error:
            errors.setdefault(question.key, []).append(error)
            continue
        clean[question.key] = value
    _contradictions(clean, role, errors)
    return clean, errors


def _contradictions(a: dict, role: str, errors: dict[str, list[str]]) -> None:
    """Answers that contradict each other, refused with the reason."""
    practices = a.get("prohibited_practices")
    practices = practices if isinstance(practices, list) else []
    areas = a.get("annex_iii_areas")
    areas_known = isinstance(areas, list)
    areas = areas if areas_known else []
    bio = a.get("emotion_or_biometric_categorisation")
    sensitive = [p for p in ("5f", "5g") if p in practices] + [
        p for p in ("1b", "1c") if p in areas
    ]
    if bio is False and sensitive:
        errors.setdefault("emotion_or_biometric_categorisation", []).append(
            "You picked emotion recognition or biometric categorisation above ("
            + ", ".join(_point(p) for p in sensitive)
            + "), so the answer here is yes (or not sure)."
        )
    if not areas_known or "annex_iii_areas" in errors:
        return
    exception = a.get("art5_exception") is True
    if "5f" in practices and exception and "1c" not in areas:
        errors.setdefault("annex_iii_areas", []).append(
            "Emotion recognition allowed by the medical or safety exception of Art. 5(1)(f) is "
            "still a high-risk use: pick Annex III 1(c)."
        )
    if "5h" in practices and (exception or role != "deployer") and "1a" not in areas:
        errors.setdefault("annex_iii_areas", []).append(
            "Remote biometric identification that is not prohibited is a high-risk use: pick "
            "Annex III 1(a)."
        )


def _point(code: str) -> str:
    """'Art. 5(1)(f)' for a practice picked above, 'Annex III 1(c)' for an Annex III point."""
    if code in ("5f", "5g"):
        return f"Art. 5(1)({code[1]})"
    return f"Annex III {_short(ANNEX_III, code)}"


# ---------------------------------------------------------------------------------------------
# The result


@dataclass
class Obligation:
    text: str  # what to do, our words
    articles: str  # e.g. "Art. 26(8), Art. 49(3)"
    applies: str  # a key of APPLICATION_DATES
    party: str  # who carries it: a role value or "public_body"

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "articles": self.articles,
            "applies": self.applies,
            "party": self.party,
        }


@dataclass
class Outcome:
    result: str  # one of RESULTS
    route: str
    reasoning: list[str]
    obligations: list[Obligation]
    fria_required: bool = False
    unsure: list[str] = field(default_factory=list)  # keys answered "not sure"
    provisional: str = ""  # when pending: the result if every "not sure" were "no"


def classify(clean: dict, role: str) -> Outcome:
    """Apply the Act's order of questions to complete, valid answers; raises
    ValueError(errors) when the answers are incomplete or contradictory."""
    a, errors = normalise(clean, role)
    if errors:
        raise ValueError(errors)
    unsure = [q.key for q in QUESTIONS if a.get(q.key) == UNSURE]
    if not unsure:
        return _decide(a, role)
    provisional_answers = {
        key: (negative(QUESTION_BY_KEY[key]) if value == UNSURE else value)
        for key, value in a.items()
    }
    provisional_answers, _ = normalise(provisional_answers, role)
    outcome = _decide(provisional_answers, role)
    texts = " / ".join(f"'{QUESTION_BY_KEY[k].text.rstrip('.?')}'" for k in unsure)
    return Outcome(
        "pending",
        outcome.route,
        [
            f"Answered 'not sure' to: {texts}. A governance officer decides the classification.",
            f"If every 'not sure' were 'no', the result would be: "
            f"{label(RESULTS, outcome.result)}.",
            *outcome.reasoning,
        ],
        outcome.obligations,
        outcome.fria_required,
        unsure,
        outcome.result,
    )


class _Duties:
    def __init__(self) -> None:
        self.items: list[Obligation] = []

    def add(self, text: str, articles: str, applies: str, party: str) -> None:
        self.items.append(Obligation(text, articles, applies, party))


def _decide(a: dict, role: str) -> Outcome:
    def get(key: str):
        return a.get(key, negative(QUESTION_BY_KEY[key]))

    reasoning: list[str] = []
    duties = _Duties()
    practices = [p for p in get("prohibited_practices") if p != NONE]
    exception = get("art5_exception") is True
    areas = [p for p in get("annex_iii_areas") if p != NONE]

    # Art. 5 -----------------------------------------------------------------------------------
    banned = []
    rbi_exception = False
    for p in practices:
        name = label(PROHIBITED_PRACTICES, p)
        if p == "5f" and exception:
            reasoning.append(
                f"Art. 5: {name}: the medical or safety exception applies, so it is not "
                "prohibited; it remains emotion recognition, a high-risk use (Annex III 1(c))."
            )
        elif p == "5h" and role != "deployer":
            reasoning.append(
                f"Art. 5: {name}: Art. 5(1)(h) prohibits the use, not the supply: as "
                f"{role.replace('_', ' ')} you do not use it. It is remote biometric "
                "identification, a high-risk use (Annex III 1(a)); a law-enforcement deployer "
                "may use it in real time only under the exceptions of Art. 5(1)(h), with "
                "prior authorisation."
            )
        elif p == "5h" and exception:
            rbi_exception = True
            reasoning.append(
                f"Art. 5: {name}: used only under an exception of Art. 5(1)(h)(i)-(iii), so "
                "it is not prohibited; it is a high-risk use (Annex III 1(a)) with the "
                "conditions of Art. 5(2)-(7)."
            )
        else:
            banned.append(p)
            reasoning.append(f"Art. 5: {name}. The practice is prohibited in the EU.")
    if banned:
        points = ", ".join(f"Art. 5(1)({p[1]})" for p in banned)
        duties.add(
            "Do not place on the market, put into service or use this system in the EU; "
            "breaches are fined up to EUR 35 million or 7 % of worldwide annual turnover.",
            f"{points}, Art. 99(3)",
            "general",
            role,
        )
        duties.add(
            "Stop or redesign the use case; every approval gate stays closed.",
            points,
            "general",
            role,
        )
        return Outcome("prohibited", points, reasoning, duties.items)
    if not practices:
        reasoning.append("Art. 5: none of the prohibited practices applies.")

    # Art. 6: high-risk routes ----------------------------------------------------------------
    annex_i = get("annex_i_product") is True
    section_b = annex_i and get("annex_i_section_b") is True
    profiling = get("profiling") is True
    exc63 = get("art6_3_exception") if not profiling else NONE
    iii_high = bool(areas) and (profiling or exc63 == NONE)
    iii_exempt = bool(areas) and not iii_high
    high = annex_i or iii_high
    area_names = ", ".join(_short(ANNEX_III, p) for p in areas)
    routes = []
    if annex_i:
        routes.append("Art. 6(1), Annex I" + (" Section B" if section_b else ""))
        reasoning.append(
            "Annex I: the system is, or is a safety component of, a product under EU safety law "
            "that needs a notified body's assessment: high-risk under Art. 6(1)."
            + (
                " For Section B products (vehicles, aviation, rail, marine), only Art. 6(1) "
                "and Art. 102-109 apply: the requirements come through the type-approval law "
                "(Art. 2(2))."
                if section_b
                else ""
            )
        )
    if areas:
        if profiling:
            routes.append(f"Art. 6(2), Annex III {area_names}")
            reasoning.append(
                f"Annex III {area_names}, and the system profiles people: always high-risk; "
                "the Art. 6(3) exceptions are not available (Art. 6(3), last subparagraph)."
            )
        elif exc63 != NONE:
            reasoning.append(
                f"Annex III {area_names}, but {label(ART6_3, exc63)}: not high-risk under "
                "Art. 6(3)." + (" It is high-risk through Annex I all the same." if annex_i else "")
            )
        else:
            routes.append(f"Art. 6(2), Annex III {area_names}")
            reasoning.append(f"Annex III {area_names}: high-risk under Art. 6(2).")
    if not annex_i and not areas:
        reasoning.append("Neither Annex I nor Annex III applies: not high-risk.")
    applies_high = "annex_iii" if iii_high else "annex_i"
    non2_areas = [p for p in areas if p != "2a"] if iii_high else []

    # Who carries the provider's duties ---------------------------------------------------------
    own_product = role == "product_manufacturer" and get("product_under_own_name") is True
    provider_like = role == "provider" or own_product
    shifts = []
    if role in NON_PROVIDER_ROLES:
        for key, point, why in (
            ("own_name_or_trademark", "a", "you put your name or trademark on it"),
            ("substantial_modification", "b", "you modified it substantially"),
            (
                "changed_purpose",
                "c",
                "you use it for a high-risk purpose its provider did not intend",
            ),
        ):
            if get(key) is True:
                shifts.append((point, why))
    shifted = bool(shifts) and high
    if shifts and not high:
        reasoning.append(
            "Art. 25(1): a deployer, importer or distributor becomes the provider of a "
            "high-risk system only; this system is not high-risk, so your role stays "
            f"{role}."
        )
    if shifted:
        points = ", ".join(f"Art. 25(1)({p})" for p, _ in shifts)
        reasoning.append(
            f"{points}: " + "; ".join(w for _, w in shifts) + ": you are treated as the "
            "provider of this high-risk system and carry the provider's duties (Art. 16)."
        )
    if own_product and high and annex_i and not section_b:
        reasoning.append(
            "Art. 25(3): the product carries the AI system under your name: you are treated as "
            "the provider of the high-risk AI system."
        )
    acts_as_provider = provider_like or shifted

    # Art. 4 ------------------------------------------------------------------------------------
    if role in ("provider", "deployer") or acts_as_provider:
        duties.add(
            "Make sure your staff and others operating the system on your behalf have enough "
            "AI literacy for their tasks and the people affected.",
            "Art. 4",
            "general",
            role if role in ("provider", "deployer") else "provider",
        )

    # High-risk duties ---------------------------------------------------------------------------
    fria = False
    if high:
        if shifted:
            points = ", ".join(f"Art. 25(1)({p})" for p, _ in shifts)
            duties.add(
                "You carry the provider's duties below; the original provider must cooperate "
                "and give you the information and access needed (it is no longer the provider "
                "of this system).",
                f"{points}, Art. 25(2)",
                applies_high,
                "provider",
            )
        if section_b and not iii_high:
            duties.add(
                "Meet the AI requirements as the type-approval or sectoral law of the product "
                "takes them in; follow that law's approval procedure.",
                "Art. 2(2), Art. 102-109",
                applies_high,
                "provider" if acts_as_provider else role,
            )
        else:
            if acts_as_provider:
                _provider_duties(duties, areas if iii_high else [], annex_i, applies_high)
            if role == "deployer":
                _deployer_duties(duties, non2_areas, iii_high, applies_high)
            if role == "importer" and not shifted:
                _importer_duties(duties, applies_high)
            if role == "distributor" and not shifted:
                _distributor_duties(duties, applies_high)
            if role == "product_manufacturer" and not own_product:
                duties.add(
                    "Check that the AI system's provider completed its conformity assessment "
                    "and gave you the instructions for use; your product's own conformity "
                    "assessment covers the AI safety component.",
                    "Art. 6(1), Art. 43(3)",
                    applies_high,
                    "product_manufacturer",
                )
        if role == "deployer" and non2_areas:
            public_body = get("public_body_or_service") is True
            public_authority = public_body and get("public_authority") is True
            credit_or_insurance = bool({"5b", "5c"} & set(non2_areas))
            if public_authority:
                duties.add(
                    "As a public authority, register your use of the system in the EU database "
                    "before using it, and do not use a system that is not registered there "
                    "(tell the provider or distributor).",
                    "Art. 26(8), Art. 49(3)",
                    applies_high,
                    "public_body",
                )
                if "1a" in non2_areas:
                    duties.add(
                        "If you use it to identify people after the event in a criminal "
                        "investigation: get prior (or within 48 hours) authorisation, keep "
                        "the use targeted and document each use.",
                        "Art. 26(10)",
                        applies_high,
                        "public_body",
                    )
            if public_body or credit_or_insurance or rbi_exception:
                fria = True
                duties.add(
                    "Assess the impact on fundamental rights before first use (processes, "
                    "period and frequency, people affected, risks, oversight, remedies) and "
                    "notify the market surveillance authority of the results.",
                    "Art. 27(1), Art. 27(3)",
                    applies_high,
                    "public_body" if public_body else "deployer",
                )
        if rbi_exception and role == "deployer":
            duties.add(
                "Use real-time remote identification only under national law allowing it, "
                "with prior authorisation by a court or independent authority for each use "
                "(urgent use: ask within 24 hours), registered in the EU database, and "
                "notify the market surveillance and data protection authorities of each use.",
                "Art. 5(2)-(5), Art. 49",
                "general",
                "deployer",
            )
    elif iii_exempt:
        if provider_like:
            duties.add(
                "Document why the Annex III system is not high-risk before placing it on the "
                "market or putting it into service, register it in the EU database, and give "
                "the documentation to the authorities on request.",
                "Art. 6(4), Art. 49(2)",
                "annex_iii",
                "provider",
            )
        else:
            reasoning.append(
                "Note: its provider must have documented why it is not high-risk and registered "
                "it (Art. 6(4), Art. 49(2)); ask the provider for that assessment. This is not "
                f"a duty of yours as {role.replace('_', ' ')}."
            )

    # Art. 50 ------------------------------------------------------------------------------------
    transparency = _transparency(get, role, provider_like, shifted, duties, reasoning)

    # Chapter V ------------------------------------------------------------------------------------
    if role == "provider" and get("gpai") is True:
        _gpai_duties(get, duties, reasoning)

    obligations = duties.items
    if high:
        return Outcome("high_risk", "; ".join(routes), reasoning, obligations, fria)
    if transparency:
        reasoning.append("Art. 50: you carry transparency duties: limited risk.")
        return Outcome("limited", ", ".join(transparency), reasoning, obligations)
    reasoning.append(
        "No high-risk use and no transparency duty of yours: minimal risk. Voluntary codes of "
        "conduct are encouraged (Art. 95)."
    )
    return Outcome("minimal", "Art. 6(3)" if iii_exempt else "", reasoning, obligations)


def _provider_duties(duties: _Duties, areas: list[str], annex_i: bool, applies: str) -> None:
    p = "provider"
    duties.add("Run a risk management system over the whole life cycle.", "Art. 9", applies, p)
    duties.add(
        "Govern training, validation and test data, including examining and reducing bias.",
        "Art. 10",
        applies,
        p,
    )
    duties.add("Draw up and keep the technical documentation.", "Art. 11, Annex IV", applies, p)
    duties.add("Build in automatic event logging.", "Art. 12", applies, p)
    duties.add(
        "Give deployers instructions for use and make the output interpretable.",
        "Art. 13",
        applies,
        p,
    )
    duties.add("Design for effective human oversight.", "Art. 14", applies, p)
    duties.add("Achieve accuracy, robustness and cybersecurity.", "Art. 15", applies, p)
    duties.add(
        "Put your name and contact on the system, meet accessibility requirements, and run a "
        "quality management system.",
        "Art. 16, Art. 17",
        applies,
        p,
    )
    duties.add(
        "Keep the documentation for 10 years and the logs under your control for at least six "
        "months; take corrective action and inform others when it does not conform.",
        "Art. 18-20",
        applies,
        p,
    )
    if annex_i:
        assessment = "under the product's own conformity assessment procedure"
        articles = "Art. 43(3), Art. 47, Art. 48"
    elif any(a.startswith("1") for a in areas):
        assessment = (
            "by internal control, or with a notified body where harmonised standards are not "
            "fully applied (biometrics)"
        )
        articles = "Art. 43(1), Art. 47, Art. 48"
    else:
        assessment = "by internal control (Annex VI)"
        articles = "Art. 43(2), Art. 47, Art. 48"
    duties.add(
        f"Carry out the conformity assessment {assessment}; sign the EU declaration of "
        "conformity and affix the CE marking.",
        articles,
        applies,
        p,
    )
    if any(a != "2a" for a in areas):
        duties.add(
            "Register yourself and the system in the EU database before placing it on the "
            "market (for biometrics, law enforcement and migration uses: its non-public part).",
            "Art. 49(1), Art. 49(4)",
            applies,
            p,
        )
    if "2a" in areas:
        duties.add(
            "Register the critical-infrastructure system at national level.",
            "Art. 49(5)",
            applies,
            p,
        )
    duties.add(
        "Monitor the system after placing it on the market and report serious incidents "
        "(within 15 days at the latest; 2 days for critical infrastructure, 10 for a death).",
        "Art. 72, Art. 73",
        applies,
        p,
    )


def _deployer_duties(duties: _Duties, areas: list[str], iii_high: bool, applies: str) -> None:
    d = "deployer"
    duties.add("Use the system according to its instructions for use.", "Art. 26(1)", applies, d)
    duties.add(
        "Assign human oversight to competent, trained people with the authority and support "
        "they need.",
        "Art. 26(2)",
        applies,
        d,
    )
    duties.add(
        "Keep input data under your control relevant and sufficiently representative.",
        "Art. 26(4)",
        applies,
        d,
    )
    duties.add(
        "Monitor its operation; on a risk, tell the provider and the authority and suspend use; "
        "report serious incidents.",
        "Art. 26(5)",
        applies,
        d,
    )
    duties.add(
        "Keep the logs under your control for at least six months.", "Art. 26(6)", applies, d
    )
    if {"4a", "4b"} & set(areas):
        duties.add(
            "As an employer, inform workers' representatives and the affected workers before "
            "using it at the workplace.",
            "Art. 26(7)",
            applies,
            d,
        )
    duties.add(
        "Use the provider's information for a data protection impact assessment where one is "
        "needed.",
        "Art. 26(9)",
        applies,
        d,
    )
    if iii_high:
        duties.add(
            "Tell people that decisions about them are made or assisted by the system.",
            "Art. 26(11)",
            applies,
            d,
        )
    if areas:
        duties.add(
            "Explain, on request, the system's role in a decision with legal or similarly "
            "significant effects on a person.",
            "Art. 86",
            applies,
            d,
        )


def _importer_duties(duties: _Duties, applies: str) -> None:
    i = "importer"
    duties.add(
        "Before placing it on the market, verify the conformity assessment, technical "
        "documentation, CE marking, EU declaration of conformity, instructions for use and the "
        "provider's authorised representative.",
        "Art. 23(1)",
        applies,
        i,
    )
    duties.add(
        "Do not place a system you believe non-conforming on the market; on a risk, inform the "
        "provider, its authorised representative and the market surveillance authority.",
        "Art. 23(2)",
        applies,
        i,
    )
    duties.add(
        "Put your name, trade name or trademark and address on the system, its packaging or "
        "its documentation.",
        "Art. 23(3)",
        applies,
        i,
    )
    duties.add(
        "Keep storage and transport from harming its conformity; keep the certificate, "
        "instructions and EU declaration for 10 years.",
        "Art. 23(4), Art. 23(5)",
        applies,
        i,
    )
    duties.add(
        "Give the authorities the information they ask for and cooperate with them.",
        "Art. 23(6), Art. 23(7)",
        applies,
        i,
    )


def _distributor_duties(duties: _Duties, applies: str) -> None:
    d = "distributor"
    duties.add(
        "Before making it available, verify the CE marking, the EU declaration of conformity, "
        "the instructions for use, and that the provider and importer met their labelling "
        "duties.",
        "Art. 24(1)",
        applies,
        d,
    )
    duties.add(
        "Do not make available a system you believe non-conforming; on a risk, inform the "
        "provider or importer.",
        "Art. 24(2)",
        applies,
        d,
    )
    duties.add("Keep storage and transport from harming its conformity.", "Art. 24(3)", applies, d)
    duties.add(
        "Correct, withdraw or recall a non-conforming system you made available, and inform "
        "the provider, importer and authorities of a risk.",
        "Art. 24(4)",
        applies,
        d,
    )
    duties.add(
        "Give the authorities the information they ask for and cooperate with them.",
        "Art. 24(5), Art. 24(6)",
        applies,
        d,
    )


def _transparency(get, role, provider_like, shifted, duties, reasoning) -> list[str]:
    """The Art. 50 duties of this organisation in its role, with their exceptions; notes
    (not duties) about other parties' Art. 50 duties go to the reasoning."""
    paragraphs: list[str] = []
    interacts = get("interacts_with_people") is True
    synthetic = get("synthetic_content") is True
    bio = get("emotion_or_biometric_categorisation") is True
    as_provider = provider_like or shifted
    party = "provider"

    if as_provider and interacts:
        exc = get("interaction_exception")
        if exc == "obvious":
            reasoning.append(
                "Art. 50(1): it is obvious from the circumstances and context that people deal "
                "with an AI system, so no disclosure is required."
            )
        elif exc == "law_enforcement":
            reasoning.append(
                "Art. 50(1): authorised by law for criminal-offence purposes (and not offered "
                "to the public for reporting crimes): no disclosure is required."
            )
        else:
            duties.add(
                "Design the system so that people are told they are interacting with an AI "
                "system"
                + (
                    ", unless that is obvious from the context or it is authorised by law "
                    "for criminal-offence purposes."
                    if not provider_like
                    else "."
                ),
                "Art. 50(1)",
                "transparency",
                party,
            )
            paragraphs.append("Art. 50(1)")
    if as_provider and synthetic:
        exc = get("marking_exception")
        if exc in ("standard_editing", "no_substantial_alteration", "law_enforcement"):
            reasoning.append(
                f"Art. 50(2): {label(MARKING_EXCEPTIONS, exc).lower()}: the output need not "
                "be marked."
            )
        else:
            duties.add(
                "Mark generated or altered audio, images, video and text in a machine-readable "
                "way so that it can be detected as AI-generated"
                + (
                    ", unless it only assists standard editing, does not substantially alter "
                    "the input, or is authorised by law for criminal-offence purposes."
                    if not provider_like
                    else "."
                ),
                "Art. 50(2)",
                "transparency",
                party,
            )
            paragraphs.append("Art. 50(2)")
    if not as_provider and (interacts or synthetic):
        which = " and ".join(
            x
            for x, on in (
                ("tell people they are dealing with an AI system (Art. 50(1))", interacts),
                ("mark generated content as AI-generated (Art. 50(2))", synthetic),
            )
            if on
        )
        reasoning.append(
            f"Note: the provider must {which}; these are the provider's duties, not yours as "
            f"{role.replace('_', ' ')}. Check that the provider meets them."
        )

    deployer_paras: list[str] = []
    if role == "deployer":
        if bio:
            if get("biometric_exception") is True:
                reasoning.append(
                    "Art. 50(3): permitted by law for criminal-offence purposes: no duty to "
                    "inform the people exposed."
                )
            else:
                duties.add(
                    "Tell the people exposed to emotion recognition or biometric "
                    "categorisation that it operates, and process their personal data "
                    "lawfully.",
                    "Art. 50(3)",
                    "transparency",
                    "deployer",
                )
                deployer_paras.append("Art. 50(3)")
        if get("deep_fake") is True:
            context = get("deep_fake_context")
            if context == "law_enforcement":
                reasoning.append(
                    "Art. 50(4): deep fakes made under a law-enforcement authorisation need no "
                    "disclosure."
                )
            elif context == "artistic":
                duties.add(
                    "Disclose that the work contains generated or manipulated content, in a way "
                    "that does not spoil its display or enjoyment.",
                    "Art. 50(4)",
                    "transparency",
                    "deployer",
                )
                deployer_paras.append("Art. 50(4)")
                reasoning.append(
                    "Art. 50(4): the deep fakes are part of an evidently artistic, creative, "
                    "satirical or fictional work: the duty is limited to disclosing that such "
                    "content exists."
                )
            else:
                duties.add(
                    "Disclose that the deep-fake image, audio or video content is artificially "
                    "generated or manipulated.",
                    "Art. 50(4)",
                    "transparency",
                    "deployer",
                )
                deployer_paras.append("Art. 50(4)")
        if get("public_interest_text") is True:
            exc = get("public_interest_text_exception")
            if exc == "editorial":
                reasoning.append(
                    "Art. 50(4): the text is reviewed by people and someone holds editorial "
                    "responsibility: no disclosure is required."
                )
            elif exc == "law_enforcement":
                reasoning.append(
                    "Art. 50(4): authorised by law for criminal-offence purposes: no "
                    "disclosure is required."
                )
            else:
                duties.add(
                    "Disclose that text published to inform the public on matters of public "
                    "interest is AI-generated or manipulated.",
                    "Art. 50(4)",
                    "transparency",
                    "deployer",
                )
                if "Art. 50(4)" not in deployer_paras:
                    deployer_paras.append("Art. 50(4)")
    elif bio:
        reasoning.append(
            "Note: the deployer must tell people exposed to emotion recognition or biometric "
            "categorisation (Art. 50(3)); this is not a duty of yours as "
            f"{role.replace('_', ' ')}."
        )
    if paragraphs:
        duties.add(
            "Give this information clearly and accessibly, at the latest at the first "
            "interaction or exposure.",
            "Art. 50(5)",
            "transparency",
            party,
        )
    if deployer_paras:
        duties.add(
            "Give this information clearly and accessibly, at the latest at the first exposure.",
            "Art. 50(5)",
            "transparency",
            "deployer",
        )
    return paragraphs + deployer_paras


def _gpai_duties(get, duties: _Duties, reasoning: list[str]) -> None:
    systemic = get("gpai_systemic") is True
    open_source = get("gpai_open_source") is True and not systemic
    reasoning.append(
        "Chapter V: the organisation provides a general-purpose AI model"
        + (" with systemic risk." if systemic else ".")
    )
    if open_source:
        reasoning.append(
            "Art. 53(2): released as open source without systemic risk: the documentation "
            "duties towards the AI Office and downstream providers, and the authorised "
            "representative, do not apply."
        )
    else:
        duties.add(
            "Draw up and keep the model's technical documentation for the AI Office and "
            "authorities, and give downstream providers the information they need.",
            "Art. 53(1)(a)-(b), Annex XI, Annex XII",
            "gpai",
            "provider",
        )
        duties.add(
            "If established outside the EU, appoint an authorised representative in the EU "
            "before placing the model on the market.",
            "Art. 54",
            "gpai",
            "provider",
        )
    duties.add(
        "Have a policy to comply with EU copyright law (including text-and-data-mining "
        "opt-outs) and publish a summary of the content used for training. Models placed on "
        "the market before 2 August 2025 must comply by 2 August 2027.",
        "Art. 53(1)(c)-(d), Art. 111(3)",
        "gpai",
        "provider",
    )
    if systemic:
        duties.add(
            "Notify the Commission within two weeks once the model meets the systemic-risk "
            "threshold.",
            "Art. 52(1)",
            "gpai",
            "provider",
        )
        duties.add(
            "Evaluate the model (including adversarial testing), assess and mitigate systemic "
            "risks, report serious incidents to the AI Office, and ensure cybersecurity.",
            "Art. 55(1)(a)-(d)",
            "gpai",
            "provider",
        )


# ---------------------------------------------------------------------------------------------
# Pre-filling from the intake


def prefill_from_intake(system) -> dict:
    """Suggested answers from the system's intake fields (duck-typed: any object with the
    AISystem intake attributes). Only what the intake implies; the owner confirms each."""
    answers: dict = {}
    if getattr(system, "user_facing", None) is True:
        answers["interacts_with_people"] = True
    technique = getattr(system, "ai_technique", None)
    if technique == "generative":
        answers["synthetic_content"] = True
    elif technique in ("predictive", "rules"):
        answers["synthetic_content"] = False
    if getattr(system, "personal_data", None) == "none":
        # Profiling is processing of personal data: without personal data there is none.
        answers["profiling"] = False
    return answers
