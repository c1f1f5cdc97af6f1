"""Bundles and spreadsheets: export and import dialogs, conflicts to resolve."""
