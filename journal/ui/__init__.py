"""The window: widgets, dialogs, item models, actions. The only package that imports QtWidgets."""
