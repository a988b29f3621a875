"""Text rules shared by every entity: cleaning, limits, and showing user text literally."""

from __future__ import annotations

import re
import string
import unicodedata

NAME_MAX = 120
TEXT_MAX = 4000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_name(value: object, label: str = "Name") -> str:
    if value is None:
        raise ValueError(f"{label} is required.")
    text = unicodedata.normalize("NFC", _CONTROL.sub("", str(value))).strip()
    text = re.sub(r"\s+", " ", text)
    if not text:
        raise ValueError(f"{label} is required and cannot be only spaces.")
    if len(text) > NAME_MAX:
        raise ValueError(f"{label} is {len(text):,} characters long; keep it to {NAME_MAX}.")
    return text


def clean_text(value: object, label: str = "Text", max_length: int = TEXT_MAX) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", _CONTROL.sub("", str(value)))
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > max_length:
        raise ValueError(
            f"{label} is {len(text):,} characters long; the limit is {max_length:,}. "
            "Shorten it or move the detail to notes elsewhere."
        )
    return text


_MD_SPECIAL = set(string.punctuation)


def md_escape(text: str) -> str:
    """Escape user text for st.markdown so it shows literally (no Markdown, HTML or directives).

    Every ASCII punctuation mark is backslash-escaped (CommonMark allows that for all of
    them), which also defuses Streamlit's own :color[...] and :emoji: directives and $math$.
    Line breaks are kept as hard breaks, and leading spaces cannot start a code block.
    """
    lines = []
    for line in str(text).replace("\r\n", "\n").split("\n"):
        escaped = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in line)
        stripped = escaped.lstrip(" ")
        lines.append("\u00a0" * (len(escaped) - len(stripped)) + stripped)
    return "  \n".join(lines)


# Letters that Unicode decomposition does not take apart into a base letter and an accent: spelled
# out the way Scandinavians write them without their keyboard (ø as o, as in "Rørhandel" → "rorhandel").
_SPELLED_OUT = str.maketrans(
    {"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "ß": "ss", "œ": "oe", "đ": "d", "ł": "l", "þ": "th", "ð": "d"}
)
SLUG_MAX = 60


def slug(text: str, fallback: str = "workspace") -> str:
    """`text` as a safe piece of a file name: lower case ASCII letters and digits joined by single
    "-", at most SLUG_MAX characters; `fallback` when nothing is left."""
    lowered = unicodedata.normalize("NFC", text).lower().translate(_SPELLED_OUT)
    ascii_only = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode("ascii")
    joined = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    return joined[:SLUG_MAX].rstrip("-") or fallback


def download_name(workspace_name: str, what: str, ext: str, day) -> str:
    """The file name of a download: `<workspace>-<what>-<YYYY-MM-DD>.<ext>`, so files from several
    workspaces and days can sit in one folder and still say what they are."""
    return f"{slug(workspace_name)}-{slug(what, 'download')}-{day.isoformat()}.{ext}"
