"""Built-in Signaleer connectors. Each module fetches from one kind of source; see ``base``."""
