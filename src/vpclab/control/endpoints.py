"""endpoints actions (see DESIGN §3)."""
