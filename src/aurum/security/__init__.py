"""Security primitives: password hashing, signing keys, JWTs and opaque tokens."""
