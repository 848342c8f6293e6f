"""What every page needs: the council's name and the navigation for this person.

The menu items come from the apps themselves (rollcall.navigation), so this module, which sits
below every app, names none of them.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from rollcall.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = items_for(user) if user is not None and user.is_authenticated else []
    # The item whose address is the longest prefix of this page is the current one.
    path = request.path
    matches = [url for _label, url in items if path.startswith(url)]
    current = max(matches, key=len) if matches else None
    nav = [{"label": label, "url": url, "active": url == current} for label, url in items]
    return {"council_name": settings.COUNCIL_NAME, "navigation": nav}
