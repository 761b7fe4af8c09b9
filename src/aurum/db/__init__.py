"""Database foundations: declarative base, portable types, engine and sessions."""
