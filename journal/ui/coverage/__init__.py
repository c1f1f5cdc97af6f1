"""Coverage links: the editor's coverage table, fetching pages in the background, link health."""
