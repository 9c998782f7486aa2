"""vpn actions (see DESIGN §3)."""
