"""What text may contain: the one rule for control characters, for every string Alex accepts.

PostgreSQL cannot store NUL, and control or bidirectional-override characters make a stored
name display as something else; none belongs in a name, a note, an email or a token's claims.
Tab, line feed and carriage return are allowed where text may span lines.
"""

from __future__ import annotations

import re
from typing import Final

CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters (C0 but tab and line breaks, DEL, C1), zero-width and bidi controls."""
LINE_BREAKS: Final = re.compile(r"[\t\n\r]")


def has_control_characters(value: str, *, multiline: bool = True) -> bool:
    return bool(CONTROL.search(value)) or (not multiline and bool(LINE_BREAKS.search(value)))
