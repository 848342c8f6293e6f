"""Seed the letter templates from the letters Roll Call used to write from files (the same words).

The texts are copied here, not imported, so this migration means the same thing whatever the
templates later become. Reversing it removes only rows nobody has edited.
"""

from django.db import migrations

TEMPLATES = {
    "informal_enquiry": (
        "{child_name}'s education at home",
        "The council has a duty to find out whether children in its area are getting a suitable "
        "education. We would like to hear about the education {child_name} is getting at home.\n\n"
        "{reason}\n\n"
        "You can choose how to tell us: a written report, some samples of work, or a meeting at our "
        "offices or at your home. You do not have to let us into your home.\n\n"
        "Please reply by **{period_end}**.\n\n"
        "If we do not hear from you, or we do not get enough information, it may appear to the council "
        "that {child_name} is not getting a suitable education. The council would then have to consider "
        "a school attendance order.",
    ),
    "preliminary_notice": (
        "Notice under section 437(1) of the Education Act 1996",
        "It appears to the council that {child_name} (born {date_of_birth}) is not getting a suitable "
        "education, either by regular attendance at school or otherwise.\n\n"
        "This is why: {reason}\n\n"
        "You must satisfy the council that {child_name} is getting efficient full-time education "
        "suitable to their age, ability and aptitude and to any special educational needs they may have.\n\n"
        "You have until the end of **{period_end}** to do this. This period began on the day this notice "
        "was served.\n\n"
        "If you do not satisfy the council by then, and the council thinks {child_name} should attend "
        "school, it must serve a school attendance order. Before it does, it will write to tell you which "
        "school it intends to name, and you will be able to choose another.",
    ),
    "notice_of_intention": (
        "Notice of intention to serve a school attendance order (section 438, Education Act 1996)",
        "You have not satisfied the council that {child_name} is getting a suitable education. The "
        "council intends to serve a school attendance order.\n\n"
        "The order will name this school, and any others listed as alternatives:\n\n"
        "**{schools_named}**\n\n"
        "You can choose one of the alternatives, or get a place for {child_name} at another school (a "
        "maintained school, an academy or an independent school). If you tell us by the end of "
        "**{period_end}**, the order will name the school you chose.\n\n"
        "{reason}",
    ),
    "order": (
        "School attendance order (section 437(3), Education Act 1996)",
        "The council has not been satisfied that {child_name} (born {date_of_birth}) is getting a "
        "suitable education, and thinks it expedient that they should attend school.\n\n"
        "You are required to cause {child_name} to become a registered pupil at:\n\n"
        "**{schools_named}**\n\n"
        "{reason}\n\n"
        "The order stays in force while {child_name} is of compulsory school age, unless the council "
        "revokes it or a court directs otherwise. You can ask the council to change the school named, if "
        "you get a place at another school, or to revoke the order if you arrange suitable education "
        "otherwise.\n\n"
        "Not complying with this order is a criminal offence (section 443), unless you prove that "
        "{child_name} is getting suitable education otherwise than at school.",
    ),
}


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("homeeducation", "LetterTemplate")
    for kind, (heading, body) in TEMPLATES.items():
        LetterTemplate.objects.get_or_create(kind=kind, defaults={"heading": heading, "body": body})


def unseed(apps, schema_editor):
    LetterTemplate = apps.get_model("homeeducation", "LetterTemplate")
    LetterTemplate.objects.filter(kind__in=list(TEMPLATES), updated_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("homeeducation", "0003_letter_templates")]

    operations = [migrations.RunPython(seed, unseed)]
