"""The token service's OAuth 2.0 side: clients, the token endpoint, introspection, revocation."""
