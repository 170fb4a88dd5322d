"""The result shared by both main-text extractors (HTML pages and plain-text dumps)."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MainText:
    """The article's own text with the site chrome removed.

    `text` holds paragraphs separated by a blank line ("\\n\\n"), whitespace inside a paragraph
    folded to single spaces. `source` names the rule that chose the text, for operators asking
    "why is this body empty?".
    """

    title: str | None
    text: str
    source: str
