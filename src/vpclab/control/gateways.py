"""gateways actions (see DESIGN §3)."""
