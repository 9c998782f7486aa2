"""routes actions (see DESIGN §3)."""
