"""What every `aurum` command shares: one-line errors, a database session, output."""
