"""OpenID Connect Back-Channel Logout 1.0: apps are told when a person's session ends."""
