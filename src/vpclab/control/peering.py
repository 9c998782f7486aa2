"""peering actions (see DESIGN §3)."""
