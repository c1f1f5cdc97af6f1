"""Which story an entry is about: candidates from the journal's search, then a score that can be explained.

Finding candidates: the entry's rarest words in the journal (FTS5's own counts of how many stories hold each
word; words held by more than COMMON_SHARE of the stories say little) are looked up in the search index,
and the stories holding two or more of them, weighted by rarity, are the candidates
(journal.store.search.stories_sharing). Stories whose coverage is on the entry's site are candidates too,
when few stories have coverage there.

Scoring each candidate, from what the entry says:
- the story's organisation (3 when few stories share it, less when many do);
- the names in its employees field (runs of capitalised words: "Gary Kelly", "Customer Loyalty Team");
- phrases of two words the story and the entry both use ("UPS pickup"), weighted by their rarity;
- its tags' names;
- rare words both use ("flowers");
- the entry being on a site where the story's coverage is (when few stories have coverage there).
A story is suggested with SCORE_NEEDED or more from at least two different things; the explanation lists
them: "mentions Zappos and 'flowers' and 'UPS pickup'".

An entry whose address is already a coverage link, or is on an excluded domain, is never suggested.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from journal.radar.addresses import excluded, host_of, link_key, site_of
from journal.store import search

COMMON_SHARE = 0.05  # a word in more than this share of the stories does not find candidates
FEW_STORIES = 3  # ... unless the journal is so small that this many is more
CANDIDATE_TERMS = 6
CANDIDATES = 8
SCORE_NEEDED = 3.5
SIGNALS_NEEDED = 2
ALTERNATIVES = 3
SITE_STORIES = 5  # a site with coverage of more stories than this (a big news site) says nothing
TERMS_LOOKED_UP = 400  # distinct words of one entry whose counts are looked up
PROFILES_KEPT = 2048
SHOWN_IN_EXPLANATION = 5

_STOP_WORDS = """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own same she should so some such
    than that the their theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours yourself
    yourselves said says get got one two new like make made many much may might must shall us via per
    com www http https html htm amp nbsp org net php
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_ORG_CUT = re.compile(r"[,;(]")
_NAME_PARTS = re.compile(r"[,;()/&]| and | with | from ")


@dataclass(frozen=True)
class Signal:
    kind: str  # organisation | name | phrase | tag | word | site
    shown: str  # as the entry writes it ("UPS pickup"), or the site
    weight: float


@dataclass
class StoryMatch:
    story_id: str
    score: float
    signals: list[Signal]

    @property
    def matched(self) -> list[str]:
        """The words and phrases to show in bold in the entry's excerpt."""
        return [signal.shown for signal in self.signals if signal.kind != "site"]

    @property
    def explanation(self) -> str:
        said = [
            signal.shown if signal.kind in ("organisation", "name") else f"'{signal.shown}'"
            for signal in self.signals
            if signal.kind != "site"
        ][:SHOWN_IN_EXPLANATION]
        parts = [f"mentions {' and '.join(said)}"] if said else []
        parts += [f"is on {signal.shown}, where its coverage is" for signal in self.signals if signal.kind == "site"]
        return "; ".join(parts)

    def record(self) -> dict[str, object]:
        return {
            "story_id": self.story_id,
            "score": round(self.score, 2),
            "explanation": self.explanation,
            "matched": self.matched,
        }


@dataclass(frozen=True)
class EntryText:
    """What matching reads of an entry."""

    id: str
    link: str
    title: str
    text: str


# A gram is a run of terms written as one string, the terms joined by a space ("ups pickup"; a term has no
# space). Strings, not tuples: matching makes hundreds of thousands of them, and Python's cyclic garbage
# collector walks every young tuple but never looks at a string. For the same reason a story's profile keeps
# its words and pairs in tuples of strings, which the collector stops tracking after one look, not in sets,
# which it walks on every full pass (2,048 profiles are kept). With tuples and sets, its passes took 100-550 ms
# each while matching (benchmarks/radar_window_bench.py, when matching ran on a thread of the window).
Gram = str


def gram_of(terms: Sequence[str]) -> Gram:
    return " ".join(terms)


def terms_of(gram: Gram) -> list[str]:
    return gram.split(" ")


@dataclass
class _Entry:
    cut: Tokens
    grams: dict[Gram, int]  # runs of 1 to 4 terms within a clause -> first position

    @property
    def terms(self) -> list[str]:
        return self.cut.terms

    def written(self, gram: Gram) -> str:
        return self.cut.written(self.grams[gram], gram.count(" ") + 1)


@dataclass(slots=True)
class _Profile:
    """What scoring needs of a story, computed once per run."""

    organisations: tuple[Gram, ...]  # the ways an article may name it, folded
    organisation: str
    names: tuple[Gram, ...]
    tags: tuple[Gram, ...]
    words: tuple[str, ...]  # each once
    pairs: tuple[Gram, ...]  # two useful terms side by side, each once
    sites: tuple[str, ...]
    addresses: tuple[str, ...]  # link_key of each coverage address (as given, canonical, final)


@dataclass
class Tokens:
    """A text cut as the search index cuts it: the folded terms, the tokens as written, and for each the
    number of its clause (punctuation other than an apostrophe or a hyphen ends a clause: a phrase never
    runs across "died; Zappos")."""

    text: str = ""  # the text cut (NFKC)
    terms: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # where each token starts in `text`
    ends: list[int] = field(default_factory=list)  # and ends
    clauses: list[int] = field(default_factory=list)

    def written(self, start: int, size: int) -> str:
        """Tokens start to start+size as the text writes them ("Morton's", "Ritz-Carlton")."""
        return self.text[self.starts[start] : self.ends[start + size - 1]]

    def grams(self, longest: int) -> dict[Gram, int]:
        """Each run of 1 to `longest` terms within a clause -> where it first starts."""
        found: dict[Gram, int] = {}
        for size in range(longest, 0, -1):
            for start in range(len(self.terms) - size + 1):
                if self.clauses[start] == self.clauses[start + size - 1]:
                    found.setdefault(gram_of(self.terms[start : start + size]), start)
        return found


_JOINERS = frozenset(" \t'’-&")


def tokens(text: str) -> Tokens:
    cut = Tokens(unicodedata.normalize("NFKC", text))
    clause, end = 0, 0
    for found in search.TERM.finditer(cut.text):
        if cut.terms and not set(cut.text[end : found.start()]) <= _JOINERS:
            clause += 1
        cut.terms.append(search.fold_term(found.group(0)))
        cut.starts.append(found.start())
        cut.ends.append(found.end())
        cut.clauses.append(clause)
        end = found.end()
    return cut


def _useful(term: str) -> bool:
    return len(term) >= 3 and term not in STOP_WORDS and not term.isdigit()


class Matcher:
    """Matches entries against the stories of one journal. Keeps what it learnt (word counts, story profiles,
    the coverage's addresses) for its lifetime: make one per run, and pass each call a fresh connection."""

    def __init__(self, excluded_domains: frozenset[str] = frozenset()) -> None:
        self.excluded_domains = excluded_domains
        self._stories: int | None = None
        self._frequency: dict[str, int] = {}
        self._profiles: OrderedDict[str, _Profile | None] = OrderedDict()
        self._organisations: dict[str, int] = {}
        self._sites: dict[str, list[str]] = {}  # site -> the stories with coverage there (SITE_STORIES + 1 at most)

    # ------------------------------------------------------------ the whole of it
    def match(self, entry: EntryText, connection: sa.Connection) -> list[StoryMatch]:
        """The stories the entry is about, best first ([] for none, or when it must not be suggested)."""
        site = site_of(entry.link)
        if excluded(host_of(entry.link), self.excluded_domains) or _linked_already(entry.link, connection):
            return []
        seen = self._entry(entry)
        candidates = self._candidates(seen, site, connection)
        if not candidates:
            return []
        self._load_profiles(candidates, connection)
        key = link_key(entry.link)
        profiles = [(story_id, self._profiles.get(story_id)) for story_id in candidates]
        if any(profile is not None and key in profile.addresses for _story_id, profile in profiles):
            return []  # a story has this post as coverage already, under another form of its address
        matches = []
        for story_id, profile in profiles:
            if profile is not None:
                found = self._score(story_id, profile, seen, site, connection)
                if found.score >= SCORE_NEEDED and len({signal.kind for signal in found.signals}) >= SIGNALS_NEEDED:
                    matches.append(found)
        matches.sort(key=lambda match: (-match.score, match.story_id))
        return matches[: 1 + ALTERNATIVES]

    def rarity(self, term: str) -> float:
        """1 for a word one story holds, towards 0 for a word every story holds."""
        stories = self._stories or 0
        count = self._frequency.get(term) or 1
        if stories <= 1:
            return 1.0
        return max(0.0, min(1.0, math.log(stories / count) / math.log(stories)))

    # ------------------------------------------------------------ the entry
    def _entry(self, entry: EntryText) -> _Entry:
        cut = tokens(f"{entry.title}. {entry.text}")
        return _Entry(cut, cut.grams(4))

    def candidate_terms(self, entry: EntryText, connection: sa.Connection) -> dict[str, float]:
        """The entry's words that find its candidate stories (its rarest in the journal), with their weights."""
        return self._candidate_terms(self._entry(entry), connection)

    def _candidate_terms(self, seen: _Entry, connection: sa.Connection) -> dict[str, float]:
        distinct = list(dict.fromkeys(term for term in seen.terms if _useful(term)))[:TERMS_LOOKED_UP]
        self._count(distinct, connection)
        stories = self._stories or 0
        common = max(FEW_STORIES, stories * COMMON_SHARE)
        rare = sorted(
            (term for term in distinct if 0 < self._frequency.get(term, 0) <= common),
            key=lambda term: (self._frequency[term], term),
        )[:CANDIDATE_TERMS]
        return {term: math.log((stories + 1) / self._frequency[term]) for term in rare}

    def _candidates(self, seen: _Entry, site: str, connection: sa.Connection) -> list[str]:
        weights = self._candidate_terms(seen, connection)
        found = [story_id for story_id, _weight, _held in search.stories_sharing(connection, weights, CANDIDATES)]
        covered_there = self._site_stories(site, connection)
        found += covered_there if len(covered_there) <= SITE_STORIES else []
        return list(dict.fromkeys(found))

    def _count(self, terms: Iterable[str], connection: sa.Connection) -> None:
        if self._stories is None:
            self._stories = search.live_story_count(connection)
        missing = [term for term in terms if term not in self._frequency]
        if missing:
            counts = search.document_frequencies(connection, missing)
            self._frequency.update({term: counts.get(term, 0) for term in missing})

    # ------------------------------------------------------------ the stories
    def _site_stories(self, site: str, connection: sa.Connection) -> list[str]:
        """The stories with coverage on `site` (SITE_STORIES + 1 of them at most: more says "many")."""
        if site and site not in self._sites:
            self._sites[site] = site_stories(site, SITE_STORIES + 1, connection)
        return self._sites.get(site, [])

    def _load_profiles(self, story_ids: Sequence[str], connection: sa.Connection) -> None:
        for story_id in story_ids:
            if story_id in self._profiles:
                self._profiles.move_to_end(story_id)
        missing = [story_id for story_id in story_ids if story_id not in self._profiles]
        if not missing:
            return
        marks = ", ".join("?" for _ in missing)
        stories = connection.exec_driver_sql(
            # "+deleted_at": looked up by id (the primary key), not through an index on deleted_at.
            "SELECT id, title, organization, employees, situation, policy, action, outcome FROM story "
            f"WHERE id IN ({marks}) AND +deleted_at IS NULL",
            tuple(missing),
        ).all()
        tags: dict[str, list[str]] = {}
        for story_id, name in connection.exec_driver_sql(
            f"SELECT st.story_id, t.name FROM story_tag st JOIN tag t ON t.id = st.tag_id "
            f"WHERE st.story_id IN ({marks})",
            tuple(missing),
        ):
            tags.setdefault(story_id, []).append(name)
        coverage: dict[str, list[tuple[str, list[str]]]] = {}
        for story_id, title, *addresses in connection.exec_driver_sql(
            f"SELECT story_id, title, url, canonical_url, final_url FROM coverage_link WHERE story_id IN ({marks})",
            tuple(missing),
        ):
            coverage.setdefault(story_id, []).append((title, [address for address in addresses if address]))
        for story_id in missing:
            self._profiles[story_id] = None  # deleted meanwhile, unless found below
        for story_id, title, organisation, employees, *texts in stories:
            links = coverage.get(story_id, [])
            self._profiles[story_id] = _profile(
                title,
                organisation,
                employees,
                [*texts, *(title for title, _addresses in links)],
                tags.get(story_id, []),
                links,
            )
        while len(self._profiles) > PROFILES_KEPT:
            self._profiles.popitem(last=False)

    def _organisation_stories(self, organisation: str, connection: sa.Connection) -> int:
        if organisation not in self._organisations:
            self._organisations[organisation] = int(
                connection.exec_driver_sql(
                    "SELECT count(*) FROM story WHERE deleted_at IS NULL AND organization = ?", (organisation,)
                ).scalar()
                or 0
            )
        return self._organisations[organisation]

    # ------------------------------------------------------------ scoring
    def _score(
        self, story_id: str, profile: _Profile, seen: _Entry, site: str, connection: sa.Connection
    ) -> StoryMatch:
        signals: list[Signal] = []
        used: set[str] = set()  # terms already counted in a stronger signal

        def add(kind: str, gram: Gram, weight: float) -> None:
            signals.append(Signal(kind, seen.written(gram), weight))
            used.update(terms_of(gram))

        for gram in profile.organisations:
            if gram in seen.grams:
                sharing = self._organisation_stories(profile.organisation, connection)
                add("organisation", gram, 3.0 if sharing <= 3 else 2.0 if sharing <= 30 else 1.0)
                break
        names = [gram for gram in profile.names if gram in seen.grams and not used.issuperset(terms_of(gram))]
        for gram in names[:2]:
            add("name", gram, 3.0 if " " in gram else 1.0)
        shared_pairs = [pair for pair in profile.pairs if pair in seen.grams and not used.intersection(terms_of(pair))]
        self._count({term for pair in shared_pairs for term in terms_of(pair)}, connection)
        phrases = sorted(
            ((2.0 * max(self.rarity(term) for term in terms_of(pair)), pair) for pair in shared_pairs),
            key=lambda item: (-item[0], seen.grams[item[1]]),
        )
        for weight, pair in [item for item in phrases if item[0] >= 0.8][:3]:
            add("phrase", pair, weight)
        tags = [gram for gram in profile.tags if gram in seen.grams and not used.issuperset(terms_of(gram))]
        for gram in tags[:3]:
            add("tag", gram, 1.0)
        shared = [term for term in profile.words if term in seen.grams and term not in used]  # one term: itself
        self._count(shared, connection)
        words = sorted(
            ((1.5 * self.rarity(term) ** 2, term) for term in shared),
            key=lambda item: (-item[0], seen.grams[item[1]]),
        )
        for weight, term in [item for item in words if item[0] >= 0.375][:4]:
            add("word", term, weight)
        if site and site in profile.sites and len(self._site_stories(site, connection)) <= SITE_STORIES:
            signals.append(Signal("site", site, 1.5))
        return StoryMatch(story_id, sum(signal.weight for signal in signals), signals)


def _profile(
    title: str,
    organisation: str,
    employees: str,
    texts: list[str],
    tags: list[str],
    links: list[tuple[str, list[str]]],
) -> _Profile:
    words: set[str] = set()
    pairs: set[Gram] = set()
    for text in [title, *texts]:
        for clause in _clauses(text or ""):
            useful = [term if _useful(term) else "" for term in clause]
            words.update(term for term in useful if term)
            pairs.update(f"{first} {second}" for first, second in itertools.pairwise(useful) if first and second)
    tag_terms = [tokens(name.rsplit("/", 1)[-1]).terms for name in tags]
    return _Profile(
        organisations=tuple(_organisation_forms(organisation)),
        organisation=organisation,
        names=tuple(_names(employees)),
        tags=tuple(gram_of(terms) for terms in tag_terms if _distinct(terms)),
        words=tuple(sorted(words)),
        pairs=tuple(sorted(pairs)),
        sites=tuple(sorted({site_of(addresses[0]) for _title, addresses in links})),
        addresses=tuple(sorted({link_key(address) for _title, addresses in links for address in addresses})),
    )


_CLAUSE_ENDS = re.compile(r"[^\w\s'’&-]+")


def _clauses(text: str) -> list[list[str]]:
    """The terms of each clause of a text (as `tokens` cuts them, quicker: a story's whole text is read)."""
    normal = unicodedata.normalize("NFKC", text)
    return [[search.fold_term(token) for token in search.TERM.findall(part)] for part in _CLAUSE_ENDS.split(normal)]


def _distinct(terms: Sequence[str]) -> bool:
    return bool(terms) and any(_useful(term) for term in terms) and (len(terms) > 1 or len(terms[0]) >= 4)


def mentions_organisation(organisation: str, text: str) -> bool:
    """Whether `text` names the organisation in one of the ways `_organisation_forms` knows."""
    grams = tokens(text).grams(4)
    return any(form in grams for form in _organisation_forms(organisation))


def _organisation_forms(organisation: str) -> list[Gram]:
    """The ways an article names the organisation: "Morton's The Steakhouse", "Morton's"; "The Ritz-Carlton,
    Amelia Island", "Ritz-Carlton"."""
    forms: list[tuple[str, ...]] = []
    for text in (organisation, _ORG_CUT.split(organisation)[0]):
        terms = tokens(text).terms
        if terms and terms[0] == "the":
            terms = terms[1:]
        forms.append(tuple(terms))
        before_stop = []
        for term in terms:
            if term in STOP_WORDS:
                break
            before_stop.append(term)
        forms.append(tuple(before_stop))
    return [gram_of(form) for form in dict.fromkeys(forms) if _distinct(form) and len(form) <= 4]


def _names(employees: str) -> list[Gram]:
    """Runs of capitalised words in the employees field: people ("Gary Kelly") and teams ("Customer Loyalty
    Team"); a single capitalised word ("Richard") counts less."""
    found: list[Gram] = []
    for part in _NAME_PARTS.split(employees):
        run: list[str] = []
        for token in [*search.TERM.findall(unicodedata.normalize("NFKC", part)), ""]:
            if token[:1].isupper() and len(token) > 1:
                run.append(search.fold_term(token))
                continue
            if run and _distinct(run[:4]):
                found.append(gram_of(run[:4]))
            run = []
    return list(dict.fromkeys(found))


def _variants(url: str) -> list[str]:
    """The forms people paste one address in: as found, without tracking, http or https, with or without
    `www.` and a trailing slash."""
    from journal.radar.addresses import without_tracking

    found = {url, without_tracking(url)}
    for form in list(found):
        for scheme in ("http://", "https://"):
            rest = form.split("://", 1)[-1]
            for host_form in (rest, rest.removeprefix("www."), "www." + rest.removeprefix("www.")):
                found.add(scheme + host_form)
                found.add(scheme + (host_form[:-1] if host_form.endswith("/") else host_form + "/"))
    return sorted(found)


def _linked_already(url: str, connection: sa.Connection) -> bool:
    """Whether a coverage link has this address (in a form people paste it), through the index on `url`."""
    forms = _variants(url)
    marks = ", ".join("?" for _ in forms)
    query = f"SELECT 1 FROM coverage_link WHERE url IN ({marks}) LIMIT 1"
    return connection.exec_driver_sql(query, tuple(forms)).first() is not None


def site_stories(site: str, limit: int, connection: sa.Connection) -> list[str]:
    """Up to `limit` stories with coverage on `site` (http or https, with or without `www.`): ranges of the
    index on coverage_link.url."""
    ranges = [f"{scheme}{prefix}{site}" for scheme in ("http://", "https://") for prefix in ("", "www.")]
    where = " OR ".join("(url >= ? AND url < ?)" for _ in ranges)
    bounds = [bound for start in ranges for bound in (start + "/", start + "0")]  # "0" sorts right after "/"
    rows = connection.exec_driver_sql(
        f"SELECT DISTINCT story_id FROM coverage_link WHERE {where} LIMIT ?", (*bounds, limit)
    )
    return sorted(str(story_id) for (story_id,) in rows)
