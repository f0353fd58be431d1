"""The demo organisation's AI systems: their intake forms and the steps of their story so
far, replayed through the services by ``manage.py load_demo``."""

from typing import Any

# Each system: who owns it, the intake form, the vendor/model named at intake, and the steps
# of its story so far. Steps run in order through the services; see Loader.STEP_HANDLERS.
Step = tuple[str, dict[str, Any]]

SYSTEMS: tuple[dict[str, Any], ...] = (
    {
        "owner": "owner",
        "vendor": "HireFlow Ltd",
        "model_name": "HireFlow Match ranking model",
        "data": {
            "name": "CV screening assistant",
            "purpose": (
                "Scores incoming applications against the must-have criteria of a vacancy and "
                "proposes a shortlist. Recruiters see the score with the matched criteria and "
                "decide who is invited; nobody is rejected without a recruiter reading the CV."
            ),
            "expected_benefit": (
                "Cuts first-pass screening from about 6 to 2 hours per vacancy for high-volume "
                "roles and makes screening against the published criteria more consistent."
            ),
            "business_unit": "hr",
            "deployment_type": "saas_embedded",
            "ai_technique": "predictive",
            "decision_impact": "decides_with_review",
            "human_oversight": "in_the_loop",
            "intended_users": "Recruiters and hiring managers in the talent acquisition team.",
            "affected_groups": (
                "External job applicants (around 9,000 a year) and internal candidates for "
                "open roles."
            ),
            "data_description": (
                "CVs and cover letters uploaded to the applicant tracking system, vacancy "
                "profiles, and recruiter shortlist decisions used by the vendor for tuning."
            ),
            "personal_data": "personal",
            "user_facing": False,
            "used_in_eu": True,
            "known_risks": (
                "Indirect discrimination through proxies (career gaps, school names, "
                "postcodes); automation bias if recruiters stop reading low-scored CVs; "
                "recruitment is a high-risk use under Annex III of the EU AI Act."
            ),
        },
        "steps": [
            ("triage", {"reason": "Triage started: employment use case, likely high risk"}),
            (
                "component",
                {
                    "match": "HireFlow Match ranking model",
                    "kind": "model",
                    "version": "2025.2",
                    "model_identifier": "hf-match-eu-2025.2",
                    "notes": "Hosted by the vendor in its EU region; tuned on our past data.",
                },
            ),
            (
                "dataset",
                {
                    "name": "Historical applications 2021-2024",
                    "use": "evaluation",
                    "source": (
                        "Export from the applicant tracking system of closed vacancies, with "
                        "the recruiter's shortlist decision as the reference label."
                    ),
                    "personal_data": "personal",
                    "licence": "Internal data; DPIA HR-07 covers this use",
                    "quality_checks": (
                        "Duplicates removed; vacancies with fewer than 20 applicants dropped; "
                        "self-declared gender and age band kept apart for bias testing only."
                    ),
                },
            ),
            (
                "intake",
                {
                    "decision": "approve_with_conditions",
                    "by": "approver",
                    "conditions": (
                        "Recruiters must see why each CV scored as it did and must review "
                        "every application before a rejection is sent. Run a bias test per "
                        "job family before release."
                    ),
                },
            ),
            ("start_validation", {}),
            (
                "test",
                {
                    "test_type": "accuracy",
                    "title": "Shortlist agreement with recruiters",
                    "method": (
                        "1,200 past applications over 40 vacancies; top-20% by score compared "
                        "with the recruiters' shortlist. Threshold: recall of 0.85 or higher."
                    ),
                    "result": "pass",
                    "summary": "Recall 0.89, precision 0.71. Weakest on engineering roles.",
                    "days_ago": 12,
                    "reviewed_by": "officer",
                    "review_note": (
                        "Re-ran the comparison on the vendor's scores; recall and precision "
                        "reproduce."
                    ),
                },
            ),
            (
                "test",
                {
                    "test_type": "bias",
                    "title": "Adverse impact by gender and age band",
                    "method": (
                        "Selection rate of each group divided by that of the most selected "
                        "group (four-fifths rule) on the same 1,200 applications."
                    ),
                    "result": "fail",
                    "summary": (
                        "Applicants aged 50+ reach an impact ratio of 0.72 for warehouse "
                        "supervisor roles. The vendor is checking the role-tenure feature."
                    ),
                    "days_ago": 9,
                },
            ),
        ],
    },
    {
        "owner": "owner2",
        "vendor": "OpenAI",
        "model_name": "GPT-4o",
        "data": {
            "name": "Customer support chatbot",
            "purpose": (
                "Answers customer questions about orders, deliveries and returns in the web "
                "shop chat, using help-centre articles and the customer's order status, and "
                "hands the conversation to an agent when it cannot help or is asked to."
            ),
            "expected_benefit": (
                "Answers about 45% of chats without waiting, around the clock, and frees agents "
                "for complaints and complex cases."
            ),
            "business_unit": "customer_service",
            "deployment_type": "third_party_api",
            "ai_technique": "generative",
            "decision_impact": "assists",
            "human_oversight": "on_the_loop",
            "intended_users": "Web-shop customers; support agents who take over conversations.",
            "affected_groups": "Customers in the EU and the UK, including vulnerable customers.",
            "data_description": (
                "Chat messages, order number and delivery status looked up for the logged-in "
                "customer, and published help-centre articles."
            ),
            "personal_data": "personal",
            "user_facing": True,
            "used_in_eu": True,
            "known_risks": (
                "Confident wrong answers about refunds or legal rights; prompt injection via "
                "chat; customers not realising they talk to a machine; personal data sent to "
                "the model provider."
            ),
        },
        "steps": [
            ("triage", {"reason": "Triage started: customer-facing generative AI"}),
            (
                "component",
                {
                    "match": "GPT-4o",
                    "kind": "api",
                    "version": "2024-08-06",
                    "model_identifier": "gpt-4o-2024-08-06",
                    "notes": "Called through the OpenAI API with zero data retention agreed.",
                },
            ),
            (
                "component",
                {
                    "name": "Support assistant system prompt",
                    "kind": "prompt",
                    "version": "v3",
                    "provider": "Customer service digital team",
                    "notes": "Tone, escalation rules, refusal topics, and the AI disclosure.",
                },
            ),
            (
                "dataset",
                {
                    "name": "Help-centre articles",
                    "use": "retrieval",
                    "source": "Published help-centre content, synced nightly from the CMS.",
                    "personal_data": "none",
                    "licence": "Company-owned content",
                    "quality_checks": "Articles older than 12 months flagged to their editor.",
                },
            ),
            (
                "dataset",
                {
                    "name": "Support red-team prompt set",
                    "use": "evaluation",
                    "source": (
                        "350 adversarial prompts written by the team plus a public jailbreak "
                        "collection, reviewed for relevance."
                    ),
                    "personal_data": "none",
                    "licence": "Internal; public part under CC BY 4.0",
                    "quality_checks": "Each prompt labelled with the expected safe behaviour.",
                },
            ),
            ("intake", {"decision": "approve", "by": "approver"}),
            ("start_validation", {}),
            (
                "test",
                {
                    "test_type": "accuracy",
                    "title": "Answer quality on resolved tickets",
                    "method": (
                        "400 resolved tickets replayed; answers graded by two senior agents "
                        "as correct, partly correct or wrong. Threshold: 90% correct or partly."
                    ),
                    "result": "pass",
                    "summary": "93% correct or partly correct; 2% wrong, all about returns.",
                    "days_ago": 140,
                },
            ),
            (
                "test",
                {
                    "test_type": "safety",
                    "title": "Red-team: jailbreaks and harmful advice",
                    "method": "The red-team prompt set; any unsafe completion fails the run.",
                    "result": "pass",
                    "summary": "No unsafe completions; 4 over-refusals noted for tuning.",
                    "days_ago": 138,
                },
            ),
            (
                "test",
                {
                    "test_type": "security",
                    "title": "Prompt injection and data leakage",
                    "method": (
                        "Injected instructions in chat and in a test article; attempts to "
                        "read another customer's order."
                    ),
                    "result": "pass",
                    "summary": "Order lookup is bound to the session; no cross-customer data.",
                    "days_ago": 137,
                },
            ),
            ("classify", {}),
            (
                "release",
                {
                    "decision": "approve_with_conditions",
                    "by": "approver2",
                    "conditions": (
                        "Tell customers at the start of every chat that they talk to an AI "
                        "assistant, and hand over to an agent whenever asked."
                    ),
                },
            ),
            ("review", {"days": 150, "cadence": 6}),
            # The owner edits the deployed model: change control opens a change request with
            # the new values, and the officer decides it is material (back to validation).
            (
                "component",
                {
                    "match": "GPT-4o",
                    "version": "2025-04-14",
                    "model_identifier": "gpt-4.1-2025-04-14",
                    "reason": (
                        "Move from GPT-4o to GPT-4.1: the provider retires the pinned GPT-4o "
                        "snapshot. GPT-4.1 follows instructions better and costs less; prompts "
                        "are unchanged."
                    ),
                },
            ),
            (
                "decide",
                {
                    "material": True,
                    "reason": "A new model behind a customer-facing assistant: re-validate.",
                },
            ),
            ("component", {"match": "GPT-4o", "name": "GPT-4.1"}),
            (
                "test",
                {
                    "test_type": "accuracy",
                    "title": "Answer quality on resolved tickets (GPT-4.1)",
                    "method": "Same 400 tickets and grading as the first release.",
                    "result": "pass",
                    "summary": "95% correct or partly correct; no wrong refund answers.",
                    "days_ago": 20,
                },
            ),
            (
                "test",
                {
                    "test_type": "safety",
                    "title": "Red-team re-run (GPT-4.1)",
                    "method": "The red-team prompt set, extended with 50 new prompts.",
                    "result": "pass",
                    "summary": "No unsafe completions.",
                    "days_ago": 19,
                },
            ),
            (
                "condition_met",
                {
                    "note": (
                        "The AI notice opens every chat and 'talk to an agent' hands over at "
                        "once; checked on the GPT-4.1 build in the red-team re-run."
                    ),
                },
            ),
            (
                "release",
                {
                    "decision": "approve",
                    "by": "approver",
                    "comment": "Re-validated on the new model; the condition of release 1 was met.",
                },
            ),
        ],
    },
    {
        "owner": "owner",
        "data": {
            "name": "Invoice anomaly detection",
            "purpose": (
                "Flags supplier invoices that look unusual (duplicate amounts, new bank "
                "details, prices far from the supplier's history) before payment, so the "
                "accounts payable team checks them first."
            ),
            "expected_benefit": (
                "Catches duplicate and fraudulent invoices that sampling misses; fewer manual "
                "checks on routine invoices."
            ),
            "business_unit": "finance",
            "deployment_type": "in_house",
            "ai_technique": "predictive",
            "decision_impact": "assists",
            "human_oversight": "on_the_loop",
            "intended_users": "Accounts payable clerks and the finance controller.",
            "affected_groups": "Suppliers, including sole traders whose invoices are delayed.",
            "data_description": (
                "Invoice header and line data from the ERP, supplier master data, payment history."
            ),
            "personal_data": "personal",
            "user_facing": False,
            "used_in_eu": True,
            "known_risks": (
                "False positives delay payment to small suppliers; drift after price changes; "
                "fraudsters adapting to the model."
            ),
        },
        "steps": [
            ("triage", {}),
            (
                "component",
                {
                    "name": "Invoice anomaly model",
                    "kind": "model",
                    "version": "1.4.0",
                    "provider": "Finance analytics team",
                    "model_identifier": "ap-anomaly-iforest-1.4.0",
                    "notes": "Isolation forest over 23 invoice and supplier features.",
                },
            ),
            (
                "component",
                {
                    "name": "scikit-learn",
                    "kind": "library",
                    "version": "1.5.2",
                    "provider": "Open source (BSD-3-Clause)",
                },
            ),
            (
                "dataset",
                {
                    "name": "Accounts payable invoices 2019-2024",
                    "use": "training",
                    "source": "ERP accounts payable tables, extracted by the finance data team.",
                    "personal_data": "personal",
                    "licence": "Internal data",
                    "quality_checks": (
                        "Reconciled to the general ledger per year; credit notes and "
                        "intercompany invoices excluded."
                    ),
                },
            ),
            ("intake", {"decision": "approve", "by": "approver2"}),
            ("start_validation", {}),
            (
                "test",
                {
                    "test_type": "accuracy",
                    "title": "Detection of known duplicate and fraudulent invoices",
                    "method": (
                        "Back-test on 2024: 61 confirmed bad invoices among 48,000. Threshold: "
                        "at least 80% caught while flagging at most 3% of invoices."
                    ),
                    "result": "pass",
                    "summary": "52 of 61 caught (85%) with 2.4% of invoices flagged.",
                    "days_ago": 400,
                },
            ),
            ("release", {"decision": "approve", "by": "approver"}),
            ("review", {"days": -21, "cadence": 12}),
        ],
    },
    {
        "owner": "owner2",
        "vendor": "Anthropic",
        "model_name": "Claude Sonnet 4",
        "data": {
            "name": "Developer code assistant",
            "purpose": (
                "Suggests code, tests and explanations inside the developers' IDE, using the "
                "open files and the repository as context. Developers accept or discard each "
                "suggestion; code review and CI apply as for any other change."
            ),
            "expected_benefit": (
                "Faster routine coding and test writing; quicker onboarding to unfamiliar "
                "parts of the codebase."
            ),
            "business_unit": "software",
            "deployment_type": "third_party_api",
            "ai_technique": "generative",
            "decision_impact": "assists",
            "human_oversight": "in_command",
            "intended_users": "About 120 software engineers.",
            "affected_groups": "Users of our software products, indirectly through code quality.",
            "data_description": "Source code, code comments and developer prompts.",
            "personal_data": "none",
            "user_facing": True,
            "used_in_eu": True,
            "known_risks": (
                "Insecure or subtly wrong code accepted without scrutiny; secrets in context "
                "sent to the provider; suggestions reproducing licensed code."
            ),
        },
        "steps": [
            ("triage", {}),
            (
                "component",
                {
                    "match": "Claude Sonnet 4",
                    "kind": "api",
                    "version": "2025-05-14",
                    "model_identifier": "claude-sonnet-4-20250514",
                    "notes": "Commercial API terms: inputs and outputs not used for training.",
                },
            ),
            (
                "component",
                {
                    "name": "Repository context rules",
                    "kind": "prompt",
                    "version": "v2",
                    "provider": "Developer experience team",
                    "notes": "Excludes secrets files, customer data fixtures and vendored code.",
                },
            ),
            (
                "dataset",
                {
                    "name": "Company source repositories (context only)",
                    "use": "retrieval",
                    "source": "Git repositories the developer has access to; read at run time.",
                    "personal_data": "none",
                    "licence": "Company-owned code",
                    "quality_checks": "Secret scanning runs on every push; exclusions enforced.",
                },
            ),
            ("intake", {"decision": "approve", "by": "approver"}),
            ("start_validation", {}),
            (
                "test",
                {
                    "test_type": "security",
                    "title": "Secrets and licence leakage",
                    "method": (
                        "Seeded fake credentials in a test repository and checked what left "
                        "the network; licence scanner over 500 accepted suggestions."
                    ),
                    "result": "pass",
                    "summary": "Excluded files never sent; no licence matches above 10 lines.",
                    "days_ago": 230,
                },
            ),
            (
                "test",
                {
                    "test_type": "accuracy",
                    "title": "Four-week pilot with two teams",
                    "method": "Acceptance rate, review comments and escaped defects vs. baseline.",
                    "result": "pass",
                    "summary": "31% of suggestions accepted; no rise in escaped defects.",
                    "days_ago": 215,
                },
            ),
            ("release", {"decision": "approve", "by": "approver2"}),
            ("review", {"days": -5, "cadence": 6}),
            (
                "change",
                {
                    "kind": "prompt_change",
                    "title": "Add the secure-coding guideline to the system prompt",
                    "description": (
                        "Adds our input-validation and logging rules to the instructions. "
                        "Model, data and users are unchanged."
                    ),
                    "is_material": False,
                },
            ),
        ],
    },
    {
        "owner": "owner2",
        "vendor": "OpenAI",
        "model_name": "GPT-4o mini",
        "data": {
            "name": "Marketing copy generator",
            "purpose": (
                "Drafts product descriptions, newsletter texts and social posts in the brand "
                "voice from a short brief; an editor rewrites and approves every text."
            ),
            "expected_benefit": "First drafts in minutes; more A/B variants per campaign.",
            "business_unit": "marketing",
            "deployment_type": "third_party_api",
            "ai_technique": "generative",
            "decision_impact": "assists",
            "human_oversight": "in_the_loop",
            "intended_users": "Copywriters and campaign managers.",
            "affected_groups": "Readers of our marketing, customers and prospects.",
            "data_description": "Briefs, product data sheets, brand voice guide.",
            "personal_data": "none",
            "user_facing": True,
            "used_in_eu": True,
            "known_risks": (
                "Invented product claims; copyright-like reuse of competitor text; "
                "misleading advertising."
            ),
        },
        "steps": [
            ("triage", {}),
            (
                "component",
                {
                    "match": "GPT-4o mini",
                    "kind": "api",
                    "version": "2024-07-18",
                    "model_identifier": "gpt-4o-mini-2024-07-18",
                },
            ),
            (
                "dataset",
                {
                    "name": "Brand voice guide and approved campaigns",
                    "use": "retrieval",
                    "source": "Brand team's guide and 80 approved campaign texts from 2024.",
                    "personal_data": "none",
                    "licence": "Company-owned content",
                    "quality_checks": "Only texts approved by legal for publication included.",
                },
            ),
            (
                "intake",
                {
                    "decision": "approve_with_conditions",
                    "by": "approver2",
                    "conditions": (
                        "An editor approves every text before publication; no customer data "
                        "in prompts; product claims are checked against the data sheet."
                    ),
                },
            ),
        ],
    },
    {
        "owner": "owner2",
        "data": {
            "name": "Customer churn prediction",
            "purpose": (
                "Estimates each month which subscription customers are likely to cancel, so "
                "the retention team can contact them with service help or offers."
            ),
            "expected_benefit": "Retention budget spent on customers who would otherwise leave.",
            "business_unit": "marketing",
            "deployment_type": "in_house",
            "ai_technique": "predictive",
            "decision_impact": "assists",
            "human_oversight": "in_command",
            "intended_users": "Retention marketing team.",
            "affected_groups": "Subscription customers (about 210,000).",
            "data_description": "Contract, usage, billing and support-contact history.",
            "personal_data": "personal",
            "user_facing": False,
            "used_in_eu": True,
            "known_risks": (
                "Offers that favour some groups (e.g. younger customers) over others; profiling "
                "without a clear legal basis; stale scores after price changes."
            ),
        },
        "steps": [
            ("triage", {}),
            (
                "component",
                {
                    "name": "Churn model",
                    "kind": "model",
                    "version": "3.2",
                    "provider": "Marketing analytics team",
                    "model_identifier": "churn-lgbm-3.2",
                    "notes": "LightGBM classifier, retrained quarterly.",
                },
            ),
            (
                "component",
                {
                    "name": "LightGBM",
                    "kind": "library",
                    "version": "4.5.0",
                    "provider": "Microsoft (open source, MIT)",
                },
            ),
            (
                "dataset",
                {
                    "name": "Customer account and usage history",
                    "use": "training",
                    "source": "CRM and billing warehouse, 36 months, pseudonymised customer id.",
                    "personal_data": "personal",
                    "licence": "Internal data; legitimate interest assessment LIA-MKT-03",
                    "quality_checks": "Monthly row counts and null rates checked by dbt tests.",
                },
            ),
            ("intake", {"decision": "approve", "by": "approver"}),
            ("start_validation", {}),
            (
                "test",
                {
                    "test_type": "accuracy",
                    "title": "Out-of-time validation",
                    "method": "Trained to 2024-06, tested on 2024-07 to 2024-12. AUC >= 0.75.",
                    "result": "pass",
                    "summary": "AUC 0.81; top decile captures 34% of churners.",
                    "days_ago": 160,
                },
            ),
            (
                "test",
                {
                    "test_type": "bias",
                    "title": "Offer rate by age band",
                    "method": "Share of each age band in the contacted top decile vs. base rate.",
                    "result": "pass",
                    "summary": "All bands within 20% of their base rate.",
                    "days_ago": 158,
                },
            ),
            ("release", {"decision": "approve", "by": "approver2"}),
            ("review", {"days": 200, "cadence": 12}),
            (
                "dataset",
                {
                    "name": "Web-analytics browsing events",
                    "use": "training",
                    "source": "Web analytics export joined on logged-in customer id.",
                    "personal_data": "personal",
                    "licence": "Internal data; consented visitors only",
                    "quality_checks": "Consent flag verified per event; bot traffic filtered.",
                    "reason": (
                        "Add web-analytics browsing events as features: visits to the "
                        "cancellation and pricing pages. Needs a consent check: only customers "
                        "who accepted analytics cookies."
                    ),
                },
            ),
            (
                "decide",
                {"material": True, "reason": "New personal data in training: re-validate."},
            ),
        ],
    },
    {
        "owner": "owner",
        "data": {
            "name": "Credit-limit scoring for trade customers",
            "purpose": (
                "Proposes an initial credit limit for new trade customers, including sole "
                "traders, from credit-agency data and order history; credit controllers "
                "confirm or change every limit."
            ),
            "expected_benefit": "Same-day account opening; fewer bad debts from over-limit sales.",
            "business_unit": "finance",
            "deployment_type": "in_house",
            "ai_technique": "predictive",
            "decision_impact": "decides_with_review",
            "human_oversight": "in_the_loop",
            "intended_users": "Credit control team.",
            "affected_groups": "Business customers, among them sole traders (natural persons).",
            "data_description": (
                "Credit reference agency reports, company filings, payment behaviour on "
                "our own invoices."
            ),
            "personal_data": "personal",
            "user_facing": False,
            "used_in_eu": True,
            "known_risks": (
                "Creditworthiness of natural persons is high risk under the EU AI Act; "
                "unexplainable refusals; agency data errors carried into limits."
            ),
        },
        "steps": [
            ("triage", {"reason": "Triage started: may be high risk (sole traders)"}),
            (
                "component",
                {
                    "name": "Credit-limit scorecard",
                    "kind": "model",
                    "version": "0.3 (prototype)",
                    "provider": "Finance analytics team",
                    "notes": "Logistic-regression scorecard with reason codes per applicant.",
                },
            ),
        ],
    },
    {
        "owner": "owner",
        "vendor": "PeopleCore HR",
        "model_name": "PeopleCore Retention Insights",
        "data": {
            "name": "Employee attrition prediction",
            "purpose": (
                "An add-on to the HR system that rates each employee's likelihood of leaving "
                "in the next six months, for managers to plan retention conversations."
            ),
            "expected_benefit": "Lower regretted attrition in hard-to-hire roles.",
            "business_unit": "hr",
            "deployment_type": "saas_embedded",
            "ai_technique": "predictive",
            "decision_impact": "assists",
            "human_oversight": "in_command",
            "intended_users": "HR business partners and line managers.",
            "affected_groups": "All 2,400 employees.",
            "data_description": (
                "Tenure, pay history, performance ratings, sickness absence, engagement "
                "survey answers."
            ),
            "personal_data": "special",
            "user_facing": False,
            "used_in_eu": True,
            "known_risks": (
                "Health data (absence) used to profile staff; chilling effect; managers "
                "treating flagged staff differently; the vendor cannot explain its features."
            ),
        },
        "steps": [
            ("triage", {}),
            (
                "intake",
                {
                    "decision": "reject",
                    "by": "approver",
                    "comment": (
                        "Rating individual employees as likely leavers from absence and "
                        "survey data is disproportionate, the works council has not been "
                        "consulted and the vendor cannot explain the score. If the need "
                        "remains, bring a proposal for team-level, aggregated analytics."
                    ),
                },
            ),
        ],
    },
    {
        "owner": "owner2",
        "vendor": "Microsoft",
        "model_name": "Teams Premium intelligent recap",
        "data": {
            "name": "Meeting transcription and summaries",
            "purpose": (
                "Transcribes internal Teams meetings and drafts a summary with action items "
                "for the organiser to check and share."
            ),
            "expected_benefit": "Less note-taking; absent colleagues catch up quickly.",
            "business_unit": "operations",
            "deployment_type": "saas_embedded",
            "ai_technique": "speech",
            "decision_impact": "assists",
            "human_oversight": "in_command",
            "intended_users": "All office staff.",
            "affected_groups": "Meeting participants, including external guests.",
            "data_description": "Meeting audio, participant names, shared chat.",
            "personal_data": "personal",
            "user_facing": True,
            "used_in_eu": True,
            "known_risks": (
                "Recording without participants knowing; transcripts used to evaluate "
                "staff; poorer accuracy for accented speech, leading to misattributed actions."
            ),
        },
        "steps": [
            ("triage", {}),
            (
                "component",
                {
                    "match": "Teams Premium intelligent recap",
                    "kind": "api",
                    "version": "Microsoft 365 monthly channel",
                    "notes": "Tenant in the EU Data Boundary.",
                },
            ),
            (
                "intake",
                {
                    "decision": "approve_with_conditions",
                    "by": "approver",
                    "conditions": (
                        "Participants are told when transcription is on; transcripts are kept "
                        "30 days; never used for performance evaluation."
                    ),
                },
            ),
            ("start_validation", {}),
            (
                "test",
                {
                    "test_type": "accuracy",
                    "title": "Transcription word error rate",
                    "method": (
                        "20 recorded test meetings with English and Dutch speakers, including "
                        "non-native accents. WER below 15% per speaker group."
                    ),
                    "result": "pass",
                    "summary": "WER 7% native, 12% non-native speakers.",
                    "days_ago": 300,
                },
            ),
            (
                "test",
                {
                    "test_type": "security",
                    "title": "Data residency and retention",
                    "method": "Reviewed tenant settings, retention policy and audit logs.",
                    "result": "pass",
                    "summary": "Data stays in the EU; 30-day deletion confirmed.",
                    "days_ago": 298,
                },
            ),
            (
                "condition_met",
                {
                    "note": (
                        "Meeting invitations and the Teams banner announce transcription; "
                        "retention set to 30 days; HR confirmed recaps are not used in reviews."
                    ),
                },
            ),
            ("release", {"decision": "approve", "by": "approver2"}),
            ("review", {"days": 60, "cadence": 12}),
        ],
    },
    {
        "owner": "owner2",
        "data": {
            "name": "Warehouse visual quality inspection",
            "purpose": (
                "Cameras on the packing line detect damaged or wrongly labelled parcels and "
                "divert them to a manual check station."
            ),
            "expected_benefit": "Fewer damaged deliveries and returns; inspection at line speed.",
            "business_unit": "operations",
            "deployment_type": "fine_tuned",
            "ai_technique": "vision",
            "decision_impact": "decides_with_review",
            "human_oversight": "on_the_loop",
            "intended_users": "Warehouse shift leads and quality staff.",
            "affected_groups": "Customers receiving parcels; warehouse staff (not in images).",
            "data_description": "Images of parcels on the conveyor; camera masks exclude people.",
            "personal_data": "none",
            "user_facing": False,
            "used_in_eu": True,
            "known_risks": (
                "Missed damage in new packaging types; people captured by a misaligned camera; "
                "line stoppage if the model fails closed."
            ),
        },
        "steps": [
            ("triage", {}),
            (
                "component",
                {
                    "name": "Parcel defect detector",
                    "kind": "model",
                    "version": "weights 2025-03",
                    "provider": "Ultralytics YOLOv8, fine-tuned by the operations data team",
                    "model_identifier": "yolov8s-parcel-2025-03",
                    "notes": "Used under an Ultralytics Enterprise licence.",
                },
            ),
            (
                "dataset",
                {
                    "name": "Labelled parcel images",
                    "use": "fine_tuning",
                    "source": "18,000 images from the three packing lines, 2024-2025.",
                    "personal_data": "none",
                    "licence": "Company-owned",
                    "quality_checks": (
                        "Every image labelled by two people; disagreements settled by the "
                        "quality lead; images containing people removed."
                    ),
                },
            ),
            ("intake", {"decision": "approve", "by": "approver2"}),
            ("start_validation", {}),
            (
                "test",
                {
                    "test_type": "accuracy",
                    "title": "Defect detection on a held-out week",
                    "method": "One week of images, unseen in training. Recall >= 95% for damage.",
                    "result": "pass",
                    "summary": "Recall 97%, 1.8% of parcels diverted without defect.",
                    "days_ago": 250,
                },
            ),
            (
                "test",
                {
                    "test_type": "safety",
                    "title": "Fail-safe behaviour",
                    "method": "Simulated camera and model outages during a live shift.",
                    "result": "pass",
                    "summary": "Line falls back to manual sampling; no stoppage.",
                    "days_ago": 245,
                },
            ),
            ("release", {"decision": "approve", "by": "approver"}),
            ("review", {"days": -45, "cadence": 6}),
        ],
    },
    {
        "owner": "owner2",
        "data": {
            "name": "Weekly demand forecasting",
            "purpose": (
                "Forecast of weekly sales per product and warehouse, feeding purchase orders "
                "proposed to the buyers."
            ),
            "expected_benefit": "Less overstock and fewer stock-outs.",
            "business_unit": "operations",
            "deployment_type": "in_house",
            "ai_technique": "predictive",
            "decision_impact": "assists",
            "human_oversight": "in_command",
            "intended_users": "Buyers and supply planners.",
            "affected_groups": "Suppliers, customers (availability).",
            "data_description": "Sales history, promotions calendar, public holidays.",
            "personal_data": "none",
            "user_facing": False,
            "used_in_eu": True,
            "known_risks": "Poor forecasts for new products and after promotions.",
        },
        "steps": [
            ("triage", {}),
            (
                "component",
                {
                    "name": "Prophet",
                    "kind": "library",
                    "version": "1.1.5",
                    "provider": "Meta (open source, MIT)",
                },
            ),
            (
                "dataset",
                {
                    "name": "Weekly sales by product and warehouse",
                    "use": "training",
                    "source": "Sales data warehouse, 2019 onward.",
                    "personal_data": "none",
                    "licence": "Internal data",
                    "quality_checks": "Weeks with stock-outs flagged so lost demand is imputed.",
                },
            ),
            ("intake", {"decision": "approve", "by": "approver"}),
            ("start_validation", {}),
            (
                "test",
                {
                    "test_type": "accuracy",
                    "title": "Forecast error vs. planners' baseline",
                    "method": "13-week backtest; weighted MAPE vs. the spreadsheet baseline.",
                    "result": "pass",
                    "summary": "WMAPE 18% against 26% for the baseline.",
                    "days_ago": 700,
                },
            ),
            ("release", {"decision": "approve", "by": "approver2"}),
            (
                "retire",
                {
                    "reason": (
                        "Retired: replaced by the forecasting module of the new ERP. Model "
                        "switched off; training data kept two years for audit."
                    )
                },
            ),
        ],
    },
    {
        "owner": "owner",
        "vendor": "Microsoft",
        "model_name": "Azure OpenAI GPT-4o",
        "data": {
            "name": "Contract clause extraction",
            "purpose": (
                "Extracts key clauses (term, termination, liability caps, data protection, "
                "governing law) from signed supplier contracts into the contract register, "
                "with a link to the source page for a lawyer to verify."
            ),
            "expected_benefit": "Backlog of 3,000 legacy contracts indexed in weeks, not a year.",
            "business_unit": "legal",
            "deployment_type": "third_party_api",
            "ai_technique": "generative",
            "decision_impact": "assists",
            "human_oversight": "in_the_loop",
            "intended_users": "Legal counsel and procurement.",
            "affected_groups": "Suppliers; signatories named in contracts.",
            "data_description": "Scanned and digital contracts, including signatory names.",
            "personal_data": "personal",
            "user_facing": False,
            "used_in_eu": True,
            "known_risks": (
                "Missed or invented clauses relied upon in disputes; confidential contracts "
                "sent to a cloud service."
            ),
        },
        "steps": [
            ("triage", {}),
            (
                "intake",
                {
                    "decision": "request_changes",
                    "by": "approver",
                    "comment": (
                        "Please confirm the Azure region and that prompts are excluded from "
                        "the provider's abuse-monitoring retention, and describe how lawyers "
                        "verify each extracted clause before it enters the register."
                    ),
                },
            ),
        ],
    },
    {
        "owner": "owner",
        "data": {
            "name": "Payment fraud detection",
            "purpose": (
                "Scores card and bank-transfer payments in the web shop in real time; "
                "payments above the threshold are held until a fraud analyst releases or "
                "cancels them."
            ),
            "expected_benefit": "Chargebacks down; fewer good orders blocked than with rules only.",
            "business_unit": "finance",
            "deployment_type": "in_house",
            "ai_technique": "predictive",
            "decision_impact": "decides_with_review",
            "human_oversight": "on_the_loop",
            "intended_users": "Fraud analysts in the payments team.",
            "affected_groups": "Web-shop customers whose orders are held or cancelled.",
            "data_description": (
                "Payment details, device fingerprint, delivery address, order history, "
                "confirmed fraud labels."
            ),
            "personal_data": "personal",
            "user_facing": False,
            "used_in_eu": True,
            "known_risks": (
                "Customers from some countries or postcodes held more often; analysts "
                "rubber-stamping holds; adversarial adaptation."
            ),
        },
        "steps": [
            ("triage", {}),
            (
                "component",
                {
                    "name": "Fraud scoring model",
                    "kind": "model",
                    "version": "2.1",
                    "provider": "Payments data science team",
                    "model_identifier": "fraud-xgb-2.1",
                    "notes": "XGBoost on 140 features; retrained monthly.",
                },
            ),
            (
                "component",
                {
                    "name": "Payment rules engine",
                    "kind": "other",
                    "version": "2025.4",
                    "provider": "Payments engineering",
                    "notes": "Hard rules (sanctions, velocity) applied before the model score.",
                },
            ),
            (
                "dataset",
                {
                    "name": "Web-shop payments 2022-2025",
                    "use": "training",
                    "source": "Payment service provider exports joined with order data.",
                    "personal_data": "personal",
                    "licence": "Internal data",
                    "quality_checks": "Labels lagged 90 days so chargebacks are complete.",
                },
            ),
            (
                "dataset",
                {
                    "name": "Confirmed fraud cases",
                    "use": "evaluation",
                    "source": "Analyst case outcomes and chargeback reasons from the PSP.",
                    "personal_data": "personal",
                    "licence": "Internal data",
                    "quality_checks": "Sample of 200 labels re-checked by a second analyst.",
                },
            ),
            ("intake", {"decision": "approve", "by": "approver"}),
            ("start_validation", {}),
            (
                "test",
                {
                    "test_type": "accuracy",
                    "title": "Fraud capture at the operating threshold",
                    "method": "Last quarter held out; capture rate at a 1.5% hold rate.",
                    "result": "pass",
                    "summary": "71% of fraud value captured vs. 48% with rules only.",
                    "days_ago": 90,
                },
            ),
            (
                "test",
                {
                    "test_type": "bias",
                    "title": "Hold rate by billing country",
                    "method": "False-positive hold rate per EU country; no country above 2x mean.",
                    "result": "pass",
                    "summary": "Highest ratio 1.6x (Portugal), under review with analysts.",
                    "days_ago": 88,
                },
            ),
            ("classify", {}),
            (
                "release",
                {
                    "decision": "approve_with_conditions",
                    "by": "approver2",
                    "conditions": (
                        "Held payments are reviewed within 4 business hours; a monthly "
                        "false-positive report goes to the AI committee."
                    ),
                },
            ),
            ("review", {"days": 120, "cadence": 6}),
        ],
    },
    {
        "owner": "owner2",
        "vendor": "Hugging Face",
        "model_name": "DistilBERT ticket classifier",
        "data": {
            "name": "IT service desk ticket routing",
            "purpose": (
                "Reads new IT tickets and proposes the resolver group and priority; the "
                "service desk can override before assignment."
            ),
            "expected_benefit": "Fewer tickets bouncing between groups; faster first response.",
            "business_unit": "operations",
            "deployment_type": "fine_tuned",
            "ai_technique": "predictive",
            "decision_impact": "assists",
            "human_oversight": "on_the_loop",
            "intended_users": "IT service desk agents.",
            "affected_groups": "Employees raising IT tickets.",
            "data_description": "Ticket subject and description, reporter's department.",
            "personal_data": "personal",
            "user_facing": False,
            "used_in_eu": True,
            "known_risks": "Urgent tickets routed with low priority; names in ticket texts.",
        },
        "steps": [],
    },
    {
        "owner": "owner",
        "vendor": "Anthropic",
        "model_name": "Claude 3.5 Haiku",
        "data": {
            "name": "Inclusive job advert checker",
            "purpose": (
                "Highlights wording in draft job adverts that may discourage some applicants "
                "and suggests neutral alternatives; the recruiter chooses what to change."
            ),
            "expected_benefit": "More diverse applicant pools; consistent tone across adverts.",
            "business_unit": "hr",
            "deployment_type": "third_party_api",
            "ai_technique": "generative",
            "decision_impact": "assists",
            "human_oversight": "in_command",
            "intended_users": "Recruiters and hiring managers.",
            "affected_groups": "Job seekers reading our adverts.",
            "data_description": "Draft job adverts; no applicant data.",
            "personal_data": "none",
            "user_facing": False,
            "used_in_eu": True,
            "known_risks": "Suggestions that change legal requirements of the role.",
        },
        "steps": [],
    },
    {
        "owner": "owner",
        "vendor": "ExpenseLoop",
        "model_name": "ExpenseLoop receipt reader",
        "data": {
            "name": "Expense receipt extraction",
            "purpose": (
                "Reads photographed receipts in the expense app and pre-fills amount, VAT, "
                "merchant and date; employees confirm before submitting."
            ),
            "expected_benefit": "Faster expense claims and fewer VAT errors.",
            "business_unit": "finance",
            "deployment_type": "saas_embedded",
            "ai_technique": "vision",
            "decision_impact": "assists",
            "human_oversight": "in_the_loop",
            "intended_users": "All employees who claim expenses; finance reviewers.",
            "affected_groups": "Employees.",
            "data_description": "Receipt photos, which may show names and card digits.",
            "personal_data": "personal",
            "user_facing": True,
            "used_in_eu": True,
            "known_risks": "Misread amounts approved unchecked; vendor training on our receipts.",
        },
        "steps": [("triage", {})],
    },
    {
        "owner": "owner2",
        "vendor": "Mistral AI",
        "model_name": "Mistral Small 3.1",
        "data": {
            "name": "Agent knowledge assistant",
            "purpose": (
                "Lets support agents ask questions in plain language and get answers drawn "
                "from internal procedures and product manuals, with links to the sources."
            ),
            "expected_benefit": "Shorter handling time; new agents productive sooner.",
            "business_unit": "customer_service",
            "deployment_type": "self_hosted_open",
            "ai_technique": "generative",
            "decision_impact": "assists",
            "human_oversight": "in_command",
            "intended_users": "Customer support agents and team leads.",
            "affected_groups": "Customers, through the answers agents give them.",
            "data_description": "Internal procedures, product manuals, agent questions.",
            "personal_data": "none",
            "user_facing": False,
            "used_in_eu": True,
            "known_risks": "Outdated procedures surfaced as current; wrong answers passed on.",
        },
        "steps": [
            ("triage", {}),
            (
                "intake",
                {
                    "decision": "request_changes",
                    "by": "approver2",
                    "comment": (
                        "Say where the model runs and who patches it, and how you will measure "
                        "wrong or outdated answers before agents rely on it."
                    ),
                },
            ),
            (
                "update",
                {
                    "data": {
                        "data_description": (
                            "Internal procedures and product manuals (owner-approved versions "
                            "only), agent questions kept 30 days for quality review."
                        ),
                        "known_risks": (
                            "Outdated procedures surfaced as current; wrong answers passed on. "
                            "Mitigation: answers cite sources; monthly evaluation on 200 "
                            "questions with known answers; runs on the internal GPU cluster "
                            "patched by the platform team."
                        ),
                    },
                    "reason": "Hosting and evaluation plan added at the committee's request",
                },
            ),
            ("resubmit", {"reason": "Resubmitted with hosting and evaluation details"}),
            ("triage", {"reason": "Triage restarted on the resubmitted intake"}),
            (
                "component",
                {
                    "match": "Mistral Small 3.1",
                    "kind": "model",
                    "version": "24B Instruct 2503",
                    "model_identifier": "mistralai/Mistral-Small-3.1-24B-Instruct-2503",
                    "notes": "Open weights under Apache 2.0, served with vLLM on our cluster.",
                },
            ),
            (
                "component",
                {
                    "name": "bge-small-en-v1.5 embeddings",
                    "kind": "model",
                    "version": "1.5",
                    "provider": "BAAI (open weights, MIT)",
                    "model_identifier": "BAAI/bge-small-en-v1.5",
                },
            ),
            (
                "dataset",
                {
                    "name": "Support procedures and product manuals",
                    "use": "retrieval",
                    "source": "Knowledge base export, owner-approved documents only.",
                    "personal_data": "none",
                    "licence": "Company-owned; supplier manuals used under supply agreements",
                    "quality_checks": "Each document has an owner and a review date.",
                },
            ),
            ("intake", {"decision": "approve", "by": "approver"}),
        ],
    },
)
