"""The emails an account gets: verification, password reset, and notices of changes."""
