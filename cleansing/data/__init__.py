"""Reference data for the standardisers: the versioned division table and the script that rebuilds it."""
