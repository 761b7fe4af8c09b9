"""Sign-in sessions and their refresh tokens: the storage every sign-in path shares."""
