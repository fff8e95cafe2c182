"""``python -m monitor`` runs the Signaleer CLI."""

from monitor.cli import main

if __name__ == "__main__":
    main()
