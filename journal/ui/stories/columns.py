"""The story list's columns and page size: shared by its model, its panel and the window's first paint
(journal.ui.shell.first_paint), which must not import the model's dependencies."""

PAGE_SIZE = 200
COLUMNS = ("Title", "Date", "Status", "Coverage", "Tags")
TITLE, DATE, STATUS, COVERAGE, TAGS = range(len(COLUMNS))
COLUMN_WIDTHS = (200, 80, 70, 70, 100)  # title (stretches), date, status, coverage, tags
