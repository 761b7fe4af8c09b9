"""Single sign-on: bearer tokens of an external OIDC provider, by RFC 7662 introspection."""
