"""The core layer: AWS errors, resource ids and value types (address sets, protocols).

Everything else in vpclab may import this package; it imports nothing of vpclab's.
"""
