"""`bench/run`: the service measured side by side with the machine's own limits."""
