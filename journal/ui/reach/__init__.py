"""Reach and impact: the editor's readings, the impact dashboard."""
