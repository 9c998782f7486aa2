"""The EC2 Query endpoint: one request in, one XML document out.

``Endpoint.dispatch(form, headers)`` is the whole pipeline, in order:
caller (account and Region from SigV4) → service and operation → parameters (botocore's model) →
DryRun → default VPC of a first-time account and Region → handler (under the lock) → XML.

Who calls: the Region is the SigV4 credential scope's (``Credential=AKID/20261124/eu-west-1/ec2/
aws4_request``, in the Authorization header or a presigned URL's ``X-Amz-Credential``); the account
is the access key id when it is 12 digits, else ``DEFAULT_ACCOUNT`` (123456789012). Signatures are
not verified unless the server runs with ``--verify-signatures``: then the server checks them
(``aws.security``) and passes the key's account to ``dispatch`` (docs/security.md).

Errors: an ``AwsError`` is answered with its code and message, HTTP 400 (``DryRunOperation``: 412,
as AWS does). Nothing answers 500: a bug in vpclab is logged with its traceback and answered 400
``InvalidRequest``; a failed state-file write (``InternalError``) is answered 503, which clients
retry. A request over its time budget (``core.budget``, set by the server) is answered
``Unavailable`` (503), EC2's documented server error for an overloaded server, with its changes
rolled back.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..control.access_scopes import AccessScopeAnalyser
from ..control.insights import Analyser
from ..control.plane import ControlPlane
from ..core import budget
from ..core.errors import AwsError, invalid_parameter_value
from ..model.regions import DEFAULT_ACCOUNT, DEFAULT_REGION, is_region
from ..model.vpc import Vpc
from ..model.world import World
from . import handlers, protocol, zones  # noqa: F401  (importing handlers registers every family)
from .durability import CommitLock
from .idempotency import ClientTokens, token_member
from .registry import HANDLERS, Call

log = logging.getLogger("vpclab.aws")

#: SigV4 service name → botocore service model name
SIGNING_SERVICES: dict[str, str] = {
    "ec2": "ec2",
    "sts": "sts",
    "elasticloadbalancing": "elbv2",
    "ram": "ram",
    "ssm": "ssm",
    "directconnect": "directconnect",
}
#: services tried, in order, for an unsigned request
_FALLBACK_ORDER = ("ec2", "sts", "elbv2", "ram")

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request")


@dataclass(frozen=True)
class Caller:
    account_id: str
    region: str
    #: botocore service name the request was signed for (None for an unsigned request)
    service: str | None


def caller_of(headers: Mapping[str, str], form: Mapping[str, str]) -> Caller:
    """Account, Region and service from the SigV4 credential scope."""
    auth = headers.get("authorization", "")
    m = _CREDENTIAL.search(auth)
    if m is None and "X-Amz-Credential" in form:
        m = _CREDENTIAL.search("Credential=" + form["X-Amz-Credential"])
    if m is None:
        return Caller(DEFAULT_ACCOUNT, DEFAULT_REGION, None)
    key, _date, region, service = m.groups()
    account = key if len(key) == 12 and key.isdigit() else DEFAULT_ACCOUNT
    return Caller(account, region, SIGNING_SERVICES.get(service, service))


#: the Query services with handlers (REST-JSON and JSON services are routed before this endpoint)
_SERVED = frozenset(service for service, _ in HANDLERS)


class Response:
    """An answer: HTTP status, body, and the request id the body carries (sent again in the
    ``x-amzn-RequestId`` header, where AWS's SDKs read it)."""

    __slots__ = ("body", "request_id", "status")

    def __init__(self, status: int, body: str, request_id: str) -> None:
        self.status = status
        self.body = body
        self.request_id = request_id

    @property
    def headers(self) -> list[tuple[bytes, bytes]]:
        return [(b"x-amzn-requestid", self.request_id.encode("latin-1"))]


def _service_for(caller: Caller, action: str, version: str | None = None) -> str:
    """The service a request is for: the one it was signed for, whatever its action (an ELBv2
    ``DescribeTags`` never reaches EC2's handler of the same name); an unsigned request by its
    ``Version`` (each Query service has its own API version), else the first service that has the
    action."""
    if caller.service is not None:
        return caller.service
    if version:
        for service in _FALLBACK_ORDER:
            if _api_version(service) == version and (service, action) in HANDLERS:
                return service
    for service in _FALLBACK_ORDER:
        if (service, action) in HANDLERS:
            return service
    return "ec2"


def _api_version(service: str) -> str | None:
    try:
        return str(protocol.service_model(service).metadata["apiVersion"])
    except Exception:  # an unknown service name
        return None


def _protocol_of(service: str) -> str:
    try:
        return str(protocol.service_model(service).metadata["protocol"])
    except Exception:  # an unknown service name: answer in EC2's envelope
        return "ec2"


class Endpoint:
    """The World behind the endpoint, its lock, and the lazily created default VPCs."""

    def __init__(
        self, world: World, *, default_vpc: bool = True, lock: CommitLock | None = None,
        analyser: Analyser | None = None, access_analyser: AccessScopeAnalyser | None = None,
    ) -> None:
        self.world = world
        self.default_vpc = default_vpc
        #: what StartNetworkInsightsAnalysis runs (given by whoever composes the app: create_app)
        self.analyser = analyser
        #: what StartNetworkInsightsAccessScopeAnalysis runs (likewise)
        self.access_analyser = access_analyser
        #: one lock: mutations are serialized and reads see a consistent World
        self.lock = lock or CommitLock()
        self._ready: set[tuple[str, str]] = set()
        #: answers to requests that carried a client token (aws/idempotency.py)
        self.client_tokens = ClientTokens()

    def forget_accounts(self) -> None:
        """After a reset: every account and Region starts afresh (gets its default VPC again), and
        client tokens are forgotten with the resources they made."""
        self._ready.clear()
        self.client_tokens.clear()

    def ensure_default_vpc(self, account_id: str, region: str) -> None:
        """AWS starts every account and Region with a default VPC: create it on first use.

        "First use" is: no VPC of that account in that Region yet (so a deleted default VPC does
        not come back while other VPCs exist; a restart of an account with no VPC at all, or a reset,
        starts it afresh).
        """
        if not self.default_vpc or (account_id, region) in self._ready:
            return
        if not any(v.owner_id == account_id and v.region == region for v in self.world.all(Vpc)):
            ControlPlane(self.world, account_id=account_id, region=region).create_default_vpc()
        self._ready.add((account_id, region))

    def protocol_for(self, headers: Mapping[str, str]) -> str:
        """The protocol a request to ``/`` is answered in, from its signing service alone (``ec2``,
        ``query`` for STS): for errors answered before its form is read."""
        return _protocol_of(caller_of(headers, {}).service or "ec2")

    def error(self, headers: Mapping[str, str], exc: AwsError) -> Response:
        """``exc`` in the envelope of the protocol the request is answered in, with exc's status."""
        request_id = str(uuid.uuid4())
        body = protocol.render_error(self.protocol_for(headers), exc, request_id)
        return Response(exc.status, body, request_id)

    def dispatch(
        self, form: Mapping[str, str], headers: Mapping[str, str], account: str | None = None
    ) -> Response:
        """One request; ``account``, when given, is the caller's verified account (``--verify-signatures``
        checked the signature)."""
        request_id = str(uuid.uuid4())
        caller = caller_of(headers, form)
        if account is not None and account != caller.account_id:
            caller = Caller(account, caller.region, caller.service)
        action = form.get("Action", "")
        service = _service_for(caller, action, form.get("Version"))
        proto = _protocol_of(service)
        try:
            body = self._run(caller, service, action, form, request_id)
            return Response(200, body, request_id)
        except AwsError as exc:
            status = 503 if exc.status >= 500 else exc.status
            if status >= 500:
                log.error("%s %s failed: %s", service, action, exc)
            return Response(status, protocol.render_error(proto, exc, request_id), request_id)
        except Exception:
            log.exception("internal error in %s %s (request %s)", service, action, request_id)
            return Response(
                400,
                protocol.render_error(
                    proto, AwsError("InvalidRequest", "The request received was invalid."), request_id
                ),
                request_id,
            )

    def _run(
        self, caller: Caller, service: str, action: str, form: Mapping[str, str], request_id: str
    ) -> str:
        fn = HANDLERS.get((service, action))
        op = protocol.operation(service, action) if fn is not None else None
        if fn is None or op is None:
            if service not in _SERVED:
                # a request signed for a service this endpoint does not serve (e.g. an S3 client
                # pointed at it, or under mock_aws): no AWS wording exists for that, so say it plainly
                raise AwsError("InvalidAction", f"vpclab does not serve the {service} API; it serves "
                               f"{', '.join(sorted(_SERVED))} (docs/api-coverage.md).")
            if not action:
                raise AwsError("MissingAction", "The request must contain the parameter Action")
            raise AwsError("InvalidAction", f"The action {action} is not valid for this web service.")
        # the caller's zone names → the World's lab names (and back in the answer): aws/zones.py
        params = protocol.parse_params(op, form)
        params = zones.request_to_lab(caller.account_id, service, op.input_shape, params)
        if not is_region(caller.region):
            raise invalid_parameter_value(f"Invalid region: {caller.region}")
        if params.get("DryRun"):
            # no IAM in a lab: every caller may call every action it can name
            raise AwsError(
                "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", status=412
            )
        with self.lock:
            # the time spent waiting for the lock counts: a request whose budget is gone by now
            # is answered Unavailable before it changes anything
            budget.check()
            if service == "ec2":
                self.ensure_default_vpc(caller.account_id, caller.region)
            call = Call(
                world=self.world,
                account_id=caller.account_id,
                region=caller.region,
                service=service,
                action=action,
                params=params,
                request_id=request_id,
                settings={"default_vpc": self.default_vpc},
                analyser=self.analyser,
                access_analyser=self.access_analyser,
            )
            member = token_member(service, op)
            token = params.get(member) if member is not None else None
            if member is not None and token:
                key = (caller.account_id, caller.region, service, action, str(token))
                seen = self.client_tokens.replay(
                    key, params, member, "IdempotentParameterMismatch", "InvalidClientToken"
                )
                if seen is not None:  # a retry: the first answer again, under this request's id
                    answer, first_id = seen
                    return answer.replace(first_id, request_id, 1)
            result: dict[str, Any] = fn(call)
            result = zones.answer_to_account(caller.account_id, service, action, op.output_shape, result)
            body = protocol.render_result(op, result, request_id)
            if member is not None and token:
                self.client_tokens.remember(key, params, member, body, request_id)
            return body
