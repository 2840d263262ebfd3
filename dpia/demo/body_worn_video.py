"""A body-worn video assessment for the demonstration: approved and published, core questionnaire only."""

from __future__ import annotations

from dpia.demo.text import CORE_RISKS, MeasureText, RevisionText

# DPIA-2019-002

BODY_WORN_VIDEO = RevisionText(
    answers={
        "screening.mandatory_triggers": ["none"],
        "screening.criteria": ["sensitive_data", "vulnerable_people", "systematic_monitoring"],
        "screening.ico_list": ["risk_of_physical_harm"],
        "screening.outcome": "required",
        "screening.reasons": (
            "Officers record people at incidents, often at moments of distress, including victims, children "
            "and vulnerable adults. The footage can show health, and it is used as evidence of offences."
        ),
        "need.aims": (
            "Issue body-worn video cameras to every response officer, to record evidence at incidents and to "
            "make encounters between officers and the public more accountable."
        ),
        "need.reason": "Screening found several high-risk criteria, so the force assessed the processing in full.",
        "need.controller": "Northshire Police",
        "need.project_lead": {"name": "Priya Shah", "role": "Chief Inspector, Response Policing"},
        "processing.nature": (
            "Officers start recording when they use a police power or an encounter becomes confrontational, "
            "and say so. Footage uploads automatically when the camera is docked, to a system the force "
            "controls, and is deleted on a schedule unless it is needed as evidence."
        ),
        "processing.scope": (
            "Video and audio of people officers meet at incidents across Northshire, about 40,000 recordings a "
            "year. Footage not needed as evidence is deleted after 31 days."
        ),
        "processing.people_count": 60000,
        "processing.geographic_area": "The Northshire Police area",
        "processing.context": (
            "People recorded have not chosen to be, and may be victims, witnesses or suspects. Most expect "
            "officers to record incidents; some will not expect it inside their homes."
        ),
        "processing.vulnerable_included": True,
        "processing.vulnerable_details": (
            "Victims of domestic abuse, children and people in mental health crisis. Officers may stop "
            "recording when the harm of recording outweighs its value, and say why on the recording."
        ),
        "processing.purposes": (
            "Better evidence for prosecutions, quicker resolution of complaints, and fewer assaults on officers."
        ),
        "processing.start_date": "2019-04",
        "consultation.views_sought": True,
        "consultation.details": "A public survey and a meeting with the police and crime panel, both in January 2019.",
        "necessity.lawful_basis": (
            "Part 3 of the Data Protection Act 2018: processing for the law enforcement purposes (section 31), "
            "based on law (section 35(2)): the common law duty of the police to prevent and detect crime."
        ),
        "necessity.sensitive_condition": (
            "Footage can reveal health, ethnicity and religious belief. Where it does, the processing is "
            "strictly necessary for the law enforcement purposes and meets the statutory purposes condition in "
            "Schedule 8, with the appropriate policy document APD-BWV-01 in place."
        ),
        "necessity.alternatives": "Officers' notes and statements continue, but are less complete and more disputed.",
        "necessity.fair_balance": (
            "Recording is limited to the use of police powers and confrontational encounters, and most footage "
            "is deleted after 31 days. Better evidence and accountability justify that limited intrusion."
        ),
        "necessity.minimisation": "Officers record only where the policy says to; footage not needed is deleted.",
        "necessity.transparency": "Cameras show a red light; officers say they are recording; a web page explains why.",
        "necessity.rights": "Requests for footage go to the data protection team, who redact other people's images.",
        "necessity.international_transfers": False,
        "necessity.security": (
            "Footage is encrypted on the camera and in storage, and officers cannot delete or edit it. Every "
            "view and export is logged."
        ),
        "measures.plan": "Training and the recording policy are in place before any camera is issued.",
        "outcomes.actions": "The measures are part of the roll-out plan, owned by the project lead.",
        "outcomes.residual_risk": "Low: recording is limited and controlled, and footage is deleted on a schedule.",
        "outcomes.start_after_signoff": True,
        "outcomes.public_summary": (
            "Response officers wear body-worn video cameras and record incidents when they use police powers. "
            "Footage not needed as evidence is deleted after 31 days."
        ),
        "review.schedule": "annual",
        "review.next_date": "2020-03-31",
    },
    tables={
        "processing.data_categories": [
            {"category": "Video and audio of people at incidents", "special_category": True, "criminal_offence": True,
             "description": "May show health, ethnicity or religious belief, and alleged offences."}],
        "processing.retention": [
            {"data_category": "Footage not needed as evidence", "period_days": 31, "trigger": "on_capture",
             "deletion_method": "automatic", "justification": "Long enough for a complaint about an encounter."},
            {"data_category": "Footage kept as evidence", "trigger": "case_closure", "deletion_method": "manual",
             "justification": "Kept under the rules for evidence in criminal cases."}],
        "processing.access": [
            {"data_category": "Footage", "who": "The recording officer, their supervisors and the evidence team",
             "logged": True},
            {"data_category": "Footage kept as evidence", "who": "The Crown Prosecution Service, through the evidence "
             "system", "logged": True}],
        "risks.register": [
            {"description": "People are recorded in their homes or at vulnerable moments when they need not be.",
             "affected": "Victims, children and people in crisis", "likelihood": "possible", "severity": "significant",
             "residual_likelihood": "remote", "residual_severity": "significant"},
            {"description": "Footage is viewed or shared without a policing reason.", "affected": "Anyone recorded",
             "likelihood": "possible", "severity": "significant", "residual_likelihood": "remote",
             "residual_severity": "minimal"}],
    },
    measures=[
        MeasureText(((CORE_RISKS, 0),), "The recording policy limits when officers record, and officers are trained "
                                        "to stop when the harm of recording outweighs its value."),
        MeasureText(((CORE_RISKS, 1),), "Access is limited by role, every view is logged, and the logs are audited "
                                        "monthly by Professional Standards."),
    ],
)
