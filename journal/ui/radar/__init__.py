"""The coverage radar in the window: its inbox, its sources, reading them in the background."""
