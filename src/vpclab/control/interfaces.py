"""interfaces actions (see DESIGN §3)."""
