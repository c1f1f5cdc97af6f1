"""Case studies and stories as Markdown and HTML that publish as they are; the privacy rules live here.

No Qt. The window and the command line call `journal.export.build` and never filter for privacy themselves.
"""
