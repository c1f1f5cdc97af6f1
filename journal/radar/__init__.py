"""The coverage radar: watch feeds and alert e-mails, and bring the posts about a story to that story.

No Qt here. The command line (journal/cli/radar.py) and, later, the window's radar service use it through
`journal.radar.api.Radar`, a small object over an open journal; the modules behind it:

    addresses  web addresses: the key two addresses of one post share, sites, excluded domains
    text       feed HTML made safe (nh3), plain text, excerpts, the matched words marked
    feeds      RSS / Atom (feedparser) and JSON Feed documents read within limits, or refused with a reason
    jsonfeed   the strict JSON Feed reader
    mail       a folder of saved alert e-mails (.eml) read as entries
    opml       the feed addresses of an OPML file
    sources    the sources watched, and the domains excluded
    entries    new entries stored, without duplicates
    fetching   every source read (network on a few threads, conditional requests, backoff, offline waits)
    matching   an entry matched against the stories with the journal's search, scored and explained
    inbox      the suggestions, and what a person decides about them
"""
