"""Which fields of a story a marketer's laptop was not sent, so that the window neither offers them as empty
and editable nor lets what is typed there vanish on the way.

The team server (journal/server/privacy.py) sends a marketer each story without the customer's contact, the
internal notes and the coverage links' notes, and, unless the customer agreed to be named, without the
customer's name; and what a marketer sends back in those fields is replaced by the server's own. Only the
story's author sees it whole. A laptop is not told who wrote a story, but a story sent whole shows itself: a
private field or a link's notes that are not empty (withheld ones always arrive empty). So on a marketer's
laptop, a story the server holds whose private fields are all empty is taken as sent without them. (A
marketer's own story with none of them filled in is taken so too: those fields stay read-only once it has
been sent; an admin can fill them in.)
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
    "and the customer's name unless they agreed to be named; this laptop is not sent them, and anything "
    "typed here would not reach the team."
)


def withheld(role: str, fields: Mapping[str, Any], held_by_server: bool, link_notes: bool = False) -> tuple[str, ...]:
    """What of a story a laptop signed in with `role` was not sent: names among its editable fields, and
    LINK_NOTES. `fields`: consent and the customer's fields; `link_notes`: whether a link of it has notes."""
    if role != "marketer" or not held_by_server:
        return ()
    name_hidden = fields["consent"] != Consent.NAMED.value
    if link_notes or any(fields[name] for name in PRIVATE) or (name_hidden and fields[NAME]):
        return ()  # sent whole: the marketer wrote it
    return (*PRIVATE, LINK_NOTES, NAME) if name_hidden else (*PRIVATE, LINK_NOTES)
