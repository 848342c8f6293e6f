"""The policy documents' menu items (see rollcall.navigation for the order numbers).

Every staff menu has both items, as it always has: the pages themselves show each person what
they may read (can_read_policies) and what they must acknowledge.
"""

from rollcall.accounts.access import sees_staff_menu
from rollcall.navigation import MenuItem, register

register(
    MenuItem(340, "Policies", "policies:list", sees_staff_menu),
    MenuItem(350, "Policies to acknowledge", "policies:acknowledge-list", sees_staff_menu),
)
