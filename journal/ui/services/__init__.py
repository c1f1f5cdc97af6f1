"""The window's way into the journal: one service per kind of data, the only writers and the only emitters of
their signals; and running work off the GUI thread."""
