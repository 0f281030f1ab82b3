"""Versioned prompts: one file per agent and version (``reporter.v1.md``), read from the package.

The audit trail records ``<version>-<first 8 hex of the text's SHA-256>``, so an edited prompt
is told apart even if nobody bumped its version. To change a prompt, add the next version's
file and point ``CURRENT`` at it; old files stay so old audit rows can still be read against them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

CURRENT: Final = {"tagger": "v1", "reporter": "v2", "charter": "v1", "retirement": "v2"}


@dataclass(frozen=True, slots=True)
class Prompt:
    agent: str
    text: str
    version: str
    """e.g. ``v1-3f2a9c1d``: the file's version and its content hash."""


@cache
def load(agent: str) -> Prompt:
    """The current prompt of one agent (``KeyError`` for an unknown agent)."""
    version = CURRENT[agent]
    text = resources.files(__package__).joinpath(f"{agent}.{version}.md").read_text(encoding="utf-8").strip()
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return Prompt(agent=agent, text=text, version=f"{version}-{digest}")
