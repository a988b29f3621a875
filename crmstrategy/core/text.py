"""The one text policy where text enters (forms, tables, imports, the workspace file): what is
refused, what is tidied, the limits; and showing user text literally."""

from __future__ import annotations

import re
import string
import unicodedata

NAME_MAX = 120
TEXT_MAX = 4000

# What no database can hold the same way: a lone surrogate (half of an emoji, left by some pastes)
# cannot be encoded at all, PostgreSQL refuses NUL, and the other control characters are invisible
# (SQLite would keep them, PostgreSQL too, but nobody could see or type them again). Refused with a
# sentence, never dropped: a silent change of what someone typed is worse than a question.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def refuse_unstorable(text: str, label: str) -> None:
    """Raise ValueError naming the field and the place of the first character that cannot be stored."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return
    place, char = found.start() + 1, found.group()
    if _SURROGATE.fullmatch(char):
        raise ValueError(
            f"{label} holds half of an emoji or symbol at character {place} (a broken paste), which cannot "
            "be saved. Delete it and type the character again."
        )
    raise ValueError(
        f"{label} holds an invisible control character (U+{ord(char):04X}) at character {place}, which "
        "cannot be saved. Delete it and try again."
    )


def displayable(text: str) -> str:
    """`text` with any lone surrogate shown as �: refused input is quoted back in messages, and a
    lone surrogate cannot be sent to the browser."""
    return _SURROGATE.sub("\ufffd", text)


def clean_name(value: object, label: str = "Name") -> str:
    """A one-line name: the ends trimmed and every run of white space one space (a name is never laid
    out), NFC; required, at most NAME_MAX characters."""
    if value is None:
        raise ValueError(f"{label} is required.")
    text = str(value)
    refuse_unstorable(text, label)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    if not text:
        raise ValueError(f"{label} is required and cannot be only spaces.")
    if len(text) > NAME_MAX:
        raise ValueError(f"{label} is {len(text):,} characters long; keep it to {NAME_MAX}.")
    return text


def clean_text(value: object, label: str = "Text", max_length: int = TEXT_MAX) -> str:
    """Free text as typed: tabs, inner spaces and line breaks kept; only what cannot matter is tidied
    (the white space at the two ends, Windows line ends, NFC); "" for nothing."""
    if value is None:
        return ""
    text = str(value)
    refuse_unstorable(text, label)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").strip()
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
    for line in displayable(str(text)).replace("\r\n", "\n").split("\n"):
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
