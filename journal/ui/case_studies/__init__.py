"""Case studies: the case-study window, adding stories to case studies, the exports."""
