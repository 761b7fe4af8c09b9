"""Email verification and password reset by single-use links."""
