"""The rolls section of the child page (settings.CHILD_PANELS): what the school rolls say.

For council staff: each roll spell with the roll it came from, the deletion returns asked for
when a roll showed the child gone, and the optional DfE items each school's latest roll gave.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from rollcall.people.models import Child
from rollcall.rolls.models import DeletionReturnMissing, PupilCharacteristics, RollSnapshot
from rollcall.schools.models import RollEntry

SOURCES = {f"roll:{value}": label for value, label in RollSnapshot.Source.choices}


def child_rolls_panel(request: HttpRequest, child: Child) -> SafeString:
    spells = list(
        RollEntry.objects.filter(child=child).select_related("school").order_by("-on_roll_from", "-pk")
    )
    missing = list(
        DeletionReturnMissing.objects.filter(child=child).select_related("school").order_by("-left_on", "-pk")
    )
    items = list(
        PupilCharacteristics.objects.filter(child=child).select_related("school").order_by("-as_of", "-pk")
    )
    context = {
        "spells": [
            {"spell": spell, "source": SOURCES.get(spell.source, "Recorded by the council or a return")}
            for spell in spells
        ],
        "missing": missing,
        "items": items,
    }
    return SafeString(render_to_string("rolls/child_panel.html", context, request=request))
