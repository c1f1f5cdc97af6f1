"""Story Journal: a desktop journal of remarkable customer-service moments."""

__version__ = "0.1.0"
APP_NAME = "Story Journal"
