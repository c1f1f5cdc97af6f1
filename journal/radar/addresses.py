"""Web addresses as the radar compares them.

Two addresses of one post differ in ways that do not matter: http or https, `www.`, a trailing slash, the
order of the query, tracking parameters (utm_*, fbclid, ...), a #fragment, or a search engine's redirect
around it (the links in alert e-mails and alert feeds). `link_key` removes all of that, so the same post
found twice (or in a feed that changes every entry's GUID) is one entry.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from journal.store.fields import FieldError, parse_url

TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref",
        "ref_src",
        "cmpid",
        "ncid",
        "ocid",
        "icid",
        "sr_share",
        "spm",
    }
)
# Hosts whose /url (or /l.php) address wraps the real one in a query parameter: alerts' redirect links.
_WRAPPERS = re.compile(r"^(?:www\.)?(?:google\.[a-z.]{2,6}|l\.facebook\.com|lm\.facebook\.com)$")
_WRAPPED_PARAMETERS = ("url", "q", "u")
_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def web_address(text: str, base: str = "") -> str | None:
    """`text` as an absolute http(s) address (joined to `base` when relative), else None."""
    from urllib.parse import urljoin

    text = text.strip()
    if not text or any(ch.isspace() for ch in text) or len(text) > 4000:
        return None
    url = urljoin(base, text) if base else text
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return unwrap(url)


def unwrap(url: str) -> str:
    """The address inside a search engine's redirect (google.com/url?url=...), else `url` itself."""
    if "/url" not in url and "/l.php" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    if _WRAPPERS.match(host) and parts.path in ("/url", "/l.php"):
        query = dict(parse_qsl(parts.query))
        for name in _WRAPPED_PARAMETERS:
            inner = query.get(name, "")
            if urlsplit(inner).scheme.lower() in ("http", "https") and urlsplit(inner).hostname:
                return inner
    return url


def host_of(url: str) -> str:
    """The site of an address, lower case, without `www.`."""
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host.removeprefix("www.")


def site_of(url: str) -> str:
    """The site of an address with its port when it is not the usual one ("example.com", "127.0.0.1:8080")."""
    return link_key(url).split("/", 1)[0].split("?", 1)[0]


def link_key(url: str) -> str:
    """What two addresses of the same post have in common (see the module's docstring)."""
    url = unwrap(url.strip())
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    host = (parts.hostname or "").rstrip(".").removeprefix("www.")  # urlsplit gives it in lower case
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if "//" in path:
        path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    if not parts.query:
        return host + path
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(name)]
    return host + path + ("?" + urlencode(sorted(query)) if query else "")


def without_tracking(url: str) -> str:
    """`url` without tracking parameters (utm_*, fbclid, ...) and #fragment; otherwise as it was."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if not _tracking(name)]
    query = parts.query if len(kept) == len(pairs) else urlencode(kept)
    return parts._replace(query=query, fragment="").geturl()


def _tracking(name: str) -> bool:
    return name.lower().startswith("utm_") or name.lower() in TRACKING_PARAMETERS


def parse_feed_address(text: str) -> str:
    """A feed address a person typed: http(s) only (the store's rule for links); FieldError otherwise."""
    address = parse_url(text)
    return web_address(address) or address


def parse_domain(text: str) -> str:
    """A domain a person typed ("zappos.com", "www.zappos.com" or an address on it), as the radar keeps it."""
    raw = text.strip().lower()
    if "://" in raw:
        raw = urlsplit(raw).hostname or ""
    domain = raw.split("/", 1)[0].strip(".").removeprefix("www.")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels) or len(domain) > 253:
        raise FieldError(f"'{text.strip()}' is not a domain; give one such as zappos.com.")
    return domain


def excluded(host: str, domains: frozenset[str]) -> bool:
    """Whether `host` is one of `domains` or under one of them (shop.zappos.com under zappos.com)."""
    if not host or not domains:
        return False
    labels = host.split(".")
    return any(".".join(labels[start:]) in domains for start in range(len(labels) - 1))
