"""security actions (see DESIGN §3)."""
