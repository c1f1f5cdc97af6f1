"""Which fields of a story this laptop was not sent by the team server, so that the window neither offers them
as empty and editable nor lets what is typed there vanish on the way.

The team server (journal/server/privacy.py) sends each story in a view: whole to its author and admins; to other
reps without the customer's contact, the internal notes and the coverage links' notes; to marketers without
those and, unless the customer agreed to be named, without the customer's name. What comes back in the
fields a view left out is replaced by the server's own, so here they are read-only. Each pulled change says
its view, kept with what the server holds of the story (sync_base.server_view). A story written here and not
yet sent is this laptop's own: nothing is withheld.

An older server does not say the view. Then, on a marketer's laptop only, a story sent whole is taken to show
itself: a private field or a link's notes that are not empty (withheld ones always arrive empty); a story
the server holds whose private fields are all empty is taken as sent without them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from journal.store.fields import Consent

PRIVATE = ("customer_contact", "internal_notes")  # as journal/server/privacy.py withholds them
NAME = "customer_name"
LINK_NOTES = "link_notes"  # the coverage links' notes, withheld with the private fields

WHY = (
    "In the team, only the story's author and admins see the customer's contact and the internal notes, "
    "and marketers see the customer's name only if they agreed to be named; this laptop is not sent them, "
    "and anything typed here would not reach the team."
)


def withheld(
    role: str,
    fields: Mapping[str, Any],
    held_by_server: bool,
    link_notes: bool = False,
    view: str | None = None,
) -> tuple[str, ...]:
    """What of a story a laptop signed in with `role` was not sent: names among its editable fields, and
    LINK_NOTES. `fields`: consent and the customer's fields; `link_notes`: whether a link of it has notes;
    `view`: the view the server last sent it in (journal/sync/wire.py VIEWS), None if it did not say."""
    if not held_by_server:
        return ()
    name_hidden = fields["consent"] != Consent.NAMED.value
    if view is not None:
        if view == "rep":
            return (*PRIVATE, LINK_NOTES)
        if view == "marketer":
            return (*PRIVATE, LINK_NOTES, NAME) if name_hidden else (*PRIVATE, LINK_NOTES)
        return ()
    if role != "marketer":
        return ()
    if link_notes or any(fields[name] for name in PRIVATE) or (name_hidden and fields[NAME]):
        return ()  # sent whole: the marketer wrote it
    return (*PRIVATE, LINK_NOTES, NAME) if name_hidden else (*PRIVATE, LINK_NOTES)
