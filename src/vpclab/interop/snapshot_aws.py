"""``vpclab snapshot aws``: the raw describe output of live accounts, written to a folder.

Only the read-only calls of ``snapshot_ops`` are made, paginated where botocore can paginate,
with botocore's ``standard`` retry mode (throttling and transient errors are retried with
backoff). A call that fails (access denied, an operation the endpoint does not offer) is noted in
the manifest and the rest goes on: a partial snapshot says what it lacks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .snapshot_ops import CONFIGS, FORMAT_VERSION, MANIFEST, OPS, PARAMS, PER_ITEM, Op

RETRIES = {"mode": "standard", "max_attempts": 5}


@dataclass
class Result:
    """What one snapshot wrote: files, item counts by operation, failed calls."""

    out: Path
    accounts: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    files: int = 0


Progress = Callable[[str], None]


def _session(profile: str | None, _endpoint_url: str | None) -> Any:
    import boto3

    return boto3.Session(profile_name=profile) if profile else boto3.Session()


def _client(session: Any, service: str, region: str, endpoint_url: str | None) -> Any:
    from botocore.config import Config

    return session.client(
        service, region_name=region, endpoint_url=endpoint_url, config=Config(retries=RETRIES)
    )


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


def call_all(client: Any, op: Op, **params: Any) -> dict[str, Any]:
    """Every page of one read-only call, merged under the response's own item key."""
    method = _snake(op.operation)
    params = {**PARAMS.get(op.operation, {}), **params}
    items: list[Any] = []
    if client.can_paginate(method):
        for page in client.get_paginator(method).paginate(**params):
            items.extend(page.get(op.key, []))
    else:
        items.extend(getattr(client, method)(**params).get(op.key, []))
    return {op.key: items}


def _regions(session: Any, wanted: str | None, endpoint_url: str | None) -> list[str]:
    if wanted and wanted != "all":
        return [r.strip() for r in wanted.split(",") if r.strip()]
    if wanted == "all":
        ec2 = _client(session, "ec2", session.region_name or "us-east-1", endpoint_url)
        return sorted(r["RegionName"] for r in ec2.describe_regions()["Regions"])
    return [session.region_name or "us-east-1"]


def _assumed(session: Any, role_arn: str, endpoint_url: str | None) -> Any:
    import boto3

    sts = _client(session, "sts", session.region_name or "us-east-1", endpoint_url)
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="vpclab-snapshot")["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=session.region_name,
    )


def snapshot_region(
    session: Any,
    out: Path,
    account: str,
    region: str,
    endpoint_url: str | None,
    result: Result,
    progress: Progress,
) -> None:
    folder = out / CONFIGS / account / region
    folder.mkdir(parents=True, exist_ok=True)
    clients: dict[str, Any] = {}
    written: dict[str, dict[str, Any]] = {}

    def run(op: Op, name: str, **params: Any) -> dict[str, Any] | None:
        from botocore.exceptions import BotoCoreError, ClientError

        progress(f"{account} {region} {op.operation}")
        if op.service not in clients:
            clients[op.service] = _client(session, op.service, region, endpoint_url)
        try:
            return call_all(clients[op.service], op, **params)
        except (ClientError, BotoCoreError) as exc:
            result.failures.append(f"{account}/{region}/{name}: {exc}")
            return None

    for op in OPS:
        body = run(op, op.file)
        if body is not None:
            written[op.key] = body
            _write(folder / op.file, body)
            result.files += 1
            result.counts[op.operation] = result.counts.get(op.operation, 0) + len(body[op.key])
    for op, listing, member, param in PER_ITEM:
        per: dict[str, Any] = {}
        for item in written.get(listing, {}).get(listing, []):
            body = run(op, f"{op.file}[{item[member]}]", **{param: item[member]})
            if body is not None:
                per[item[member]] = body
                result.counts[op.operation] = result.counts.get(op.operation, 0) + len(body[op.key])
        if per:
            _write(folder / op.file, per)  # one file, the answer per item id
            result.files += 1


def _write(path: Path, body: Any) -> None:
    path.write_text(json.dumps(body, indent=1, sort_keys=True, default=_json_default) + "\n")


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def take(
    out: Path,
    *,
    profile: str | None = None,
    regions: str | None = None,
    role_arns: Iterable[str] = (),
    endpoint_url: str | None = None,
    progress: Progress = lambda _: None,
    version: str = "",
    sessions: list[Any] | None = None,
) -> Result:
    """Snapshot the caller's account (and each role's) in each Region into ``out``.

    ``sessions``: boto3 sessions to use instead (one per account; ``export describe-json``)."""
    base = sessions[0] if sessions else _session(profile, endpoint_url)
    if not sessions:
        sessions = [base] + [_assumed(base, arn, endpoint_url) for arn in role_arns]
    result = Result(out, regions=_regions(base, regions, endpoint_url))
    identities = []
    for session in sessions:
        sts = _client(session, "sts", result.regions[0], endpoint_url)
        who = sts.get_caller_identity()
        identities.append({"Account": who["Account"], "Arn": who["Arn"]})
        result.accounts.append(who["Account"])
        for region in result.regions:
            snapshot_region(session, out, who["Account"], region, endpoint_url, result, progress)
    manifest = {
        "format": "vpclab-aws-snapshot",
        "format_version": FORMAT_VERSION,
        "vpclab_version": version,
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "identities": identities,
        "accounts": result.accounts,
        "regions": result.regions,
        "endpoint_url": endpoint_url,
        "layout": f"{CONFIGS}/<account>/<region>/<Operation>.json",
        "failures": result.failures,
    }
    _write(out / MANIFEST, manifest)
    return result
