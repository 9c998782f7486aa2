"""prefix_lists actions (see DESIGN §3)."""
