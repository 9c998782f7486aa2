"""sharing actions (see DESIGN §3)."""
