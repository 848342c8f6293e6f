"""The two source action plans, transcribed as data (``demo.actionplans_demo`` loads them).

Sources, in ``shared/seeds/`` (public council documents; no child's personal data):

- ``000_dd9e96fc243db397.txt``: Croydon, "Action plan following LGO decision - 22 014 644".
- ``002_0545b9de13ca76c4.txt``: Leicestershire, "Admissions and Inclusion Team LGSCO Action Plan
  2020", case ID 19017034 (Appendix B). Its table was flattened when the text was extracted:
  almost all of it is line 13, with the columns of each row interleaved. Each row below was
  rebuilt from the columns Action | Service Ownership | Time Frame | Action Taken / Current
  Status | Risk Rating, reading the interleaved phrases back into sentences. Where a reading was
  not plain, ``note`` says how it was read, and the note is shown on the action's page.

Rules of the transcription (never invent a fact):

- Text is as written, spelling included ("paraments", "Ssep 20", "LGCSO"); only the extraction's
  emphasis marks (``*...*``) and line breaks inside a cell are dropped.
- Owners are the role titles the plan gives. ``time_frame`` is as written; ``due_on`` is the date
  it names ("by 01.11.21" is 1 November 2021; a month such as "Aug-20" is its last day) or None
  when it names none ("immediately", "biannually").
- Status is as given: the Leicestershire plan's Risk Rating column says "Complete" (its cell
  colours did not survive), one row says "In progress"; the Croydon plan gives no status at all,
  so its actions are "not stated". No RAG colour is given anywhere, so none is recorded.
- Updates keep the date the text gives ("on 25.07.23"); a month only ("November 2021") is kept as
  written with no day; an update whose text gives no date has none ("date not given in the
  source plan" on the page).
- ``feature``, ``policy_title``, ``team`` and ``responsible`` are the demo council's own choices
  (which Roll Call feature or Northmoor policy delivers the action, and which Northmoor officer
  answers for it), not facts from the source plans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rollcall.rules import actionplans as rules


@dataclass(frozen=True)
class SeedUpdate:
    text: str
    happened_on: dt.date | None = None
    date_as_written: str = ""


@dataclass(frozen=True)
class SeedAction:
    source: str  # where in the seed file the row is
    description: str
    owner_title: str
    time_frame: str
    due_on: dt.date | None
    status: str
    updates: tuple[SeedUpdate, ...] = ()
    status_as_written: str = ""
    risk_rating_as_written: str = ""
    note: str = ""
    # The demo council's choices (not in the source):
    feature: str = ""
    policy_title: str = ""
    team: str = ""
    responsible: str = ""


@dataclass(frozen=True)
class SeedPlan:
    file: str
    reference: str
    title: str
    council_named_in_source: str
    source_document: str
    summary: str
    findings: tuple[str, ...]
    recommendations: tuple[str, ...]
    approved_by: tuple[str, ...]
    actions: tuple[SeedAction, ...]


# The demo's two policies (rollcall/policies/demo.py), which deliver the Croydon plan's promises.
HEALTH_POLICY = "Children unable to attend school because of health needs"
FIFTEEN_DAYS_POLICY = "What to do when a child cannot attend school for 15 or more days"

_BY_WHO_WHEN = "By who/when, as written: "

CROYDON = SeedPlan(
    file="000_dd9e96fc243db397.txt",
    # line 1: "Action plan following LGO decision - 22 014 644"
    reference="22 014 644",
    title="Action plan following LGO decision - 22 014 644",
    council_named_in_source="Croydon",
    source_document="Croydon's action plan following LGO decision 22 014 644 (public document)",
    # line 17
    summary="Action Plan (includes the action plan following the previous complaint)",
    # lines 8-15: "Issues highlighted in the LGSCO's decision"
    findings=(
        "The Council's children not being able to attend school due to medical needs or otherwise policy "
        "(the policy) had not been available to the public on the Council's website meaning those seeking "
        "support could not obtain the information they required. It should have been available.",
        "All schools should have the policy and should be regularly reminded through all key forums of the "
        "next steps to take when a child is unable to attend school for 15+ days.",
        "Some staff members within the education directorate were not aware of the policy when they should "
        "have been.",
        "Procedures were not effective in ensuring that when a child was made known to one service within the "
        "education department that they passed the information on to the relevant team within the Council so "
        "that the right support could be delivered. Communication was not good enough within the department "
        "to ensure this didn't happen.",
    ),
    # lines 3-6: "In the above decision the LGO recommended that the Council:"
    recommendations=(
        "Develops an action plan to ensure the lessons learned from this and the previous complaint (referred "
        "to below) are 'embedded'.",
        "Refers the investigators' decision to the relevant scrutiny committee. The scrutiny committee should "
        "monitor the implementation of the Council's action plan.",
    ),
    # lines 42-44
    approved_by=(
        "Director Education",
        "Head of Service for Special Educational Needs",
        "Head of Service for Access to Education",
    ),
    actions=(
        SeedAction(
            source="line 20",
            description=(
                "Ensure that an officer in the Access to Education team has key oversight of the policy and "
                "practice around children not being able to attend school due to medical needs or otherwise is "
                "kept updated. This needs to be saved centrally and known by at least 2 key officers and the 2 "
                "Head of Service (HOS) for Access to Education and SEND, in case of absence/staff changes."
            ),
            owner_title="Head of Access to Education",
            time_frame="by 01.11.21",
            due_on=dt.date(2021, 11, 1),
            status=rules.NOT_STATED,
            updates=(
                SeedUpdate(
                    "Key officers- Head of Service Access to Education Documents saved on S/P in inclusion and "
                    "SEND areas under Education Otherwise Than At School (EOTAS) heading."
                ),
            ),
            feature="policies",
            policy_title=HEALTH_POLICY,
            team="access",
            responsible="access.manager",
        ),
        SeedAction(
            source="line 21",
            description=(
                "Ensure the children not being able to attend school due to medical needs or otherwise policy "
                "is available on the Council's website as part of the Local Offer."
            ),
            owner_title="SEND Strategy and Improvement Manager",
            time_frame="immediately",
            due_on=None,
            status=rules.NOT_STATED,
            updates=(
                SeedUpdate(
                    "Policy was uploaded to the Local Offer site on 25.07.23.",
                    happened_on=dt.date(2023, 7, 25),
                    date_as_written="25.07.23",
                ),
            ),
            note=_BY_WHO_WHEN
            + "“SEND Strategy and Improvement Manager to ensure this policy is included in the "
            "Croydon Local Offer and to do so immediately.”",
            feature="published_policies",
            policy_title=HEALTH_POLICY,
            team="sen",
            responsible="sen.manager",
        ),
        SeedAction(
            source="line 22",
            description=(
                "Ensure that all staff within the Education directorate are aware of the children not being "
                "able to attend school due to medical needs or otherwise policy and in addition to the above "
                "ensure that this is circulated biannually."
            ),
            owner_title="Head of Access to Education",
            time_frame="circulated biannually",
            # From the update: "Policy will need to be sent again by February 2024".
            due_on=dt.date(2024, 2, 29),
            status=rules.NOT_STATED,
            updates=(
                SeedUpdate(
                    "Policy was sent to all staff on 03.08.23. Policy will need to be sent again by February 2024.",
                    happened_on=dt.date(2023, 8, 3),
                    date_as_written="03.08.23",
                ),
            ),
            note=_BY_WHO_WHEN
            + "“Head of Access to Education to ensure the policy is circulated biannually.” "
            "The due date is the one the update gives: “Policy will need to be sent again by February 2024”.",
            feature="policy_circulation",
            policy_title=HEALTH_POLICY,
            team="access",
            responsible="access.manager",
        ),
        SeedAction(
            source="line 23",
            description=(
                "Ensuring that all schools have the updated policy and are regularly reminded through all key "
                "forums of the next steps to take when a child is unable to attend school for 15+ days."
            ),
            owner_title="Head of Access to Education",
            time_frame="by 01.11.21",
            due_on=dt.date(2021, 11, 1),
            status=rules.NOT_STATED,
            updates=(
                SeedUpdate(
                    "All update and referral pathways sent to schools in the November 2021 bulletins.",
                    date_as_written="November 2021",
                ),
            ),
            feature="health_report",
            policy_title=FIFTEEN_DAYS_POLICY,
            team="access",
            responsible="access.manager",
        ),
        SeedAction(
            source="lines 25-30",
            description=(
                "Ensuring that the Springboard provision is accessible via referrals (form available centrally) "
                "and that all schools and internal officers know this process and the relevant statutory "
                "guidance."
            ),
            owner_title="Head of Access to Education",
            time_frame="by 01.01.2021",
            due_on=dt.date(2021, 1, 1),
            status=rules.NOT_STATED,
            feature="health_cases",
            team="access",
            responsible="access.manager",
        ),
        SeedAction(
            source="lines 32-34",
            description=(
                "Ensure that any parent/carer whose child is not attending school due to medical reasons or "
                "other otherwise knows the provision contact and has a named council contact to check in with "
                "monthly."
            ),
            owner_title="Head of Access to Education/Head of SEN",
            time_frame="by 31.10.21.",
            due_on=dt.date(2021, 10, 31),
            status=rules.NOT_STATED,
            feature="health_cases",
            team="access",
            responsible="access.manager",
        ),
        SeedAction(
            source="lines 36-40",
            description=(
                "To ensure that the relevant team within the directorate is made aware when a child is not "
                "attending school due to medical reasons or otherwise a member of the Access to Education "
                "service will attend the SEN Statutory Assessment Group (SAG) panel. This will ensure that if "
                "such a request comes in and it is clear the child is not attending school the relevant team is "
                "made aware immediately and can take the relevant action to support the child."
            ),
            owner_title="SEN department",
            time_frame="This is already taking place but must now continue.",
            due_on=None,
            status=rules.NOT_STATED,
            updates=(
                SeedUpdate(
                    "SEN department to ensure a member of the Access to Education service started attending the "
                    "SAG panel from September 2023 and will continue to do so.",
                    date_as_written="September 2023",
                ),
            ),
            note=_BY_WHO_WHEN
            + "“SEN department to ensure a member of Access to Education service is invited to "
            "SAG Panel meetings. The member of the Access to Education service to ensure they attend these "
            "meetings. This is already taking place but must now continue.”",
            feature="sen_panel",
            team="sen",
            responsible="sen.manager",
        ),
    ),
)

_FAP_SIGN_OFF = "Stated in Fair Access Protocol - awaiting Leicestershire Heads sign off March 2021"

LEICESTERSHIRE = SeedPlan(
    file="002_0545b9de13ca76c4.txt",
    # line 13: "Case ID - 19017034"
    reference="19017034",
    # line 5 (and "APPENDIX B", line 1)
    title="Admissions and Inclusion Team LGSCO Action Plan 2020",
    council_named_in_source="Leicestershire",
    source_document="Leicestershire's Admissions and Inclusion Team LGSCO Action Plan 2020, Appendix B (public document)",
    summary="",
    findings=(),
    recommendations=(),
    approved_by=(),
    actions=(
        SeedAction(
            source="line 13, row 1 (“Adaption required to CAPITA …”)",
            description=(
                "Adaption required to CAPITA to ensure that a vulnerability flag can be added by the appeals "
                "officers when a school application is"
            ),
            owner_title="Admissions/Inclusion",
            time_frame="Aug-20",
            due_on=rules.month_end(2020, 8),
            status=rules.COMPLETE,
            risk_rating_as_written="Complete",
            updates=(
                SeedUpdate(
                    "Capita has been updated to enable a risk assessment to be completed on capita for "
                    "vulnerabilities. All staff will now add an alert and complete the risk assessment for "
                    "'vulnerable students'."
                ),
            ),
            note="The action's sentence ends at “is” in the source text. “'vulnerable students'.” is read as the "
            "end of the action taken, which it completes.",
            feature="application_risk",
            team="admissions",
            responsible="admissions.manager",
        ),
        SeedAction(
            source="line 13, row 2 (“Further define vulnerability characteristics …”)",
            description=(
                "Further define vulnerability characteristics to enable clear statement of these that will be "
                "shared across officers in teams"
            ),
            owner_title="Admissions/Inclusion",
            time_frame="Aug-20",
            due_on=rules.month_end(2020, 8),
            status=rules.COMPLETE,
            risk_rating_as_written="Complete",
            updates=(
                SeedUpdate(
                    "These include: Numbers of Exclusions; School History; Rapid multiple house; Low Attendance; "
                    "Social Care involvement; Youth Offending involvement; Risks Around County Lines; and Children "
                    "who have SEN/EHCP status"
                ),
            ),
            feature="application_risk",
            team="admissions",
            responsible="admissions.manager",
        ),
        SeedAction(
            source="line 13, row 3 (“List to be developed …”)",
            description=(
                "List to be developed so that children who are vulnerable on application for a school place can "
                "be checked off once the school place has been confirmed by the application officer."
            ),
            owner_title="Admissions",
            time_frame="Sep-20",
            due_on=rules.month_end(2020, 9),
            status=rules.COMPLETE,
            risk_rating_as_written="Complete",
            updates=(
                SeedUpdate(
                    "Tableau data report is in development for service managers to confirm the status of applying "
                    "students. This will be shared with relevant team managers/members as required. ("
                    + _FAP_SIGN_OFF
                ),
            ),
            note="The bracket before “Stated in Fair Access Protocol” is not closed in the source text.",
            feature="checkoff",
            team="admissions",
            responsible="admissions.manager",
        ),
        SeedAction(
            source="line 13, row 4 (“Process to be developed between Admissions and Inclusion …”)",
            description=(
                "Process to be developed between Admissions and Inclusion when pupils have not been checked off "
                "within the designated time frames as above and checked by admissions officer to confirm intent "
                "to take/attend with the parent/school. This will include training for all Admissions and "
                "Inclusion Staff to raise awareness of LGCSO findings"
            ),
            owner_title="Admissions/Inclusion",
            time_frame="Sep-20",
            due_on=rules.month_end(2020, 9),
            status=rules.COMPLETE,
            risk_rating_as_written="Complete",
            updates=(
                SeedUpdate(
                    "All service training completed on 3rd February 2021",
                    happened_on=dt.date(2021, 2, 3),
                    date_as_written="3rd February 2021",
                ),
                SeedUpdate(
                    "Children identified as vulnerable are to be followed up by the admissions officer to see if "
                    "they have taken up the school place and attended (see below). If they have not the admissions "
                    "officer will refer to the Inclusions Service as a Child Missing Education."
                ),
            ),
            feature="checkoff",
            team="admissions",
            responsible="admissions.manager",
        ),
        SeedAction(
            source="line 13, row 5 (“Standard email to be developed …”)",
            description=(
                "Standard email to be developed to request a child to be put on the roll of a school with clear "
                "time scales of when the school needs to notify the Admissions Team if this has been done or not"
            ),
            owner_title="Admissions",
            time_frame="Sep-20",
            due_on=rules.month_end(2020, 9),
            status=rules.COMPLETE,
            risk_rating_as_written="Complete",
            updates=(
                SeedUpdate(
                    "Actions that need to be completed by Admissions officers or what has been done to mitigate "
                    "this. " + _FAP_SIGN_OFF
                ),
            ),
            feature="checkoff",
            team="admissions",
            responsible="admissions.manager",
        ),
        SeedAction(
            source="line 13, row 6 (“Time scale to be identified …”)",
            description=(
                "Time scale to be identified around schools notifying the Admissions that a child has been put on "
                "roll following an Admission application – this will be in line with the new admissions code"  # noqa: RUF001 - the source's dash
            ),
            owner_title="Admissions",
            time_frame="Sep-20",
            due_on=rules.month_end(2020, 9),
            status=rules.COMPLETE,
            risk_rating_as_written="Complete",
            updates=(
                SeedUpdate(
                    "Timeline for the school to notify Admissions is 10 days. If they haven't responded the "
                    "admissions officer is to follow this up with the school. " + _FAP_SIGN_OFF
                ),
            ),
            note="The word “Admissions” appears once in this row of the source text: it is read as part of the "
            "action (“notifying the Admissions”) and as the service ownership, as in the rows around it.",
            feature="checkoff",
            team="admissions",
            responsible="admissions.manager",
        ),
        SeedAction(
            source="line 13, row 7 (“Comms to be sent out to all schools …”)",
            description=(
                "Comms to be sent out to all schools stating that all pupils who are removed from roll with no "
                "destination must notify the LA immediately via the inclusionpupilsupport@leics.gov.uk and where "
                "possible prior to removal from roll."
            ),
            owner_title="Inclusion",
            time_frame="Aug-20",
            due_on=rules.month_end(2020, 8),
            status=rules.COMPLETE,
            risk_rating_as_written="Complete",
            updates=(
                SeedUpdate(
                    "This has been completed through the Heads Briefing, New Head Induction Session and School "
                    "Group. This has also been updated on the LCC website."
                ),
            ),
            feature="removal_notice",
            team="inclusion",
            responsible="inclusion.manager",
        ),
        SeedAction(
            source="line 13, row 8 (“Clearer process to be developed …”)",
            description=(
                "Clearer process to be developed for Inclusion Service to challenge school to put back on roll "
                "when removal from roll has been done illegally. This needs to include escalation process when "
                "needed."
            ),
            owner_title="Inclusion",
            time_frame="Dec-20",
            due_on=rules.month_end(2020, 12),
            status=rules.COMPLETE,
            risk_rating_as_written="Complete",
            updates=(
                SeedUpdate(
                    "Clear escalation process has been developed. Page 6 of the CME work process protocol."
                ),
            ),
            feature="caseload",
            team="inclusion",
            responsible="inclusion.manager",
        ),
        SeedAction(
            source="line 13, row 9 (“Current tracking process for CME …”)",
            description=(
                "Current tracking process for CME to be extended to include children without a roll and waiting "
                "for school place"
            ),
            owner_title="Inclusion",
            time_frame="March 2021",
            due_on=rules.month_end(2021, 3),
            status=rules.IN_PROGRESS,
            status_as_written="In progress - completion due end of Mar-21",
            updates=(
                SeedUpdate(
                    "Monthly report has been developed for children with unknown destinations and annual report "
                    "for deferred school places which are checked and responded to. Report for waiting school "
                    "places is currently with the"
                ),
            ),
            note="“Monthly” is read from “ivionimy” in the extracted text. The last sentence ends at “with the” "
            "in the source text. The text gives no risk rating for this row.",
            feature="waiting",
            team="inclusion",
            responsible="inclusion.manager",
        ),
        SeedAction(
            source="line 13, row 10 (“Review of fair access policy and protocol …”)",
            description=(
                "Review of fair access policy and protocol to take place and to include escalation process with "
                "time scales when school do not admit following process"
            ),
            owner_title="Admissions/SEIPs",
            time_frame="Ssep 20",
            due_on=rules.month_end(2020, 9),
            status=rules.COMPLETE,
            risk_rating_as_written="Complete",
            updates=(
                SeedUpdate(
                    "Fair Access Protocol has been reviewed additional categories of vulnerable groups have been "
                    "added, flow charts have reviewed and escalations are clear marked out. " + _FAP_SIGN_OFF
                ),
            ),
            note="The time frame “Ssep 20” is as written; it is read as September 2020.",
            feature="fair_access",
            team="admissions",
            responsible="admissions.manager",
        ),
        SeedAction(
            source="line 13, row 11 (“Review and redevelopment of CME policy …”)",
            description=(
                "Review and redevelopment of CME policy and protocol to be developed across Leicester, "
                "Leicestershire and Rutland across Admissions, Inclusion, SEIPs Schools, Social Care and Police "
                "to enable clear paraments and process for children missing education"
            ),
            owner_title="Inclusion",
            time_frame="Oct-20",
            due_on=rules.month_end(2020, 10),
            status=rules.COMPLETE,
            risk_rating_as_written="Complete",
            updates=(
                SeedUpdate(
                    "CME Work Process Protocol has been developed signed off through DMT. This has been shared with "
                    "Service Managers across CYPS and the Inclusion Service Staff. Stated in Fair Access Protocol "
                    "awaiting Leicestershire Heads sign off March 2021"
                ),
            ),
            feature="policies",
            team="inclusion",
            responsible="inclusion.manager",
        ),
        SeedAction(
            source="line 13, row 12 (“Quarterly reports …”), lines 15-23, and lines 3 and 7-11",
            description=(
                "Quarterly reports to identify the numbers of children and young people missing education to CYPS "
                "scrutiny committee; monthly (dependant on meeting requirements) to DMT, Lead Members and the LCSB "
                "reporting to CSE/CCE multi agency hub to inform strategic profiling of for missing children, and "
                "exceptions reporting to Assistant Director Education and SEND/DMT for specific cases"
            ),
            owner_title="Admissions/Inclusion",
            time_frame="Completed prior to action plan",
            due_on=None,
            status=rules.COMPLETE,
            risk_rating_as_written="Complete",
            updates=(SeedUpdate("Reports are sent to DMT on a monthly - termly basis"),),
            note="The row runs over a page break: the end of the action (“reporting to CSE/CCE multi agency hub … "
            "for specific cases”, lines 7-11) and its risk rating (“Complete”, line 3) stand at the top of the "
            "extracted text.",
            feature="reports",
            team="admissions",
            responsible="admissions.manager",
        ),
    ),
)

PLANS: tuple[SeedPlan, ...] = (CROYDON, LEICESTERSHIRE)
