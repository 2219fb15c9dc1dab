"""Subcommands of `consent-audit`, one module per concern; each module lists its commands in `COMMANDS`."""
