"""Who is calling: the principal types, the authenticators tried in order, the aliases."""
