"""Gateway Load Balancers: the rules of elbv2 ``gateway`` load balancers, their GENEVE target groups,
their listeners, and every target group's health check settings (used by ``control.load_balancer``'s
CreateLoadBalancer, CreateTargetGroup and CreateListener actions).

AWS docs (Elastic Load Balancing, Gateway Load Balancers guide):
"Gateway Load Balancers"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/gateway-load-balancers.html),
"Target groups for your Gateway Load Balancers" (protocol GENEVE, port 6081:
https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/target-groups.html),
"Health checks for Gateway Load Balancer target groups"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/health-checks.html),
"Listeners for your Gateway Load Balancers"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/gateway-listeners.html), and the
API reference of CreateLoadBalancer / CreateTargetGroup / CreateListener ("You cannot specify a
protocol for a Gateway Load Balancer", "You cannot specify a port for a Gateway Load Balancer").

Error wording. "Scheme is not supported for Gateway Load Balancers" and "Security groups are not
supported for load balancers with type 'gateway'" are recalled from real responses, not re-verified.
The other ValidationError texts are vpclab's (AWS documents the rules, not the words).
"""

from __future__ import annotations

from ..core.errors import AwsError
from ..model.load_balancer import HealthCheck, LoadBalancer, TargetGroup

#: a Gateway Load Balancer's target groups speak GENEVE on port 6081, nothing else
GENEVE = "GENEVE"
GENEVE_PORT = 6081
#: health check protocols: GENEVE, TLS, UDP and TCP_UDP are "not supported for health checks"
#: (API reference, TargetGroup.HealthCheckProtocol); a GWLB target group checks with HTTP, HTTPS or TCP
HEALTH_CHECK_PROTOCOLS = ("HTTP", "HTTPS", "TCP")


def _validation(message: str) -> AwsError:
    return AwsError("ValidationError", message)


def check_gateway_load_balancer(scheme: str | None, security_groups: object) -> None:
    """CreateLoadBalancer Type=gateway: subnets only — no scheme, no security groups (AWS
    SetSecurityGroups: "You can't associate a security group with a Gateway Load Balancer")."""
    if scheme is not None:
        raise _validation("Scheme is not supported for Gateway Load Balancers")
    if security_groups:
        raise _validation("Security groups are not supported for load balancers with type 'gateway'")


def check_geneve_target_group(protocol: str, port: int) -> None:
    """A GENEVE target group listens on port 6081 ("Target groups for your Gateway Load Balancers":
    "Target groups for Gateway Load Balancers support the following protocol and port: GENEVE, 6081")."""
    if protocol == GENEVE and port != GENEVE_PORT:
        raise _validation(
            f"Port '{port}' is not valid for a target group with protocol 'GENEVE': "
            f"the port must be {GENEVE_PORT}"
        )


def _range(name: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise _validation(f"{name} '{value}' must be between {low} and {high}")


def health_check(
    protocol: str,
    *,
    health_check_protocol: str | None = None,
    health_check_port: str | None = None,
    health_check_path: str | None = None,
    health_check_enabled: bool | None = None,
    health_check_interval_seconds: int | None = None,
    health_check_timeout_seconds: int | None = None,
    healthy_threshold_count: int | None = None,
    unhealthy_threshold_count: int | None = None,
) -> HealthCheck:
    """A target group's health check: AWS's defaults for its protocol, overridden by what was given.

    GENEVE (Gateway Load Balancer guide, "Health checks"): TCP by default (HTTP, HTTPS, TCP
    allowed), port 80, path ``/`` for HTTP(S), timeout 5 s (2–120), interval 10 s (5–300, at least
    the timeout), healthy and unhealthy thresholds 5 and 2 (2–10). TCP/UDP/TLS (a Network Load
    Balancer's): TCP on the traffic port, every 30 s, timeout 10 s, thresholds 5 and 2.
    """
    geneve = protocol == GENEVE
    hc_protocol = health_check_protocol or "TCP"
    if hc_protocol not in HEALTH_CHECK_PROTOCOLS:
        raise _validation(
            f"Health check protocol '{hc_protocol}' is not supported: "
            f"use one of {', '.join(HEALTH_CHECK_PROTOCOLS)}"
        )
    port = health_check_port or ("80" if geneve else "traffic-port")
    if port != "traffic-port" and not (port.isdigit() and 1 <= int(port) <= 65535):
        raise _validation(f"Health check port '{port}' must be 'traffic-port' or between 1 and 65535")
    http = hc_protocol in ("HTTP", "HTTPS")
    if health_check_path is not None and not http:
        raise _validation(f"A health check path cannot be set with health check protocol '{hc_protocol}'")
    _range("Health check timeout", health_check_timeout_seconds, 2, 120)
    _range("Health check interval", health_check_interval_seconds, 5, 300)
    _range("Healthy threshold count", healthy_threshold_count, 2, 10)
    _range("Unhealthy threshold count", unhealthy_threshold_count, 2, 10)
    timeout = health_check_timeout_seconds or (5 if geneve else 10)
    interval = health_check_interval_seconds or (10 if geneve else 30)
    if interval < timeout:
        # GWLB guide: the interval "must be greater than or equal to HealthCheckTimeoutSeconds"
        raise _validation(
            f"Health check interval '{interval}' must be greater than or equal to the "
            f"health check timeout '{timeout}'"
        )
    return HealthCheck(
        protocol=hc_protocol,
        port=port,
        path=(health_check_path or "/") if http else None,
        enabled=True if health_check_enabled is None else health_check_enabled,
        interval_seconds=interval,
        timeout_seconds=timeout,
        healthy_threshold_count=healthy_threshold_count or 5,
        unhealthy_threshold_count=unhealthy_threshold_count or 2,
    )


def default_health_check(tg: TargetGroup) -> HealthCheck:
    """A target group's health check settings (its own, or AWS's defaults for its protocol)."""
    return tg.health_check or health_check(tg.protocol)


def check_listener(lb: LoadBalancer, protocol: str | None, port: int | None) -> None:
    """CreateListener: a Gateway Load Balancer's listener has no protocol and no port (it listens for
    all IP packets on all ports); a Network Load Balancer's needs both."""
    if lb.is_gateway:
        if protocol is not None:
            raise _validation("You cannot specify a protocol for a Gateway Load Balancer listener")
        if port is not None:
            raise _validation("You cannot specify a port for a Gateway Load Balancer listener")
        return
    if protocol is None:
        raise _validation("A listener protocol must be specified")
    if port is None:
        raise _validation("A listener port must be specified")


def check_forward(lb: LoadBalancer, tg: TargetGroup) -> None:
    """A listener forwards to target groups of its load balancer's kind: GENEVE ones for a Gateway
    Load Balancer, the others for a Network Load Balancer (CreateListener's documented
    IncompatibleProtocols; wording vpclab's)."""
    if lb.is_gateway != (tg.protocol == GENEVE):
        raise AwsError(
            "IncompatibleProtocols",
            f"The target group '{tg.arn}' with protocol '{tg.protocol}' cannot be used by a "
            f"{'gateway' if lb.is_gateway else 'network'} load balancer",
        )


# -- attributes -------------------------------------------------------------------------------------
#: a Gateway Load Balancer's attributes and their defaults (API reference, LoadBalancerAttribute:
#: deletion_protection.enabled is "supported by all load balancers", load_balancing.cross_zone.enabled
#: "by both Network Load Balancers and Gateway Load Balancers", false by default:
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html)
GWLB_ATTRIBUTES: dict[str, str] = {
    "deletion_protection.enabled": "false",
    "load_balancing.cross_zone.enabled": "false",
}
GWLB_VALUES: dict[str, tuple[str, ...] | None] = {k: ("true", "false") for k in GWLB_ATTRIBUTES}
#: TargetGroupAttribute's values for a GENEVE target group (API reference, TargetGroupAttribute:
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html)
_STICKINESS = ("source_ip_dest_ip", "source_ip_dest_ip_proto")
_FAILOVER = ("rebalance", "no_rebalance")


def geneve_target_group_defaults() -> dict[str, str]:
    """A GENEVE target group's attributes and their defaults: deregistration delay 300 s, stickiness off
    (its type ``source_ip_dest_ip`` or ``source_ip_dest_ip_proto`` for a Gateway Load Balancer; which one
    AWS shows while stickiness is off is undocumented: vpclab shows the 3-tuple), target failover
    ``no_rebalance`` on deregistration and when unhealthy (Gateway Load Balancer guide, "Edit target
    group attributes":
    https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/edit-target-group-attributes.html)."""
    return {
        "deregistration_delay.timeout_seconds": "300",
        "stickiness.enabled": "false",
        "stickiness.type": "source_ip_dest_ip_proto",
        "target_failover.on_deregistration": "no_rebalance",
        "target_failover.on_unhealthy": "no_rebalance",
    }


def geneve_value_ok(key: str, value: str) -> bool:
    """Whether a GENEVE target group attribute takes ``value``."""
    if key == "deregistration_delay.timeout_seconds":
        return value.isdigit() and int(value) <= 3600  # "The range is 0-3600 seconds"
    if key == "stickiness.type":
        return value in _STICKINESS
    if key.startswith("target_failover."):
        return value in _FAILOVER
    return value in ("true", "false")


def check_target_failover(merged: dict[str, str]) -> None:
    """TargetGroupAttribute: target_failover.on_deregistration and target_failover.on_unhealthy "can't
    be set independently. The value you set for both attributes must be the same." (wording of the
    error vpclab's)."""
    if merged["target_failover.on_deregistration"] != merged["target_failover.on_unhealthy"]:
        raise _validation(
            "target_failover.on_deregistration and target_failover.on_unhealthy must have the same value"
        )
