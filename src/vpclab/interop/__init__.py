"""Real networks in, designs out: Terraform plan/state JSON import (terraform*.py)."""
