"""Run one action inside one council's Roll Call (its own database, key and LA code, from the
environment) and print the result as JSON: the end-to-end tests' hands inside each instance.

    python -m tests.transfers.council_script ACTION '{"json": "arguments"}'

Only synthetic, invented people.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rollcall.settings_test")

import django

django.setup()

from rollcall import clock  # noqa: E402
from rollcall.accounts.models import Team, User  # noqa: E402
from rollcall.casework.models import Case, Enquiry, Flag, Task  # noqa: E402
from rollcall.casework.services import case_open, enquiry_record, flag_raise  # noqa: E402
from rollcall.rules.workflow import Role  # noqa: E402
from rollcall.transfers import services  # noqa: E402
from rollcall.transfers.models import IncomingTransfer, PartnerCouncil, Transfer  # noqa: E402
from tests import factories  # noqa: E402

PASSWORD = "correct-horse-battery"


def setup(args: dict[str, Any]) -> dict[str, Any]:
    today = clock.today()
    for year in (today.year - 2, today.year - 1, today.year):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    officer = factories.staff(
        Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.officer", password=PASSWORD
    )
    factories.staff(Role.MANAGER, Team.Kind.INCLUSION, username="inclusion.manager", password=PASSWORD)
    admin = factories.administrator(username="administrator", password=PASSWORD)
    services.partner_save(
        actor=admin, la_code=args["partner_code"], api_url=args["partner_url"], public_key=args["partner_key"]
    )
    result: dict[str, Any] = {"officer": officer.pk}
    if args.get("with_case"):
        school = factories.SchoolFactory.create(name="Brookfield Primary", la_code=args["our_code"])
        entry = factories.RollEntryFactory.create(
            school=school,
            child__legal_forename="Kit",
            child__legal_surname="Marlowe",
            child__date_of_birth=dt.date(2016, 3, 14),
            on_roll_to=today - dt.timedelta(days=20),
        )
        case = case_open(
            child=entry.child,
            kind="cme",
            team=Team.objects.get(kind="inclusion"),
            source="Referral",
            owner=officer,
            actor=officer,
        )
        enquiry_record(
            case=case,
            actor=officer,
            party=Enquiry.Party.LAST_SCHOOL,
            made_on=today,
            result=Enquiry.Result.INFORMATION,
            details="The school heard the family moved to a new town.",
        )
        flag_raise(case=case, code=Flag.Code.MISSING_EDUCATION, details="Not in school since the move")
        result["case_id"] = case.pk
        result["tasks"] = sorted(
            [t.title, t.due.isoformat()] for t in case.tasks.filter(status=Task.Status.OPEN)
        )
    return result


def send(args: dict[str, Any]) -> dict[str, Any]:
    case = Case.objects.get(pk=args["case_id"])
    officer = User.objects.get(username="inclusion.officer")
    transfer = services.transfer_send(
        case=case,
        actor=officer,
        to_la_code=args["to"],
        new_address=services.NewAddress(line_1="4 Canal Row", town="Leicester", postcode="LE1 1AA"),
    )
    return {
        "status": transfer.status,
        "error": transfer.delivery_error,
        "transfer_id": str(transfer.transfer_id),
    }


def accept(args: dict[str, Any]) -> dict[str, Any]:
    incoming = IncomingTransfer.objects.select_related("partner").get(pk=args["incoming_id"])
    case = services.incoming_accept(incoming=incoming, actor=User.objects.get(username="inclusion.officer"))
    incoming.refresh_from_db()
    return {
        "case_reference": case.reference,
        "acknowledged": incoming.acknowledgement_delivered_at is not None,
        "error": incoming.acknowledgement_error,
    }


def state(args: dict[str, Any]) -> dict[str, Any]:
    return {
        "incoming": [
            {
                "id": i.pk,
                "status": i.status,
                "child": i.child_name,
                "from": i.partner.la_code,
                "tasks": i.payload.get("tasks"),
            }
            for i in IncomingTransfer.objects.select_related("partner").order_by("pk")
        ],
        "transfers": [
            {"status": t.status, "to": t.to_la_code, "acknowledgement": t.acknowledgement}
            for t in Transfer.objects.order_by("pk")
        ],
        "cases": [
            {
                "reference": c.reference,
                "status": c.status,
                "outcome": c.outcome,
                "outcome_details": c.outcome_details,
                "child": c.child.full_name,
                "open_tasks": sorted(
                    [t.title, t.due.isoformat()] for t in c.tasks.filter(status=Task.Status.OPEN)
                ),
            }
            for c in Case.objects.select_related("child").order_by("pk")
        ],
        "partners": list(PartnerCouncil.objects.values_list("la_code", flat=True)),
    }


ACTIONS = {"setup": setup, "send": send, "accept": accept, "state": state}

if __name__ == "__main__":
    action, raw = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}"
    print(json.dumps(ACTIONS[action](json.loads(raw))))
