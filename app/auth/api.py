"""What other packages may use of auth's tables: people, their administrations, roles and regions.

Every domain refers to the person acting and to administrations, so these are auth's front door;
the account functions (invite, find, change a password) are in `app.auth.services`. Other packages
import this module, never `app.auth.models` (import-linter checks it).
"""

from app.auth.models import SECRETARIAT_CODE, Administration, Region, Role, User

__all__ = ["SECRETARIAT_CODE", "Administration", "Region", "Role", "User"]
