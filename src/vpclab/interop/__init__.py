"""Real networks in, designs out: AWS snapshots (describe-* JSON, snapshot*.py) and Terraform
plan/state JSON (terraform*.py).

A front end above ``topology/`` and ``aws/``: it reads what AWS (or any EC2 endpoint) answers, or
what Terraform plans, and builds a World through the ControlPlane. See docs/interop.md.
"""
