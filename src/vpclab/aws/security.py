"""Who may change the lab: loopback Host names only, no cross-site browser requests, and
(optionally) real SigV4 signatures. What each check protects against is in docs/security.md.

    guard = SiteGuard(allowed_hosts=["devbox.internal"])
    guard.refusal({"host": "127.0.0.1:4566"})                 # → None: served
    guard.refusal({"host": "evil.example:4566"})              # → why it is refused (DNS rebinding)
    guard.refusal({"host": "localhost", "origin": "https://evil.example"})   # → refused (cross-site)

    verifier = SignatureVerifier(load_credentials("creds.ini"))
    account = verifier.verify("POST", "/", "", headers, body)    # the key's account, or AwsError

``SiteGuard.refusal`` is a few dict and set lookups for an ordinary request (a Host value already
accepted, no ``Origin``, no ``Sec-Fetch-Site``): the server runs it on every request.
"""

from __future__ import annotations

import configparser
import datetime as dt
import hmac
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from urllib.parse import urlsplit

from ..core.errors import AwsError, VpclabError

#: the one host name accepted besides loopback addresses (a browser resolves it to loopback itself)
LOCALHOST = "localhost"
#: how many distinct accepted Host values are remembered (each one is then a set lookup)
_HOST_CACHE_SIZE = 256


def is_loopback(host: str | None) -> bool:
    """Whether an address is a loopback address (``"127.0.0.1"``, ``"::1"``, ``"::ffff:127.0.0.1"``).

    >>> [is_loopback(h) for h in ("127.8.9.10", "::1", "::ffff:127.0.0.1", "10.0.0.1", "localhost", None)]
    [True, True, True, False, False, False]
    """
    if not host:
        return False
    try:
        addr = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped.is_loopback
    return addr.is_loopback


def host_name(authority: str) -> str:
    """The host of a ``Host`` header value (``name[:port]``, ``[v6][:port]``), lower-cased, no port.

    >>> [host_name(a) for a in ("LocalHost:4566", "[::1]:4566", "127.0.0.1", "::1")]
    ['localhost', '::1', '127.0.0.1', '::1']
    """
    a = authority.strip().lower()
    if a.startswith("["):
        return a[1 : a.find("]")] if "]" in a else a
    if a.count(":") == 1:
        return a.split(":", 1)[0]
    return a  # a name, or a bare IPv6 address


class SiteGuard:
    """The Host, Origin and Sec-Fetch-Site checks of every request (docs/security.md).

    A Host must name a loopback address (127.0.0.0/8, ``[::1]``), ``localhost``, or one of
    ``allowed_hosts`` (``--allow-host``), with any port: a DNS-rebinding page reaches vpclab under
    its own name, which is none of these. A request without a Host header (HTTP/1.0, not a browser)
    is served. An ``Origin`` must name such a host too; ``Sec-Fetch-Site: cross-site`` is refused,
    and ``same-site`` is served only with such an ``Origin``.
    """

    def __init__(self, allowed_hosts: Iterable[str] = ()) -> None:
        self.allowed_hosts = frozenset(host_name(h) for h in allowed_hosts if h.strip())
        self._accepted: set[str] = set()

    def name_ok(self, name: str) -> bool:
        return name == LOCALHOST or name in self.allowed_hosts or is_loopback(name)

    def origin_ok(self, origin: str) -> bool:
        """Whether an ``Origin`` value (``scheme://host[:port]``) names a loopback or allowed host."""
        try:
            parts = urlsplit(origin.strip())
        except ValueError:
            return False
        name = parts.hostname
        return parts.scheme in ("http", "https") and bool(name) and self.name_ok(name or "")

    def refusal(self, headers: Mapping[str, str]) -> str | None:
        """Why the request is refused (a sentence for the error message), or None to serve it."""
        host = headers.get("host")
        if host is not None and host not in self._accepted:
            if not self.name_ok(host_name(host)):
                return (f"vpclab answers requests for loopback host names only, not {host!r} (a "
                        "DNS-rebinding guard); start the server with --allow-host NAME to serve another name")
            if len(self._accepted) < _HOST_CACHE_SIZE:
                self._accepted.add(host)
        if "origin" in headers or "sec-fetch-site" in headers:
            return self._browser_refusal(headers.get("origin"), headers.get("sec-fetch-site"))
        return None

    def _browser_refusal(self, origin: str | None, site: str | None) -> str | None:
        if origin is not None and not self.origin_ok(origin):
            return (f"vpclab refuses requests from the web origin {origin!r}: a page of another site "
                    "must not change the lab")
        site = (site or "").strip().lower()
        if site == "cross-site" or (site == "same-site" and origin is None):
            return f"vpclab refuses {site} browser requests (Sec-Fetch-Site: {site})"
        return None


# -- SigV4 ----------------------------------------------------------------------------------------------

class CredentialsFileError(VpclabError):
    """A ``--verify-signatures`` file that cannot be used (the message names the file and the entry)."""


@dataclass(frozen=True)
class Credential:
    access_key_id: str
    secret_access_key: str
    account_id: str


_ACCOUNT = re.compile(r"\d{12}")


def load_credentials(path: str | Path) -> dict[str, Credential]:
    """Access key id → Credential, from an INI file shaped like ``~/.aws/credentials``::

        [alice]                                  # any section name
        aws_access_key_id = AKIAALICE0000EXAMPLE
        aws_secret_access_key = alice-secret
        account_id = 111111111111                # optional when the key id is itself 12 digits
    """
    path = Path(path)
    parser = configparser.ConfigParser(interpolation=None, default_section="\x00none")
    try:
        with path.open(encoding="utf-8") as f:
            parser.read_file(f)
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialsFileError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None) or getattr(exc, "errors", [(None,)])[0][0]
        where = f"{path}:{line}" if line else str(path)
        raise CredentialsFileError(f"{where}: not an INI credentials file ([section] and key = value lines "
                                   f"expected; {type(exc).__name__})") from None
    out: dict[str, Credential] = {}
    for name in parser.sections():
        section = parser[name]
        key = section.get("aws_access_key_id", "").strip()
        secret = section.get("aws_secret_access_key", "").strip()
        account = section.get("account_id", key if _ACCOUNT.fullmatch(key) else "").strip()
        if not key or not secret:
            raise CredentialsFileError(f"{path}: [{name}] needs aws_access_key_id and aws_secret_access_key")
        if not _ACCOUNT.fullmatch(account):
            raise CredentialsFileError(f"{path}: [{name}] needs account_id = a 12-digit account id")
        if key in out:
            raise CredentialsFileError(f"{path}: [{name}] repeats the access key id {key}")
        out[key] = Credential(key, secret, account)
    if not out:
        raise CredentialsFileError(f"{path}: no credentials (sections with aws_access_key_id and "
                                   "aws_secret_access_key)")
    return out


_AUTH = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request\s*,\s*"
    r"SignedHeaders=([a-z0-9;_.-]+)\s*,\s*Signature=([0-9a-f]{64})\s*$"
)
#: how far X-Amz-Date may be from the server's clock (AWS: 15 minutes; docs/security.md)
MAX_SKEW = dt.timedelta(minutes=15)

# AWS's words (docs/security.md cites the pages)
SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you provided. Check "
                      "your AWS Secret Access Key and signing method. Consult the service documentation for "
                      "details.")


def unknown_key(ec2: bool) -> AwsError:
    """An access key id that is not in the file: EC2's ``AuthFailure`` (HTTP 401), other services'
    ``InvalidClientTokenId`` (403)."""
    if ec2:
        return AwsError("AuthFailure", "AWS was not able to validate the provided access credentials",
                        status=401)
    return AwsError("InvalidClientTokenId", "The security token included in the request is invalid.",
                    status=403)


class SignatureVerifier:
    """Checks a request's SigV4 ``Authorization`` header with botocore's own signer.

    The request is rebuilt from what the client signed (its method, path, query string, the
    headers named in ``SignedHeaders`` and the body) and botocore's ``SigV4Auth`` computes the
    signature the secret of that access key gives; the two must be equal.
    """

    def __init__(self, credentials: Mapping[str, Credential],
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.credentials = dict(credentials)
        self.now = now

    def verify(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes) -> str:
        """The account of the request's access key, or an AwsError in AWS's words (the signing
        service's: EC2 and the others differ for an unknown key)."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        auth = headers.get("authorization")
        if not auth:
            raise AwsError("MissingAuthenticationToken", "Request is missing Authentication Token",
                           status=403)
        m = _AUTH.match(auth.strip())
        if m is None:
            raise AwsError("IncompleteSignature", "The request signature does not conform to AWS standards.")
        key, date, region, service, signed, signature = m.groups()
        cred = self.credentials.get(key)
        if cred is None:
            raise unknown_key(service == "ec2")
        amz_date = headers.get("x-amz-date", "")
        try:
            when = dt.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            raise AwsError("IncompleteSignature",
                           "The request must contain a valid X-Amz-Date header.") from None
        if abs(self.now() - when) > MAX_SKEW or amz_date[:8] != date:
            raise AwsError("RequestExpired", "Request has expired.")
        names = signed.split(";")
        if "host" not in names:
            raise AwsError("IncompleteSignature", "The request signature must sign the host header.")
        claimed = headers.get("x-amz-content-sha256")
        if claimed is not None and claimed != sha256(body).hexdigest():
            raise AwsError("SignatureDoesNotMatch", SIGNATURE_MISMATCH, status=403)
        url = f"http://{headers.get('host', '')}{path}" + (f"?{query}" if query else "")
        signed_headers = {n: headers.get(n, "") for n in names}
        request = AWSRequest(method=method, url=url, headers=signed_headers, data=body)
        request.context["timestamp"] = amz_date
        signer = SigV4Auth(Credentials(key, cred.secret_access_key), service, region)
        string_to_sign = signer.string_to_sign(request, signer.canonical_request(request))
        expected = signer.signature(string_to_sign, request)
        if not hmac.compare_digest(expected, signature):
            raise AwsError("SignatureDoesNotMatch", SIGNATURE_MISMATCH, status=403)
        return cred.account_id
