"""Text the product wrote itself (a project's timeline, notifications, consultation summaries, organ
and seat names) is stored in the language of whoever acted. Shown to a reader, it is read back in the
reader's language: a line equal to a message of the catalogue, or a message with placeholders
(`增加参与单位：%(unit)s`), is rendered again from that message. What matches none is user text and is
shown as stored."""

import re
from functools import lru_cache

from django.utils import translation
from django.utils.translation import trans_real

PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdif]|%%")


def _catalog(language: str) -> dict[str, str]:
    """{source text: text in `language`}: the English catalogue forwards to English, backwards to Chinese."""
    english = trans_real.translation("en")._catalog
    pairs = [(k, v) for k, v in english.items() if isinstance(k, str) and k and "\x04" not in k and v and k != v]
    if language.startswith("en"):
        return dict(pairs)
    return {v: k for k, v in pairs}


@lru_cache(maxsize=4)
def _patterns(language: str):
    """(exact lookups, [(regex, target) ...] indexed by the source's first two literal characters)."""
    exact, indexed, loose = {}, {}, []
    for source, target in _catalog(language).items():
        if not PLACEHOLDER.search(source):
            exact[source] = target
            continue
        names, parts, position = [], [], 0
        for match in PLACEHOLDER.finditer(source):
            parts.append(re.escape(source[position:match.start()]))
            position = match.end()
            if match.group(0) == "%%":
                parts.append("%")
                continue
            name = match.group(1) or f"_{len(names)}"
            parts.append(f"(?P={name})" if name in names else f"(?P<{name}>[^\\n]+?)")
            names.append(name)
        parts.append(re.escape(source[position:]))
        if len(PLACEHOLDER.sub("", source).strip()) < 2:
            continue  # a bare placeholder ("%(year)s") would match any text
        # Every placeholder of the target becomes %(name)s: what was matched is text.
        numbered = iter(range(len(names)))
        target = PLACEHOLDER.sub(lambda m: "%%" if m.group(0) == "%%" else f"%({m.group(1) or f'_{next(numbered)}'})s", target)
        entry = (re.compile("".join(parts)), target)
        head = source[:2]
        if PLACEHOLDER.match(source) or "%" in head:
            loose.append(entry)
        else:
            indexed.setdefault(head, []).append(entry)
    return exact, indexed, loose


def _line(text: str, depth: int = 0) -> str:
    exact, indexed, loose = _patterns(translation.get_language() or "zh-hans")
    if text in exact:
        return exact[text]
    for regex, target in indexed.get(text[:2], []) + loose:
        match = regex.fullmatch(text)
        if match:
            values = {k: (_line(v, depth + 1) if depth < 2 else v) for k, v in match.groupdict().items()}
            try:
                return target % values
            except (KeyError, ValueError, TypeError):
                return text
    return text


def translated(text) -> str:
    """`text` (stored by the product) in the active language: as a whole (a message of several lines),
    else line by line (a summary built of several messages)."""
    if not text:
        return text or ""
    text = str(text)
    whole = _line(text)
    if whole != text or "\n" not in text:
        return whole
    return "\n".join(_line(line) for line in text.split("\n"))
