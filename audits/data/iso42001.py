"""The ISO/IEC 42001:2023 catalogue as project data: the requirements of clauses 4 to 10 and
the Annex A controls, with crosswalks to the EU AI Act and the NIST AI RMF.

Identifiers and short titles are facts (see the shared reference files); every objective and
every piece of guidance below is our own wording, not the standard's text. Buy the standard
for the normative requirements.

Each entry is ``(code, title, objective, guidance)``. The structure is derived from the
codes by ``audits.catalogue.services``: an entry's parent is the longest other code that
prefixes it, and an entry with children (or a top-level clause / Annex A area) is a heading.
Lowest-level entries are the requirements and controls that get a statement in the SoA.
"""

CLAUSES: list[tuple[str, str, str, str]] = [
    # --- 4 Context -------------------------------------------------------------------------
    ("4", "Context of the organization", "Know the setting the AI management system works in.", ""),
    (
        "4.1",
        "Understanding the organization and its context",
        "Work out the internal and external issues that shape what the AIMS can achieve, the "
        "roles the organisation plays towards AI (for example provider or deployer) and whether "
        "climate change matters here.",
        "Keep a register of context issues with an owner each; record the organisation's AI "
        "roles in the scope; review the register at least yearly and at management review.",
    ),
    (
        "4.2",
        "Understanding the needs and expectations of interested parties",
        "Identify who has a stake in the organisation's use of AI, what they need from it, and "
        "which of those needs the AIMS will address.",
        "Maintain the interested-parties register with their requirements and how each is "
        "answered; link relevant ones to controls or processes.",
    ),
    (
        "4.3",
        "Determining the scope of the AI management system",
        "Decide and write down the boundaries of the AIMS: which units, products, AI systems "
        "and activities are in, and which are left out and why.",
        "An approved scope statement kept as documented information, plus the in-scope flag on "
        "each AI system in the inventory.",
    ),
    (
        "4.4",
        "AI management system",
        "Set up, run, keep up and keep improving the AIMS and its processes, and keep it "
        "documented.",
        "A process map or manual describing how the AIMS processes fit together; this "
        "application's records show the processes operating.",
    ),
    # --- 5 Leadership ----------------------------------------------------------------------
    ("5", "Leadership", "Top management drives and is accountable for the AIMS.", ""),
    (
        "5.1",
        "Leadership and commitment",
        "Top management shows it owns the AIMS: it sets direction, provides resources, joins "
        "AI policy and objectives to the business and supports others in their roles.",
        "Minutes of management reviews and committee meetings, budget decisions and "
        "communications signed by leadership.",
    ),
    (
        "5.2",
        "AI policy",
        "Top management sets an AI policy that fits the organisation's purpose, frames its AI "
        "objectives and commits to meeting requirements and to improvement.",
        "A published, approved AI policy version, communicated to staff (acknowledgements) and "
        "available to interested parties as appropriate. See Annex A.2.",
    ),
    (
        "5.3",
        "Roles, responsibilities and authorities",
        "Make sure responsibilities and authorities for the AIMS are assigned, understood and "
        "reported on to top management.",
        "A responsibilities register with named people, and assignments that show the required "
        "training. See Annex A.3.2.",
    ),
    # --- 6 Planning ------------------------------------------------------------------------
    ("6", "Planning", "Plan how the AIMS deals with risks, objectives and changes.", ""),
    (
        "6.1",
        "Actions to address risks and opportunities",
        "Plan how AI risks and opportunities are found, assessed and treated.",
        "",
    ),
    (
        "6.1.1",
        "General",
        "Consider context and interested parties to find the risks and opportunities the AIMS "
        "must address, and set criteria that tell acceptable AI risk from unacceptable risk.",
        "A documented risk methodology with criteria and appetite, and a record of the actions "
        "planned to address risks and opportunities.",
    ),
    (
        "6.1.2",
        "AI risk assessment",
        "Define a repeatable AI risk assessment process that identifies, analyses and "
        "evaluates risks against the criteria and gives comparable results.",
        "The risk methodology (scales, thresholds) and the process description; assessments "
        "that follow it.",
    ),
    (
        "6.1.3",
        "AI risk treatment",
        "Define how risks are treated: choose options, decide the controls needed, compare them "
        "with Annex A, produce a Statement of Applicability and a treatment plan approved by "
        "management, including acceptance of residual risk.",
        "This Statement of Applicability (approved versions), treatment actions on each risk "
        "and recorded acceptance of residual risk above appetite.",
    ),
    (
        "6.1.4",
        "AI system impact assessment",
        "Define how the organisation assesses the possible consequences of its AI systems for "
        "individuals, groups and society, and how results feed the risk assessment.",
        "A documented impact assessment process and template; see Annex A.5.",
    ),
    (
        "6.2",
        "AI objectives and planning to achieve them",
        "Set measurable AI objectives at relevant levels and plan who does what, by when and "
        "how results are judged.",
        "The objectives register with targets, owners, due dates and progress readings.",
    ),
    (
        "6.3",
        "Planning of changes",
        "Make changes to the AIMS in a planned way.",
        "Change records for the AIMS itself (scope, policy, process changes) with their "
        "rationale and approval.",
    ),
    # --- 7 Support -------------------------------------------------------------------------
    ("7", "Support", "Give the AIMS the people, skills and information it needs.", ""),
    (
        "7.1",
        "Resources",
        "Provide the resources needed to establish, run and improve the AIMS.",
        "Budget and staffing decisions; resource documentation of AI systems (Annex A.4).",
    ),
    (
        "7.2",
        "Competence",
        "Decide what competence people doing AIMS work need, make sure they have it and keep "
        "evidence of it.",
        "Training records with expiry dates and required courses per responsibility.",
    ),
    (
        "7.3",
        "Awareness",
        "People working for the organisation know the AI policy, how they contribute and what "
        "happens when the AIMS is not followed.",
        "Policy acknowledgements and AI literacy training completions.",
    ),
    (
        "7.4",
        "Communication",
        "Decide what is communicated about the AIMS, when, to whom and how.",
        "A communication plan covering internal and external audiences.",
    ),
    ("7.5", "Documented information", "Control the documents and records the AIMS needs.", ""),
    (
        "7.5.1",
        "General",
        "Keep the documented information the standard asks for and whatever else the "
        "organisation judges necessary for the AIMS to work.",
        "A list of required documents and records, and where each lives.",
    ),
    (
        "7.5.2",
        "Creating and updating documented information",
        "Documents carry identification, suitable format, and are reviewed and approved "
        "before use.",
        "Versioned documents with approver and date (policy versions, SoA versions).",
    ),
    (
        "7.5.3",
        "Control of documented information",
        "Documented information is available where needed, protected, versioned, retained and "
        "disposed of under control.",
        "Access rights per role, append-only history and the verifiable audit trail.",
    ),
    # --- 8 Operation -----------------------------------------------------------------------
    ("8", "Operation", "Carry out the planned AIMS processes.", ""),
    (
        "8.1",
        "Operational planning and control",
        "Plan, run and control the processes needed to meet requirements, including the "
        "controls chosen in 6.1.3, and control outsourced processes.",
        "Gate approvals, lifecycle records and evidence that controls operate as planned.",
    ),
    (
        "8.2",
        "AI risk assessment",
        "Carry out AI risk assessments at planned intervals and when significant changes happen.",
        "Dated risk assessments per AI system, current under the tier's review interval.",
    ),
    (
        "8.3",
        "AI risk treatment",
        "Put the risk treatment plan into effect and check that treatments work.",
        "Treatment actions closed with results; residual risk re-scored.",
    ),
    (
        "8.4",
        "AI system impact assessment",
        "Carry out impact assessments at planned intervals and on significant change, and "
        "keep the results.",
        "Signed-off impact assessments per AI system where its tier needs one.",
    ),
    # --- 9 Performance evaluation ----------------------------------------------------------
    ("9", "Performance evaluation", "Check how well the AIMS performs.", ""),
    (
        "9.1",
        "Monitoring, measurement, analysis and evaluation",
        "Decide what is monitored and measured, how and when, and evaluate the results.",
        "Monitoring metrics and observations, objective progress and evaluation reports.",
    ),
    ("9.2", "Internal audit", "Audit the AIMS internally at planned intervals.", ""),
    (
        "9.2.1",
        "General",
        "Internal audits show whether the AIMS meets the organisation's own requirements and "
        "the standard, and whether it is effectively run.",
        "Audit reports with conclusions.",
    ),
    (
        "9.2.2",
        "Internal audit programme",
        "Plan an audit programme (frequency, methods, responsibilities, reporting), choose "
        "objective auditors and report results to management.",
        "The audit programme, audit plans, checklists and findings.",
    ),
    ("9.3", "Management review", "Top management reviews the AIMS at planned intervals.", ""),
    (
        "9.3.1",
        "General",
        "Top management reviews the AIMS to confirm it stays suitable, adequate and effective.",
        "Scheduled management reviews with attendees.",
    ),
    (
        "9.3.2",
        "Management review inputs",
        "The review considers earlier actions, changes in issues and stakeholder needs, AIMS "
        "performance (nonconformities, monitoring, audits) and improvement opportunities.",
        "Inputs gathered from live data into the review record.",
    ),
    (
        "9.3.3",
        "Management review results",
        "The review ends with decisions on improvement and on changes to the AIMS.",
        "Recorded decisions and review actions with owners and due dates.",
    ),
    # --- 10 Improvement --------------------------------------------------------------------
    ("10", "Improvement", "Keep making the AIMS better and fix what goes wrong.", ""),
    (
        "10.1",
        "Continual improvement",
        "Keep improving how suitable, adequate and effective the AIMS is.",
        "Improvement decisions from reviews and audits, and their outcomes.",
    ),
    (
        "10.2",
        "Nonconformity and corrective action",
        "React to nonconformities, find and remove their causes, check the action worked and "
        "keep records of what happened and what was done.",
        "Corrective actions linked to findings and incidents, verified effective with evidence.",
    ),
]


CONTROLS: list[tuple[str, str, str, str]] = [
    # --- A.2 ---------------------------------------------------------------------------------
    (
        "A.2",
        "Policies related to AI",
        "Management gives direction and support for AI in line with business needs.",
        "",
    ),
    (
        "A.2.2",
        "AI policy",
        "Have a documented policy for developing or using AI systems.",
        "Approve and publish the AI policy; collect acknowledgements.",
    ),
    (
        "A.2.3",
        "Alignment with other organizational policies",
        "Work out where other policies (security, privacy, quality, ethics) touch AI and align "
        "them.",
        "A mapping of related policies and the updates made to them.",
    ),
    (
        "A.2.4",
        "Review of the AI policy",
        "Review the AI policy at planned intervals, or when things change, so it stays fit.",
        "Policy review dates kept current; review notes on each new version.",
    ),
    # --- A.3 ---------------------------------------------------------------------------------
    (
        "A.3",
        "Internal organization",
        "Accountability for responsible AI is set up inside the organisation.",
        "",
    ),
    (
        "A.3.2",
        "AI roles and responsibilities",
        "Define and assign the roles and responsibilities AI work needs.",
        "Responsibilities register with assignments; owners named on systems and controls.",
    ),
    (
        "A.3.3",
        "Reporting of concerns",
        "Give people a way to raise concerns about AI systems across their life cycle, with "
        "protection for those who report.",
        "A reporting channel (e.g. incident reporting open to employees) and its procedure.",
    ),
    # --- A.4 ---------------------------------------------------------------------------------
    (
        "A.4",
        "Resources for AI systems",
        "Account for the resources of AI systems so their risks and impacts are understood.",
        "",
    ),
    (
        "A.4.2",
        "Resource documentation",
        "Identify and document the resources each AI system's life cycle stages need.",
        "Inventory records listing components, datasets, tooling and people per system.",
    ),
    (
        "A.4.3",
        "Data resources",
        "Document the data resources an AI system uses.",
        "Dataset records per system with source, use and personal-data flags.",
    ),
    (
        "A.4.4",
        "Tooling resources",
        "Document the tools used to build and run AI systems.",
        "Component records (models, libraries, platforms) with versions and providers.",
    ),
    (
        "A.4.5",
        "System and computing resources",
        "Document the computing and system resources AI systems rely on.",
        "Hosting and compute details in the system record or architecture notes.",
    ),
    (
        "A.4.6",
        "Human resources",
        "Document the people and competences AI work needs.",
        "Named owners and oversight persons, with their training records.",
    ),
    # --- A.5 ---------------------------------------------------------------------------------
    (
        "A.5",
        "Assessing impacts of AI systems",
        "Assess how AI systems affect individuals, groups and society across their life cycle.",
        "",
    ),
    (
        "A.5.2",
        "AI system impact assessment process",
        "Have a process to assess the potential consequences of AI systems for people and society.",
        "The impact assessment procedure and template; tier requirements saying when one is due.",
    ),
    (
        "A.5.3",
        "Documentation of AI system impact assessments",
        "Record impact assessment results and keep them for a defined period.",
        "Signed-off impact assessments kept with the system's history.",
    ),
    (
        "A.5.4",
        "Assessing AI system impact on individuals or groups of individuals",
        "Assess and document effects on individuals and groups throughout the life cycle.",
        "Impact assessments covering affected individuals and groups, harms and mitigations.",
    ),
    (
        "A.5.5",
        "Assessing societal impacts of AI systems",
        "Assess and document wider effects on society throughout the life cycle.",
        "The societal section of impact assessments.",
    ),
    # --- A.6 ---------------------------------------------------------------------------------
    (
        "A.6",
        "AI system life cycle",
        "Responsible design, development and operation of AI systems.",
        "",
    ),
    (
        "A.6.1",
        "Management guidance for AI system development",
        "Objectives and processes for responsible AI development are set and documented.",
        "",
    ),
    (
        "A.6.1.2",
        "Objectives for responsible development of AI system",
        "Set and document the objectives that guide responsible development, and build them "
        "into the development process.",
        "Development objectives (fairness, robustness, transparency...) linked to AI objectives.",
    ),
    (
        "A.6.1.3",
        "Processes for responsible AI system design and development",
        "Define and document the processes for responsible design and development.",
        "A development procedure: stages, gates, approvals and required tests.",
    ),
    (
        "A.6.2",
        "AI system life cycle",
        "Each life cycle stage has defined criteria and requirements.",
        "",
    ),
    (
        "A.6.2.2",
        "AI system requirements and specification",
        "Specify and document requirements for new AI systems or major enhancements.",
        "Intake forms and requirement specifications per system.",
    ),
    (
        "A.6.2.3",
        "Documentation of AI system design and development",
        "Document design and development, including architecture and key choices.",
        "Design documents and architecture notes attached to the system.",
    ),
    (
        "A.6.2.4",
        "AI system verification and validation",
        "Define verification and validation measures and criteria, and apply them.",
        "Validation records (bias, accuracy, robustness) with method and result.",
    ),
    (
        "A.6.2.5",
        "AI system deployment",
        "Plan deployment and make sure requirements are met before release.",
        "Release gate approvals with their checklists.",
    ),
    (
        "A.6.2.6",
        "AI system operation and monitoring",
        "Define what ongoing operation needs: monitoring, repairs, updates and support.",
        "Monitoring metrics, alerts, change requests and incident handling per system.",
    ),
    (
        "A.6.2.7",
        "AI system technical documentation",
        "Decide what technical documentation each group of interested parties needs and "
        "provide it.",
        "Technical documentation packs per system and audience.",
    ),
    (
        "A.6.2.8",
        "AI system recording of event logs",
        "Decide at which stages event logs are kept, and keep them at least while the system "
        "is in use.",
        "Logging configuration and retention settings; samples of logs.",
    ),
    # --- A.7 ---------------------------------------------------------------------------------
    (
        "A.7",
        "Data for AI systems",
        "Understand the role and effect of data in AI systems over their life cycle.",
        "",
    ),
    (
        "A.7.2",
        "Data for development and enhancement of AI system",
        "Define and run data management processes for developing and improving AI systems.",
        "A data management procedure covering privacy, security, transparency and bias.",
    ),
    (
        "A.7.3",
        "Acquisition of data",
        "Decide and document how data is acquired and selected.",
        "Dataset records with source, licence and selection rationale.",
    ),
    (
        "A.7.4",
        "Quality of data for AI systems",
        "Set data quality requirements and make sure data meets them.",
        "Data quality criteria and check results per dataset.",
    ),
    (
        "A.7.5",
        "Data provenance",
        "Record where data comes from and what happened to it over its life.",
        "Provenance fields on datasets and lineage notes.",
    ),
    (
        "A.7.6",
        "Data preparation",
        "Define and document the criteria and methods used to prepare data.",
        "Preparation steps (cleaning, labelling, splitting) recorded per dataset.",
    ),
    # --- A.8 ---------------------------------------------------------------------------------
    (
        "A.8",
        "Information for interested parties of AI systems",
        "Interested parties get what they need to understand and assess AI risks and impacts.",
        "",
    ),
    (
        "A.8.2",
        "System documentation and information for users",
        "Decide what information users need about an AI system and provide it.",
        "User guides, notices that people are interacting with AI, instructions for use.",
    ),
    (
        "A.8.3",
        "External reporting",
        "Give interested parties a way to report adverse effects of an AI system.",
        "A public contact or complaint channel and how reports are handled.",
    ),
    (
        "A.8.4",
        "Communication of incidents",
        "Plan how incidents are communicated to users and others.",
        "An incident communication plan; regulatory reporting clocks on serious incidents.",
    ),
    (
        "A.8.5",
        "Information for interested parties",
        "Know and meet the obligations to report information about AI systems to interested "
        "parties, including authorities.",
        "A register of reporting obligations and records of what was reported.",
    ),
    # --- A.9 ---------------------------------------------------------------------------------
    (
        "A.9",
        "Use of AI systems",
        "AI systems are used responsibly and in line with organisational policies.",
        "",
    ),
    (
        "A.9.2",
        "Processes for responsible use of AI systems",
        "Define and document processes for using AI systems responsibly.",
        "Usage procedures, acceptable-use rules and human oversight arrangements.",
    ),
    (
        "A.9.3",
        "Objectives for responsible use of AI system",
        "Set and document objectives that guide responsible use.",
        "Use objectives (e.g. fairness, accountability, safety) in the objectives register.",
    ),
    (
        "A.9.4",
        "Intended use of the AI system",
        "Make sure AI systems are used as intended and keep records that show it.",
        "Intended purpose on each system record; monitoring and logs showing use stays within it.",
    ),
    # --- A.10 --------------------------------------------------------------------------------
    (
        "A.10",
        "Third-party and customer relationships",
        "Responsibilities and risks are shared out properly when third parties are involved.",
        "",
    ),
    (
        "A.10.2",
        "Allocating responsibilities",
        "Allocate responsibilities across the organisation, its partners, suppliers and "
        "customers over the AI system life cycle.",
        "A responsibility matrix per system or contract (e.g. RACI).",
    ),
    (
        "A.10.3",
        "Suppliers",
        "Have a process so that supplied services, products or materials fit the "
        "organisation's responsible approach to AI.",
        "Supplier due-diligence reviews, contract terms and change-notice handling.",
    ),
    (
        "A.10.4",
        "Customers",
        "Take customer expectations and needs into account in the responsible approach to AI.",
        "Customer requirements captured and answered in contracts and documentation.",
    ),
]

# The number of Annex A controls (A.x.y entries that are not headings): 38.
CONTROL_COUNT = 38
# The number of lowest-level requirements in clauses 4-10: 32.
REQUIREMENT_COUNT = 32


EU = "eu_ai_act"
NIST = "nist_ai_rmf"

# Short titles of the references used below, as the reference files give them.
EU_TITLES = {
    "Art. 4": "AI literacy",
    "Art. 9": "Risk management system",
    "Art. 10": "Data and data governance",
    "Art. 11": "Technical documentation",
    "Art. 12": "Record-keeping",
    "Art. 13": "Transparency and provision of information to deployers",
    "Art. 14": "Human oversight",
    "Art. 15": "Accuracy, robustness and cybersecurity",
    "Art. 17": "Quality management system",
    "Art. 20": "Corrective actions and duty of information",
    "Art. 25": "Responsibilities along the AI value chain",
    "Art. 26": "Obligations of deployers of high-risk AI systems",
    "Art. 27": "Fundamental rights impact assessment",
    "Art. 50": "Transparency obligations for providers and deployers of certain AI systems",
    "Art. 72": "Post-market monitoring",
    "Art. 73": "Serious incident reporting",
}
NIST_TITLES = {
    "GOVERN 1.1": "Legal/regulatory AI requirements understood and documented",
    "GOVERN 1.2": "Trustworthy-AI characteristics built into policies",
    "GOVERN 1.3": "Risk-management effort matched to risk tolerance",
    "GOVERN 1.5": "Ongoing monitoring and periodic review planned",
    "GOVERN 1.6": "AI system inventory mechanisms",
    "GOVERN 2.1": "Roles, responsibilities, communication lines documented",
    "GOVERN 2.2": "AI risk training for staff and partners",
    "GOVERN 2.3": "Executive leadership owns AI risk decisions",
    "GOVERN 4.2": "Teams document and communicate risks and impacts",
    "GOVERN 6.1": "Third-party risk policies incl. IP infringement",
    "MAP 1.1": "Intended purpose, setting, laws, norms documented",
    "MAP 1.5": "Organizational risk tolerances documented",
    "MAP 2.3": "Scientific integrity and TEVV considerations documented",
    "MAP 3.3": "Targeted application scope documented",
    "MEASURE 1.3": "Independent assessors and domain experts involved",
    "MEASURE 2.4": "Production functionality and behaviour monitored",
    "MEASURE 2.11": "Fairness and bias evaluated",
    "MANAGE 1.2": "Treatment prioritised by impact, likelihood, resources",
    "MANAGE 2.3": "Respond to and recover from unknown risks",
    "MANAGE 4.3": "Incidents and errors communicated and tracked",
}

# NIST AI RMF -> ISO/IEC 42001 pairs from the NIST/Microsoft crosswalk (nist-ai-rmf.md),
# read the other way round: catalogue code -> AI RMF subcategories.
_NIST_PAIRS = {
    "GOVERN 1.1": ["4.1", "6.2", "A.2.2", "A.2.4"],
    "GOVERN 1.2": ["4.4", "5.2", "A.2.2", "A.6.1.2", "A.6.1.3", "A.9.3", "A.10.3"],
    "GOVERN 1.3": ["6.1.1", "6.1.2", "6.1.3"],
    "GOVERN 1.5": ["8.2", "8.3", "8.4"],
    "GOVERN 1.6": ["A.4.2", "A.4.3", "A.4.4", "A.4.5", "A.4.6"],
    "GOVERN 2.1": ["5.3", "7.1", "7.2", "7.3", "7.4", "9.1", "A.3.2"],
    "GOVERN 2.2": ["7.2"],
    "GOVERN 2.3": ["5.1", "5.2", "9.3.1", "9.3.2", "9.3.3"],
    "GOVERN 4.2": ["6.1.4", "7.4", "A.5.4", "A.5.5", "A.8.5"],
    "GOVERN 6.1": ["A.10.2", "A.10.3"],
    "MAP 1.1": ["6.1.4", "A.5.2", "A.5.3", "A.5.4", "A.5.5"],
    "MAP 1.5": ["6.1.1"],
    "MAP 2.3": ["A.6.1.3", "A.6.2.4", "A.6.2.7", "A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6"],
    "MAP 3.3": ["4.3", "A.5.2", "A.5.3", "A.5.4", "A.5.5"],
    "MEASURE 1.3": ["6.1.2", "9.2.2", "A.5.2", "A.5.4", "A.5.5"],
    "MEASURE 2.4": ["9.1", "A.6.2.6", "A.6.2.8"],
    "MEASURE 2.11": ["A.5.4", "A.5.5"],
    "MANAGE 1.2": ["6.1.2", "6.1.3", "6.1.4", "9.3.3"],
    "MANAGE 2.3": ["6.1.1", "6.1.2", "6.1.3", "10.2"],
    "MANAGE 4.3": ["9.3.2", "A.6.2.6", "A.8.5"],
}

# EU AI Act articles a catalogue item helps to meet. Our own, deliberately modest mapping:
# it says where the AIMS record is useful evidence, not that the article is satisfied.
_EU_PAIRS = {
    "Art. 4": ["7.2", "7.3"],
    "Art. 9": ["6.1.2", "6.1.3", "8.2", "8.3"],
    "Art. 10": ["A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6"],
    "Art. 11": ["A.6.2.3", "A.6.2.7"],
    "Art. 12": ["A.6.2.8"],
    "Art. 13": ["A.8.2"],
    "Art. 14": ["A.9.2"],
    "Art. 15": ["A.6.2.4"],
    "Art. 17": ["4.4", "8.1"],
    "Art. 20": ["10.2"],
    "Art. 25": ["A.10.2"],
    "Art. 26": ["A.9.2", "A.9.4"],
    "Art. 27": ["6.1.4", "8.4", "A.5.2", "A.5.4"],
    "Art. 50": ["A.8.2"],
    "Art. 72": ["A.6.2.6"],
    "Art. 73": ["A.8.4"],
}


def crosswalk_rows() -> list[tuple[str, str, str, str]]:
    """``(code, framework, ref, title)`` for every crosswalk, in a stable order."""
    rows = []
    for ref, codes in _NIST_PAIRS.items():
        rows += [(code, NIST, ref, NIST_TITLES[ref]) for code in codes]
    for ref, codes in _EU_PAIRS.items():
        rows += [(code, EU, ref, EU_TITLES[ref]) for code in codes]
    return sorted(rows)
