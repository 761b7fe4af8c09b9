"""Sign-in sessions as their owners and admins see them: list and end them."""
