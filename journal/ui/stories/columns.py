"""The story list's columns and page size: shared by its model, its panel and the window's first paint
(journal.ui.shell.first_paint), which must not import the model's dependencies."""

PAGE_SIZE = 100  # a page is read when first shown: two screens of rows, read in a few milliseconds
COLUMNS = ("Title", "Date", "Status", "Coverage", "Tags")
TITLE, DATE, STATUS, COVERAGE, TAGS = range(len(COLUMNS))
COLUMN_WIDTHS = (200, 80, 70, 70, 100)  # title (stretches), date, status, coverage, tags
