"""The API tokens page's menu item, for administrators (see rollcall.navigation for the numbers)."""

from rollcall.accounts.access import sees_staff_menu
from rollcall.accounts.models import User
from rollcall.api.access import can_manage_api_tokens
from rollcall.navigation import MenuItem, register


def _shown(user: User) -> bool:
    return sees_staff_menu(user) and can_manage_api_tokens(user)


register(MenuItem(450, "API tokens", "api-tokens:list", _shown))
