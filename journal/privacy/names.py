"""Whether a text names a person, and where: the one matcher that every export uses (and the team server,
for the roles that may not see a customer's name). No Qt, no database.

How a name is recognised (the README's privacy section says the same in plain words):

- The name and the text are *folded* the same way: Unicode NFKC, case-folded, diacritics dropped (Zoë = Zoe,
  Nguyễn = Nguyen, Łukasz = Lukasz; and Jürgen is also looked for as Juergen), every dash and hyphen
  (‐ ‑ ‒ – — −) one `-`, every apostrophe (’ ʼ ′ ` ´) one `'`, soft hyphens and zero-width characters
  dropped, any space one space.
- The name is cut into parts at spaces, dashes, apostrophes and dots: "Ann-Marie O'Brien" has the parts
  ann, marie, o, brien. Any run of consecutive parts is the name, written with any of those separators or
  none ("Ann Marie", "AnnMarie", "OBrien", "Marie O’Brien"); so is one part alone of two letters or more
  ("Ann", "Brien"), as a whole word. A title in front goes with it ("Ms. Natarajan").
- Scripts written without spaces (Chinese, Japanese, Korean, Thai, ...) have no word boundaries: the whole
  name, each part, and each beginning and end of two characters or more of a longer part (李小龙: 李小, 小龙).
- A part that is also a common word (Will, May, Rose, Bill, ...) is the name where it stands as one:
  capitalised inside a sentence, after a title, or with a possessive ('s). In lower case it is the word.
  At the start of a sentence or in capitals it cannot be told apart: it is *unsure*, and reported.
- An e-mail address, a web address, a user handle (@name) or a phone number that holds the name (after
  percent-decoding, entity-decoding and IDNA) cannot be rewritten safely: it is left out whole.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

NEUTRAL = "the customer"

_DASHES = frozenset(
    "-\u058a\u05be\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\u30a0\ufe58\ufe63\uff0d"
)
_APOSTROPHES = frozenset(
    "'`\u00b4\u02b9\u02bb\u02bc\u02bd\u02c8\u055a\u2018\u2019\u201a\u201b\u2032\u2035\ua78b\ua78c\uff07"
)
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
)
_DOTS = frozenset(".\u00b7\u2024\u2027\u30fb\uff0e\uff65")
# Letters that carry their mark in themselves (no decomposition) and are commonly written without it.
_PLAIN_LETTERS = {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i", "ŀ": "l", "ð": "d"}
_DIACRITIC_RANGES = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))
# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, Hangul, kana, CJK ideographs.
_UNSPACED_RANGES = (
    (0x0E00, 0x0EFF),
    (0x1000, 0x109F),
    (0x1100, 0x11FF),
    (0x1780, 0x17FF),
    (0x3040, 0x30FF),
    (0x3130, 0x318F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)

# Given names and surnames that are also everyday English words: they are the name only where they stand
# as one (see the module's docstring).
_COMMON_WORDS_TEXT = """
    will may june april august mark bill rose grace hope joy faith sue pat art bob jack frank guy ray
    dawn summer autumn iris lily ivy holly heather daisy violet ruby pearl amber jade crystal sky rich
    sunny penny bay chase drew hunter miles gene carol sage dean wade lane park young king brown white
    black green gray grey baker cook cooper page long little major hill wood price cash love star hall
    lee rob sandy cliff glen dale brook rocky wolf fox bird bell church marsh moss stone story field
    ford worth stern rush hale hardy best reed rice sharp strong wise good case bond cross gay kit nick
    norm sterling destiny harmony melody liberty honor honour patience prudence trinity angel river
    storm
"""
COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())
_TITLES = (
    "mr|mrs|ms|miss|mx|mister|missus|dr|doctor|prof|professor|sir|dame|madam|madame|mme|mlle|herr|frau|"
    "sr|sra|srta|senor|senora|signor|signora|monsieur"
)
_SEP = r"[\s\-'._·]"  # what may stand between two parts of a name in folded text


def _in(ranges: tuple[tuple[int, int], ...], ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in ranges)


_UNSPACED_CLASS = "[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _UNSPACED_RANGES) + "]"


def unspaced(ch: str) -> bool:
    """A character of a script written without spaces between words."""
    return _in(_UNSPACED_RANGES, ch)


@functools.lru_cache(maxsize=65_536)
def _fold_char(ch: str) -> str:
    """One character (with the combining marks after it), folded."""
    if ch in _INVISIBLE:
        return ""
    text = unicodedata.normalize("NFKC", ch).casefold()
    text = unicodedata.normalize("NFD", text)
    text = unicodedata.normalize("NFC", "".join(c for c in text if not _in(_DIACRITIC_RANGES, c)))
    out = []
    for c in text:
        if c in _DASHES:
            out.append("-")
        elif c in _APOSTROPHES:
            out.append("'")
        elif c in _DOTS:
            out.append(".")
        elif c in _INVISIBLE:
            continue
        elif c.isspace():
            out.append(" ")
        else:
            out.append(_PLAIN_LETTERS.get(c, c))
    return "".join(out)


_ASCII = str.maketrans({"`": "'", "\t": " ", "\n": " ", "\r": " ", "\x0b": " ", "\x0c": " "})


class _FoldTable(dict[int, str]):
    """str.translate's table: each character's folding, worked out the first time it is met."""

    def __missing__(self, code: int) -> str:
        value = _fold_char(chr(code))
        self[code] = value
        return value


_TABLE = _FoldTable()


@functools.lru_cache(maxsize=1)
def _composing() -> re.Pattern[str]:
    """Combining marks that are not dropped diacritics (a dakuten, a vowel sign) and Hangul's medial and
    final jamo: a text holding one is folded a character cluster at a time."""
    marks = "".join(
        chr(code)
        for code in range(0x300, 0x20000)
        if not 0xD800 <= code <= 0xDFFF and unicodedata.combining(chr(code)) and not _in(_DIACRITIC_RANGES, chr(code))
    )
    return re.compile("[" + re.escape(marks) + "\u1160-\u11ff\ud7b0-\ud7ff]")


@dataclass
class Folded:
    """A text folded for matching, and where each of its characters came from in the original."""

    text: str
    source: str = ""  # the original, when a folded index is not its index there
    starts: list[int] = field(default_factory=list)  # where each folded character's source begins ...
    ends: list[int] = field(default_factory=list)  # ... and ends (worked out when first needed)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if not self.source:
            return start, end
        if not self.starts:
            width = 0
            for index, ch in enumerate(self.source):
                if _TABLE[ord(ch)] or not width:
                    width = len(_TABLE[ord(ch)])
                    self.starts += [index] * width
                    self.ends += [index + 1] * width
                else:  # a dropped mark belongs to the character before it
                    self.ends[-width:] = [index + 1] * width
        return self.starts[start], self.ends[end - 1]


def fold(text: str) -> Folded:
    """The text as the matcher sees it (see the module's docstring). A character with the combining marks
    after it is folded as one (a decomposed "é", "が" or Hangul syllable folds as the composed one)."""
    if text.isascii():
        return Folded(text.translate(_ASCII).lower())
    if not _composing().search(text):
        return Folded(text.translate(_TABLE), text)
    clusters: list[tuple[int, int]] = []  # (start, end) of a character and the combining marks after it
    for index, ch in enumerate(text):
        if clusters and (unicodedata.combining(ch) or "\u1160" <= ch <= "\u11ff" or "\ud7b0" <= ch <= "\ud7ff"):
            clusters[-1] = (clusters[-1][0], index + 1)
        else:
            clusters.append((index, index + 1))
    result = Folded("", text)
    pieces: list[str] = []
    for start, end in clusters:
        piece = _fold_char(text[start:end])
        pieces.append(piece)
        result.starts += [start] * len(piece)
        result.ends += [end] * len(piece)
    result.text = "".join(pieces)
    return result


def folded(text: str) -> str:
    return fold(text).text


_TRANSLITERATIONS = {"ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "ø": "oe"}


def _transliterated(name: str) -> str:
    """The name as written without its umlauts and rings the German and Nordic way (Jürgen → Juergen)."""
    text = unicodedata.normalize("NFC", name.casefold())
    return "".join(_TRANSLITERATIONS.get(ch, ch) for ch in text)


def _words(folded_text: str) -> list[str]:
    """Runs of letters and digits of a folded text, a run also cut where a script written without
    spaces begins or ends ("ann李小龙" → ann, 李小龙)."""
    words: list[str] = []
    for run in re.findall(r"[^\W_]+", folded_text):
        current = run[0]
        for ch in run[1:]:
            if unspaced(ch) != unspaced(current[-1]):
                words.append(current)
                current = ch
            else:
                current += ch
        words.append(current)
    return words


def name_parts(name: str) -> list[str]:
    """The folded parts of a name: runs of letters and digits, a run also cut where a script written
    without spaces begins or ends ("Ann-Marie O'Brien" → ann, marie, o, brien)."""
    return _words(folded(name))


# ------------------------------------------------------------------ addresses, which go whole

_EMAIL = re.compile(r"[\w.+'’%!#$&*=?^{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?i)(?:\b(?:https?|ftp|mailto|tel):(?://)?|\bwww\.)[^\s<>\"`]+")
_DOMAIN = re.compile(r"(?<![\w@/.%-])(?:[^\W_](?:[\w-]*[^\W_])?\.)+[a-z]{2,24}(?:/[^\s<>\"`]*)?(?![\w@])")
_HANDLE = re.compile(r"(?<![\w@.])@[\w.]{2,}\w")
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d\s().-]{3,}?[\s.-]?[A-Z][A-Z0-9]*(?:[.-][A-Z0-9]+)*(?![\w])")
_MARKDOWN_LINK = re.compile(
    r"!?\[([^\[\]\n]*)\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+\"[^\"\n]*\")?\s*\)"
)
ADDRESS_KINDS = (
    ("an e-mail address", "(e-mail address left out)"),
    ("a web address", "(web address left out)"),
    ("a user name", "(user name left out)"),
    ("a phone number", "(phone number left out)"),
)


def _phone_like(text: str) -> bool:
    """A number with letters (1-800-ANN-MARIE): two groups of digits or more before the letters."""
    digits = re.match(r"[\d\s().+-]*", text)
    groups = re.findall(r"\d+", digits.group() if digits else "")
    return len(groups) >= 2 and sum(map(len, groups)) >= 3


def _trim_address(text: str) -> str:
    while text and text[-1] in ".,;:!?'\"’”":
        text = text[:-1]
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1]
    return text


def decoded_forms(address: str) -> list[str]:
    """An address as a reader may see it: as written, entity-decoded, percent-decoded (again and again),
    with `+` as a space, and its IDNA labels (xn--) decoded."""
    forms = [address]
    current = html.unescape(address)
    for _ in range(4):
        forms.append(current)
        decoded = unquote(current, errors="replace")
        if decoded == current:
            break
        current = decoded
    forms.append(current.replace("+", " "))
    labels = []
    for label in re.split(r"([./@])", current):
        if label.lower().startswith("xn--"):
            with contextlib.suppress(UnicodeError, ValueError):
                label = codecs.decode(label.encode("ascii"), "idna")
        labels.append(label)
    forms.append("".join(labels))
    return list(dict.fromkeys(forms))


# ------------------------------------------------------------------ the matcher


@dataclass(frozen=True)
class Occurrence:
    start: int  # in the original text
    end: int
    sure: bool  # False: a common word where it cannot be told whether it is the name


@dataclass(frozen=True)
class Hidden:
    """A text with the name replaced: what was left out whole, and the places that stayed unsure."""

    text: str
    left_out: tuple[str, ...] = ()  # "an e-mail address", ... (each one that held the name)
    unsure: tuple[str, ...] = ()  # excerpts around a part of the name that could not be replaced


@dataclass
class _Name:
    parts: list[str]
    runs: list[tuple[str, ...]] = field(default_factory=list)  # every form, as a tuple of parts


def _excerpt(text: str, start: int, end: int) -> str:
    left, right = max(0, start - 25), min(len(text), end + 25)
    return ("…" if left else "") + " ".join(text[left:right].split()) + ("…" if right < len(text) else "")


_MONTHS = frozenset({"april", "may", "june", "august"})
_BEFORE_A_MONTH = re.compile(
    r"(?i)\b(?:in|on|of|since|until|till|from|by|early|late|mid|last|next|this|every|during|through|to)[\s-]+$"
)


def _common_word_verdict(text: str, start: int, end: int, count: int) -> bool | None:
    """For a name made of common words only, as written at text[start:end]: None when it is the words,
    True when it is the name, False when it cannot be told."""
    written = text[start:end]
    words = re.findall(r"[^\W\d_]+", written)
    if re.match(r"\s*['’ʼ]s\b", text[end : end + 4]):
        return True  # a possessive: Will's, May’s
    if any(not any(c.isupper() for c in word) for word in words):
        return None  # "will", "may", "Rose hill"
    if (
        count == 1
        and written.casefold() in _MONTHS
        and (re.match(r"\s*\d", text[end : end + 4]) or _BEFORE_A_MONTH.search(text[max(0, start - 12) : start]))
    ):
        return None  # "in May", "May 2012"
    if all(word.isupper() for word in words) and len(written) > 1:
        return False  # capitals: a shout, a heading or the name
    # At the start of a sentence: "Will she come?" or "Will called." cannot be told apart.
    return not (count == 1 and _starts_sentence(text, start))


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip(' \t"“‘«(*_#>[')
    return not before or before[-1] in ".!?\n:…"


class NameMatcher:
    """Finds, checks and replaces the names of people who may not be named, in any text.

    `NameMatcher(["Ann-Marie O'Brien", "李小龙"])`; an empty matcher (no name) finds nothing."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = sorted({" ".join(n.split()) for n in names if n and n.strip()}, key=str.casefold)
        forms: dict[tuple[str, ...], None] = {}
        spellings = {*self.names, *(_transliterated(name) for name in self.names)}
        for name in sorted(spellings):
            parts = name_parts(name)
            for i in range(len(parts)):
                for j in range(i + 1, len(parts) + 1):
                    run = tuple(parts[i:j])
                    if j - i == 1 and len(run[0]) < 2:
                        continue
                    if j - i > 1 and sum(map(len, run)) < 3:
                        continue
                    forms[run] = None
            for part in parts:  # beginnings and ends of a long part in a script without spaces
                if len(part) >= 3 and all(map(unspaced, part)):
                    for n in range(2, len(part)):
                        forms[(part[:n],)] = None
                        forms[(part[-n:],)] = None
        self.forms = sorted(forms, key=lambda run: (-sum(map(len, run)), -len(run), run))
        # In an address, joined parts and long parts count anywhere ("theannmarieblog"), short ones
        # only as a whole word, and a common word alone not at all.
        self._squashed = {
            "".join(run)
            for run in self.forms
            if len(run) > 1 or (run[0] not in COMMON_WORDS and (len(run[0]) >= 4 or all(map(unspaced, run[0]))))
        }
        self._short_words = {run[0] for run in self.forms if len(run) == 1 and run[0] not in COMMON_WORDS}
        if self.forms:
            alternatives = "|".join(self._pattern(run) for run in self.forms)
            self._regex: re.Pattern[str] | None = re.compile(
                rf"(?:(?<![^\W\d_])(?P<title>{_TITLES})\.?\s{{1,3}})?(?P<name>{alternatives})"
            )
        else:
            self._regex = None

    @staticmethod
    def _pattern(run: tuple[str, ...]) -> str:
        body = f"{_SEP}{{0,3}}".join(re.escape(part) for part in run)
        # A word boundary: no letter of a spaced script next to it (one of CJK, Thai... is a boundary too).
        before = "" if unspaced(run[0][0]) else rf"(?<!(?!{_UNSPACED_CLASS})[^\W\d_])"
        after = "" if unspaced(run[-1][-1]) else rf"(?!(?!{_UNSPACED_CLASS})[^\W\d_])"
        return before + body + after

    def __bool__(self) -> bool:
        return self._regex is not None

    def __or__(self, other: NameMatcher) -> NameMatcher:
        return NameMatcher([*self.names, *other.names])

    # ------------------------------------------------------------ finding
    def occurrences(self, text: str) -> list[Occurrence]:
        """Where the name stands in `text` (a title in front included), merged when two forms touch
        ("O'Brien, Ann-Marie" is one); common words used as words are not occurrences."""
        if self._regex is None or not text:
            return []
        folded_text = fold(text)
        found: list[Occurrence] = []
        for match in self._regex.finditer(folded_text.text):
            start, end = folded_text.original_span(match.start(), match.end())
            sure = True
            words = re.findall(r"[^\W_]+", match.group("name"))
            if all(word in COMMON_WORDS for word in words) and not match.group("title"):
                name_start, _ = folded_text.original_span(match.start("name"), match.end("name"))
                verdict = _common_word_verdict(text, name_start, end, len(words))
                if verdict is None:
                    continue  # the word, not the name
                sure = verdict
            if found and found[-1].sure and sure and re.fullmatch(r"[\s,\-'’.]{0,3}", text[found[-1].end : start]):
                found[-1] = Occurrence(found[-1].start, end, True)
            else:
                found.append(Occurrence(start, end, sure))
        return found

    def holds(self, address: str) -> bool:
        """Whether an address (e-mail, web address, handle, phone number) holds the name in any form:
        joined parts anywhere, a long part anywhere, a short part as a whole word."""
        if self._regex is None:
            return False
        for form in decoded_forms(address):
            text = folded(form)
            squashed = re.sub(r"[\W_]+", "", text)
            if any(joined in squashed for joined in self._squashed):
                return True
            if self._short_words & set(_words(text)):
                return True
            if self.occurrences(form):
                return True
        return False

    def _addresses(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, kind) of every address in the text that holds the name, none overlapping."""
        spans: list[tuple[int, int, int]] = []
        for kind, pattern in enumerate((_EMAIL, _URL, _DOMAIN, _HANDLE, _PHONE)):
            for match in pattern.finditer(text):
                start = match.start()
                end = start + len(_trim_address(match.group()))
                if any(s < end and start < e for s, e, _k in spans):
                    continue
                if kind == 4 and not _phone_like(match.group()):
                    continue
                if self.holds(text[start:end]):
                    spans.append((start, end, {0: 0, 1: 1, 2: 1, 3: 2, 4: 3}[kind]))
        return sorted(spans)

    def found_in(self, text: str) -> bool:
        """Whether any form of the name (sure or unsure) or an address holding it is in the text."""
        return bool(self.occurrences(text)) or bool(self._addresses(text))

    def leftovers(self, text: str) -> list[str]:
        """Excerpts of everything in `text` that still names the person, as written and as a reader
        would see it (entities and percent-escapes decoded): what a finished export must not hold."""
        seen: dict[str, None] = {}
        if self._regex is None:
            return []
        for view in dict.fromkeys([text, html.unescape(text), unquote(html.unescape(text), errors="replace")]):
            for occurrence in self.occurrences(view):
                seen[_excerpt(view, occurrence.start, occurrence.end)] = None
            for start, end, _kind in self._addresses(view):
                seen[_excerpt(view, start, end)] = None
        return list(seen)

    # ------------------------------------------------------------ replacing
    def hide(self, text: str, neutral: str = NEUTRAL) -> Hidden:
        """`text` with every sure occurrence replaced by the neutral wording (capitalised at the start of
        a sentence, a title in front taken with it), and every address holding the name left out whole
        (a Markdown link to such an address keeps its text). Unsure places stay, and are listed."""
        if self._regex is None or not text:
            return Hidden(text)
        left_out: list[str] = []

        def link(match: re.Match[str]) -> str:
            if not self.holds(match.group(2)):
                return match.group(0)
            left_out.append(ADDRESS_KINDS[1][0])
            return match.group(1)

        text = _MARKDOWN_LINK.sub(link, text)
        pieces: list[str] = []
        at = 0
        for start, end, kind in self._addresses(text):
            what, placeholder = ADDRESS_KINDS[kind]
            left_out.append(what)
            pieces += [text[at:start], placeholder]
            at = end
        text = "".join([*pieces, text[at:]])
        pieces, at, unsure = [], 0, []
        for occurrence in self.occurrences(text):
            if not occurrence.sure:
                unsure.append(_excerpt(text, occurrence.start, occurrence.end))
                continue
            wording = neutral[0].upper() + neutral[1:] if _starts_sentence(text, occurrence.start) else neutral
            pieces += [text[at : occurrence.start], wording]
            at = occurrence.end
        return Hidden("".join([*pieces, text[at:]]), tuple(left_out), tuple(unsure))

    def __call__(self, text: str) -> str:
        return self.hide(text).text
