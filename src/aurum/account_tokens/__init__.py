"""Single-use, expiring account tokens: email links and sign-in challenges."""
