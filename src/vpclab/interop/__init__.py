"""Real networks in, designs out: AWS snapshots (describe-* JSON) and, beside them, Terraform.

A front end beside ``topology/`` and ``aws/``: it reads what AWS (or any EC2 endpoint) answers and
builds a World through the ControlPlane. See docs/interop.md.
"""
