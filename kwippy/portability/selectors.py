from django.db.models import QuerySet

from kwippy.accounts.models import User
from kwippy.portability.models import Import

RECENT_IMPORTS = 5


def imports_recent(*, owner: User, limit: int = RECENT_IMPORTS) -> QuerySet[Import]:
    """Return a person's latest imports, newest first."""
    return Import.objects.filter(owner=owner).order_by("-created", "-id")[:limit]


def import_owned(*, owner: User, import_id: int) -> Import:
    """Return one of a person's imports; raise Import.DoesNotExist for anyone else's."""
    return Import.objects.get(owner=owner, pk=import_id)
