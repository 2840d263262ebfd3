"""The live facial recognition assessments of the demonstration.

The trial follows the motivating case: a PIA written in April 2017 under the Data Protection Act 1998, before
the first deployment; a 30-day retention rule for alert images decided in October 2017 and written into
revision 2; alert images visible only to officers and staff assigned to the deployment; 104 alerts, 2
confirmed and 102 incorrect; faces scanned and age not recorded. A later assessment for the stadium, written
after 25 May 2018, is under Part 3 of the 2018 Act. All wording is ours.
"""

from __future__ import annotations

from typing import Any

from dpia.demo.text import CORE_RISKS, LFR_RISKS, MeasureText, Ratings, RevisionText

# -- the live facial recognition trial (DPIA-2017-004) -------------------------------------------------

_TRIAL_SCREENING: dict[str, Any] = {
    "screening.mandatory_triggers": ["large_scale_sensitive", "public_monitoring"],
    "screening.criteria": ["systematic_monitoring", "sensitive_data", "large_scale", "matching_datasets",
                           "innovative_technology"],
    "screening.ico_list": ["innovative_technology", "biometric_data", "data_matching"],
    "screening.outcome": "required",
    "screening.reasons": (
        "The trial compares the face of everyone passing the cameras with a watchlist. That is biometric "
        "data used to identify people, collected by systematically monitoring a public place, with a new "
        "technology. Each of these points to high risk on its own."
    ),
}

_LFR_COMMON: dict[str, Any] = {
    **_TRIAL_SCREENING,
    "need.aims": (
        "Trial live facial recognition at planned public events to find people wanted by the courts or by "
        "the police for serious offences. Cameras compare the faces passing a fixed point with a watchlist "
        "compiled for each deployment. An officer checks every alert before anyone is approached."
    ),
    "need.reason": (
        "The trial processes biometric data to identify people, monitors a publicly accessible place "
        "systematically and uses a new technology. Screening found an assessment is needed before the "
        "first deployment."
    ),
    "need.controller": "Northshire Police",
    "need.project_lead": {"name": "Sam Okafor", "role": "Detective Superintendent, LFR project lead"},
    "processing.nature": (
        "Cameras stream video to a van on site. The software detects faces, makes a template of each and "
        "compares it with the watchlist. Faces that do not match are discarded at once. Alerts are shown "
        "only to the officers and staff assigned to the deployment."
    ),
    "processing.sources": "Video of people passing the cameras; custody images held by the force for the watchlist.",
    "processing.recipients": "Nobody outside the force, except evidence given to the Crown Prosecution Service.",
    "processing.context": (
        "People passing the cameras have no relationship with the force and cannot opt out other than by "
        "avoiding the area. Signs and leaflets announce each deployment."
    ),
    "processing.people_count": 100000,
    "processing.geographic_area": "Event sites in Northshire chosen for each deployment",
    "processing.vulnerable_included": True,
    "processing.vulnerable_details": (
        "Crowds at public events include children and vulnerable adults. Their faces are processed like "
        "anyone else's and discarded at once unless they match the watchlist. Children are never placed "
        "on a watchlist."
    ),
    "processing.purposes": (
        "Find wanted people quickly and safely, and learn whether the technology is accurate and fair "
        "enough to justify any wider use."
    ),
    "processing.start_date": "2017-06",
    "consultation.views_sought": True,
    "consultation.details": (
        "Briefings for local councillors and the independent ethics panel before each deployment, and a "
        "public notice inviting comments."
    ),
    "necessity.alternatives": (
        "Officers recognising people from briefings was considered. It cannot cover a crowd of this size, "
        "and searching a crowd by hand is slower and more intrusive for the people stopped."
    ),
    "necessity.fair_balance": (
        "Everyone passing the cameras is scanned, but only for a moment: a face that does not match is "
        "discarded at once, nothing is kept and nobody is approached without an officer's check. Against "
        "that, the trial aims to find people wanted for serious offences who have evaded other means. We "
        "judge the balance fair for a limited, announced trial, and will judge it again on the trial's "
        "results."
    ),
    "necessity.function_creep": (
        "The system is used only with the watchlist the authorising officer approved for the deployment. "
        "Any other use needs a new revision of this assessment."
    ),
    "necessity.transparency": "Signs at every camera position, leaflets on the day, and a page on the force's website.",
    "necessity.rights": (
        "Requests go to the force's data protection team. Most images no longer exist by the time a "
        "request arrives; the team explains what is kept and for how long."
    ),
    "necessity.international_transfers": False,
    "necessity.security": (
        "The van's system is not connected to the internet. Alert images are encrypted at rest and every "
        "view is logged."
    ),
    "risks.method": "The ICO's likelihood and severity scales, discussed with the ethics panel.",
    "measures.plan": "Each measure has an owner in the project plan and is checked before every deployment.",
    "outcomes.actions": "The measures are built into the deployment checklist the authorising officer signs.",
    "outcomes.residual_risk": (
        "Medium at most: incorrect alerts remain possible, and the software may be less accurate for some "
        "groups. Every alert is checked by an officer, and accuracy is recorded at each deployment."
    ),
    "outcomes.start_after_signoff": True,
    "outcomes.public_summary": (
        "We are trialling live facial recognition at public events. Faces that do not match a watchlist are "
        "discarded at once, and an officer checks every alert before anyone is approached."
    ),
    "review.schedule": "before_each_deployment",
    "review.triggers": ["new_technology", "new_purpose", "new_location", "incident", "law_change"],
    "lfr.purpose": "The prevention and detection of crime, by finding people wanted by the courts or by the police.",
    "lfr.who_and_where": (
        "Only people wanted by the courts or by the police for serious offences may be on a watchlist. "
        "Deployments are limited to named events the authorising officer approves."
    ),
    "lfr.assembly_and_expression": (
        "Live facial recognition is never used at protests, political meetings or places of worship, so "
        "that nobody is deterred from taking part."
    ),
    "lfr.authorising_officer": {"name": "Jo Marsh", "role": "Superintendent"},
    "lfr.oversight": ["ethics_panel", "internal_board", "commissioner"],
    "lfr.art8_interference_everyone": True,
    "lfr.art8_interference": (
        "Capturing and comparing the face of everyone who passes the cameras interferes with their private "
        "life, however briefly, whether or not they are on the watchlist. For people on the watchlist the "
        "interference is greater: they are identified and may be stopped."
    ),
    "lfr.art8_legitimate_aim": ["prevention_of_disorder_or_crime", "public_safety", "rights_of_others"],
    "lfr.art8_necessity": (
        "People wanted for serious offences are known to attend these events and have not been found by "
        "other means. Each remains a risk to the public while at large."
    ),
    "lfr.art8_objective_important": (
        "Yes. Bringing people wanted for serious offences before the courts protects the public and the "
        "rights of victims."
    ),
    "lfr.art8_rational_connection": (
        "The system can alert officers to a wanted person in a crowd they could not search by hand. The "
        "trial exists to test how well it does this; its results are recorded for each deployment."
    ),
    "lfr.art8_less_intrusive": (
        "Officer briefings and targeted enquiries continue, but have not found these people. Deployments are "
        "limited in time and place, announced in advance, and the watchlist to serious offences."
    ),
    "lfr.art8_fair_balance": (
        "For the many people scanned, the intrusion is brief and leaves nothing behind. For the few on the "
        "watchlist it is justified by the seriousness of what they are wanted for. The balance is fair for a "
        "limited trial and will be weighed again on its results."
    ),
    "lfr.objective": (
        "Find people wanted for serious offences who intelligence suggests will attend the summer festival."
    ),
    "lfr.start_date": "2017-06-10",
    "lfr.end_date": "2017-06-10",
    "lfr.cameras": 2,
    "lfr.camera_setup": "mobile",
    "lfr.public_notice": "Signs at each camera, leaflets, and a press release two days before the deployment.",
    "lfr.watchlist_categories": ["wanted_by_courts", "wanted_by_police"],
    "lfr.categories_published": False,
    "lfr.image_quality": "Only custody images taken in the last five years, checked by an officer, are used.",
    "lfr.pre_deployment_review": True,
    "lfr.children_on_watchlist": False,
    "lfr.human_review": "Every alert is reviewed by a trained officer before anyone is approached.",
    "lfr.incorrect_alerts": "An incorrect alert is dismissed on screen, and nobody is approached.",
    "lfr.eia_reference": "EIA-2017-031",
    "lfr.bias_steps": "We asked the supplier for its test results, and we record outcomes by sex and ethnicity.",
    "lfr.monitoring_plan": "Outcomes are recorded for each deployment. The age of people alerted on is not recorded.",
    "lfr.logging": True,
    "lfr.export_controls": "Alert images cannot leave the van except as evidence, and every export is logged.",
}

# The Data Protection Act 1998 was the law in force when the trial's PIA was written and revised.
_UNDER_THE_1998_ACT: dict[str, Any] = {
    "necessity.lawful_basis": (
        "Data Protection Act 1998, Schedule 2 paragraph 5: processing necessary for the functions conferred "
        "on the chief constable by law, to prevent and detect crime and to apprehend offenders."
    ),
    "necessity.sensitive_condition": (
        "Facial images can reveal racial or ethnic origin, and a watchlist entry concerns the alleged "
        "commission of offences: both sensitive personal data under section 2 of the 1998 Act. We rely on "
        "Schedule 3 paragraph 7, processing necessary for functions conferred by law."
    ),
    "necessity.strict_necessity": (
        "The 1998 Act has no strict necessity test for this processing, but we apply one already: the "
        "processing is limited to what finding the people on the watchlist needs."
    ),
    "lfr.strict_necessity": (
        "Wanted people are known to attend these events and have not been found by other means. Each "
        "deployment is limited in time and place, and the watchlist to serious offences. Under the 1998 "
        "Act the condition relied on is Schedule 3 paragraph 7; its successor is the statutory purposes "
        "condition."
    ),
    "lfr.schedule_8_condition": "statutory_purposes",
    "lfr.policy_document_reference": "LFR standard operating procedure SOP-LFR-01, version 1.0, April 2017",
    "lfr.art8_in_accordance_with_law": (
        "The police's common law powers to prevent and detect crime, the Data Protection Act 1998, the "
        "Protection of Freedoms Act 2012 and the Surveillance Camera Code of Practice. The force's standard "
        "operating procedure says who may be on a watchlist and where the "
        "cameras may be used, so that neither is left to the discretion of the officers on the day."
    ),
}

_CORE_RETENTION = [{
    "data_category": "Deployment records and accuracy figures", "trigger": "other", "deletion_method": "manual",
    "justification": "Kept for six years under the force's records management policy, to evaluate the trial.",
}]
_CORE_ACCESS = [{"data_category": "Deployment records", "who": "The LFR project team and the data protection officer",
                 "logged": True}]
_DATA_CATEGORIES = [
    {"category": "Facial images and templates of passers-by", "special_category": True, "criminal_offence": False,
     "description": "Biometric data processed to identify people; discarded at once when there is no match."},
    {"category": "Watchlist images and the reasons people are wanted", "special_category": True,
     "criminal_offence": True, "description": "Custody images of wanted people and the offences they are wanted for."},
    {"category": "Alert records", "special_category": False, "criminal_offence": True,
     "description": "When and where an alert was raised, and what the officer decided."},
]
_CONSULTATION_LOG = [{
    "stakeholder": "Northshire independent ethics panel", "type": "ethics_panel", "method": "Panel meeting",
    "date": "2017-04-05", "views": "Supported a limited trial, provided every alert is checked and results published.",
    "response": "Human review of every alert and a record of outcomes are measures in this assessment.",
    "departs": False,
}]
_LOCATIONS = [{"name": "Northshire city centre, summer festival (Market Square entrance)",
               "rationale": "Intelligence that wanted people attend; one entrance route past the cameras.",
               "expected_footfall": 30000}]
_NON_MATCHES = {
    "data_category": "Faces that do not match the watchlist", "period_days": 0, "trigger": "on_capture",
    "deletion_method": "automatic", "justification": "Nothing is kept about people who are not sought.",
}
_WATCHLIST = {
    "data_category": "The deployment's watchlist", "period_days": 0, "trigger": "end_of_deployment",
    "deletion_method": "automatic", "justification": "A new watchlist is compiled and approved for each deployment.",
}
_ALERT_IMAGES_UNDECIDED = {
    "data_category": "Alert images and match data (confirmed and incorrect alerts)", "trigger": "other",
    "deletion_method": "manual",
    "justification": "No fixed period is set yet. The images stay in the deployment record, which only the "
                     "project team can open, until the Strategic Facial Recognition Board sets one.",
}
_ALERT_IMAGES_CONFIRMED = {
    "data_category": "Alert images and match data, for confirmed alerts", "period_days": 30, "trigger": "on_alert",
    "deletion_method": "automatic",
    "justification": "Long enough to deal with complaints and questions about the alert, and to check accuracy.",
    "exceptions": "Kept longer only when needed as evidence; an inspector authorises it and the export is logged.",
}
_ALERT_IMAGES_INCORRECT = {
    "data_category": "Alert images and match data, for incorrect alerts", "period_days": 30, "trigger": "on_alert",
    "deletion_method": "automatic",
    "justification": "The person was not the one sought, so the images are kept only to answer complaints and "
                     "to check accuracy.",
    "exceptions": "Kept longer only while a complaint or claim about the alert is being dealt with.",
}
_RECORDS = {
    "data_category": "Deployment records and accuracy figures", "trigger": "other", "deletion_method": "manual",
    "justification": "Kept for six years under the force's records management policy, to evaluate the trial.",
}
_LFR_ACCESS = [{"data_category": "Alert images", "who": "Officers and staff assigned to the deployment",
                "logged": True, "notes": "Viewing happens in the van; every view is logged."},
               {"data_category": "Deployment records", "who": "The LFR project team and the data protection officer",
                "logged": True}]
_CORE_RISKS = [{
    "description": "A breach of the deployment system exposes alert images or the watchlist.",
    "affected": "People who triggered an alert, and people on the watchlist",
    "likelihood": "remote", "severity": "severe", "residual_likelihood": "remote", "residual_severity": "significant",
}]
# The add-on's ten starting risks, rated (before measures, then after).
_LFR_RATINGS = {
    (LFR_RISKS, 0): Ratings("probable", "significant", "possible", "minimal"),  # everyone scanned
    (LFR_RISKS, 1): Ratings("possible", "severe", "remote", "significant"),  # wrongly stopped
    (LFR_RISKS, 2): Ratings("probable", "significant", "possible", "significant"),  # wrong match kept too long
    (LFR_RISKS, 3): Ratings("possible", "severe", "possible", "significant"),  # less accurate for some groups
    (LFR_RISKS, 4): Ratings("possible", "significant", "remote", "significant"),  # chilling effect
    (LFR_RISKS, 5): Ratings("possible", "significant", "remote", "significant"),  # poor watchlist
    (LFR_RISKS, 6): Ratings("remote", "severe", "remote", "significant"),  # other purposes
    (LFR_RISKS, 7): Ratings("possible", "significant", "remote", "significant"),  # misuse of alert images
    (LFR_RISKS, 8): Ratings("possible", "significant", "remote", "significant"),  # not told
    (LFR_RISKS, 9): Ratings("possible", "severe", "remote", "significant"),  # children and vulnerable people
}
_MEASURES = [
    MeasureText(((LFR_RISKS, 1), (LFR_RISKS, 3)),
                "Every alert is checked by a trained officer before anyone is approached; an incorrect alert is "
                "dismissed on screen."),
    MeasureText(((LFR_RISKS, 0), (LFR_RISKS, 9)), "Faces that do not match are discarded at once and never stored."),
    MeasureText(((LFR_RISKS, 3),), "Outcomes are recorded by sex and ethnicity and reviewed with the ethics panel."),
    MeasureText(((LFR_RISKS, 4),), "Never deployed at protests, political meetings or places of worship; the "
                                   "authorising officer approves each location."),
    MeasureText(((LFR_RISKS, 5), (LFR_RISKS, 9)),
                "Each watchlist is compiled and approved for one deployment, from custody images less than five "
                "years old, with no children on it, and deleted when the deployment ends."),
    MeasureText(((LFR_RISKS, 6),), "Used only with the approved watchlist; any other use needs a new revision of "
                                   "this assessment."),
    MeasureText(((LFR_RISKS, 7), (CORE_RISKS, 0)),
                "Only officers and staff assigned to the deployment can view alert images; every view is logged, "
                "and the van's system is offline and encrypted at rest."),
    MeasureText(((LFR_RISKS, 8), (LFR_RISKS, 0)),
                "Signs at every camera, leaflets on the day and a press release two days before each deployment."),
]
_ALERT_IMAGES_HELD = MeasureText(((LFR_RISKS, 2),), "Alert images stay in the deployment record, which only the "
                                                    "project team can open, until the Board sets a retention period.")
_ALERT_IMAGES_DELETED = MeasureText(((LFR_RISKS, 2),), "Alert images of confirmed and incorrect alerts are deleted "
                                                       "automatically after 30 days unless kept as evidence.")

TRIAL_REVISION_1 = RevisionText(
    answers=_LFR_COMMON | _UNDER_THE_1998_ACT | {
        "processing.scope": (
            "The faces of everyone passing the cameras during a deployment of up to eight hours. Alert images "
            "are kept with the deployment record; no fixed retention period is set yet."
        ),
        "necessity.minimisation": "Only faces in the cameras' field of view are processed; no audio is recorded.",
        "review.next_date": "2018-04-30",
    },
    tables={"processing.data_categories": _DATA_CATEGORIES, "processing.retention": _CORE_RETENTION,
            "processing.access": _CORE_ACCESS, "consultation.log": _CONSULTATION_LOG, "risks.register": _CORE_RISKS,
            "lfr.locations": _LOCATIONS, "lfr.retention": [_NON_MATCHES, _WATCHLIST, _ALERT_IMAGES_UNDECIDED, _RECORDS],
            "lfr.access": _LFR_ACCESS},
    ratings=_LFR_RATINGS,
    measures=[*_MEASURES, _ALERT_IMAGES_HELD],
)

# Revision 2: what changed after the first deployment and the Board's decision of 16 October 2017.
TRIAL_REVISION_2_CHANGES = RevisionText(
    answers={
        "processing.scope": (
            "The faces of everyone passing the cameras during a deployment of up to eight hours. Images of "
            "alerts, confirmed or incorrect, are kept for 30 days and then deleted, unless needed as evidence."
        ),
        "necessity.minimisation": (
            "Only faces in the cameras' field of view are processed; no audio is recorded. Alert images are "
            "deleted after 30 days, and only officers and staff assigned to the deployment can see them."
        ),
        "review.next_date": "2018-06-30",
    },
    tables={
        "lfr.retention": [_NON_MATCHES, _WATCHLIST, _ALERT_IMAGES_CONFIRMED, _ALERT_IMAGES_INCORRECT, _RECORDS],
        "lfr.deployments": [{
            "date": "2017-06-10", "end": "2017-06-10", "times": "10:00 to 18:00",
            "location": "Northshire city centre, summer festival", "authorising_officer": "Superintendent Jo Marsh",
            "authorisation_reference": "LFR-AUTH-2017-01", "alerts": 104, "confirmed": 2, "incorrect": 102,
            "unadjudicated": 0, "age_recorded": False,
            "notes": "Faces scanned, engagements and arrests were not counted. The age of people alerted on was "
                     "not recorded.",
        }],
    },
    ratings={(LFR_RISKS, 2): Ratings("probable", "significant", "remote", "significant")},
)
# The measure revision 2 rewrites (by its position in the measures above).
TRIAL_REVISION_2_MEASURE = (len(_MEASURES), _ALERT_IMAGES_DELETED)


# -- a later live facial recognition assessment, under Part 3 of the 2018 Act (DPIA-2018-014) ---------

STADIUM_REVISION_1 = RevisionText(
    answers=_LFR_COMMON | {
        "need.aims": (
            "Use live facial recognition at Northshire Stadium on match days to find people wanted by the "
            "courts or by the police for violent offences, building on the 2017 trial."
        ),
        "processing.scope": (
            "The faces of everyone passing the stadium's two main approaches for up to four hours before each "
            "match. Alert images are kept for 30 days and then deleted, unless needed as evidence."
        ),
        "processing.start_date": "2018-Q4",
        "necessity.lawful_basis": (
            "Part 3 of the Data Protection Act 2018: processing by a competent authority for the law "
            "enforcement purposes (section 31), based on law (section 35(2)): the common law duty of the "
            "police to prevent and detect crime."
        ),
        "necessity.sensitive_condition": (
            "Biometric data processed to identify people is sensitive processing (section 35(8)). It is "
            "strictly necessary for the law enforcement purposes and meets the statutory purposes condition in "
            "Schedule 8, with an appropriate policy document in place (section 35(5))."
        ),
        "necessity.strict_necessity": (
            "People wanted for violent offences are known to attend matches and have not been found by other "
            "means; deployments are limited to match days and the watchlist to violent offences."
        ),
        "necessity.minimisation": (
            "Only faces on the two approaches are processed; alert images are deleted after 30 days, and only "
            "officers and staff assigned to the deployment can see them."
        ),
        "lfr.strict_necessity": (
            "The 2017 trial showed that wanted people can be found this way, and officers' briefings have not "
            "found them. Deployments are limited to match days and the watchlist to violent offences."
        ),
        "lfr.schedule_8_condition": "statutory_purposes",
        "lfr.policy_document_reference": "Appropriate policy document APD-LFR-02, version 1.1, August 2018",
        "lfr.art8_in_accordance_with_law": (
            "The police's common law powers to prevent and detect crime, Part 3 of the Data Protection Act "
            "2018, the Protection of Freedoms Act 2012 and the Surveillance Camera Code of Practice. The "
            "published policy APD-LFR-02 says who may be on a watchlist and where the cameras may be used."
        ),
        "lfr.objective": "Find people wanted for violent offences who intelligence suggests will attend matches.",
        "lfr.start_date": "2018-10-06",
        "lfr.end_date": "2019-05-18",
        "review.schedule": "six_monthly",
        "review.next_date": "2019-03-31",
    },
    tables={"processing.data_categories": _DATA_CATEGORIES, "processing.retention": _CORE_RETENTION,
            "processing.access": _CORE_ACCESS, "consultation.log": _CONSULTATION_LOG, "risks.register": _CORE_RISKS,
            "lfr.locations": [{"name": "Northshire Stadium, north and east approaches",
                               "rationale": "Both approaches carry most supporters; intelligence on wanted people.",
                               "expected_footfall": 25000}],
            "lfr.retention": [_NON_MATCHES, _WATCHLIST, _ALERT_IMAGES_CONFIRMED, _ALERT_IMAGES_INCORRECT, _RECORDS],
            "lfr.access": _LFR_ACCESS},
    ratings=_LFR_RATINGS | {(LFR_RISKS, 2): Ratings("probable", "significant", "remote", "significant")},
    measures=[*_MEASURES, _ALERT_IMAGES_DELETED],
)


# -- the draft people can try filling in (DPIA-2018-011) ------------------------------------------------

VAN_DRAFT_ANSWERS = {
    "need.aims": "Extend the trial to a van that can be parked at different events each week.",
    "need.controller": "Northshire Police",
    "screening.outcome": "required",
    "consultation.views_sought": True,
}
