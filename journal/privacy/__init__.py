"""Privacy rules that are not tied to one output: recognising a person's name in any text (names.py).

No Qt and no database here, so the exports, the command line and the team server all use the same rules.
"""
