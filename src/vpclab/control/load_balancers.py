"""Network load balancers (the elbv2 calls that put an NLB behind a PrivateLink endpoint service)."""
