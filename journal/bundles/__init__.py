"""Bundles: one file that hands stories from one journal to another, merged by story id. No Qt here."""
