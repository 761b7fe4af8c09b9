"""Events other services subscribe to: what changed, written in the change's transaction."""
