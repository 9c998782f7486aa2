"""tgw actions (see DESIGN §3)."""
