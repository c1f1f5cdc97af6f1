"""The command line: `main` parses the arguments and runs a command; one module per command group."""
