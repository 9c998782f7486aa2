"""The differential property test of issue 15: on hypothesis-generated networks (bench/agreement.py:
several VPCs, one or two transit gateways per VPC with their own route tables, associations,
propagations, static and blackhole routes, attachments missing Availability Zones, appliance mode
on and off, middleboxes before and after the gateway, network ACLs on any subnet, attachment
subnets included, a transit gateway peering into a second Region, a PrivateLink service, dual-stack
VPCs), every pair of the subnet matrix and of the interface matrix, and the incremental intent
checker's verdict of every subnet pair, has the tracer's verdict, for one protocol and port per
network, in IPv4 and (dual-stack) IPv6.

``make test`` runs ``EXAMPLES`` networks (derandomised: the same ones every run; set
VPCLAB_AGREEMENT_EXAMPLES for more); ``make bench`` runs 2,000 (``python -m bench.agreement
--examples N``). The named cases are in tests/reach/test_matrix_exact_cases.py.
"""

from __future__ import annotations

import os

from bench.agreement import property_test

EXAMPLES = int(os.environ.get("VPCLAB_AGREEMENT_EXAMPLES", "300"))


def test_every_pair_of_both_matrices_agrees_with_the_tracer() -> None:
    """The matrices and the intent checker are the tracer's answer for every pair, on generated
    networks: transit gateway paths as AWS "How transit gateways work"
    (https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html), "Appliance in a
    shared services VPC" (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html)
    and "Network ACLs for transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html)
    describe them."""
    property_test(EXAMPLES)()
