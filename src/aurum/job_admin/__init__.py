"""What operators see and do with background jobs: the admin API and `aurum jobs`."""
