"""The client floor's server: each EC2 Query action answered with one canned, valid answer.

``python -m bench.canned --port P --answers FILE`` (FILE: JSON ``{"Action": "<xml answer>"}``,
vpclab's own answer to one call of that action, recorded by bench/api.py during the run). It does
no work per request but find the ``Action`` and send the bytes, over the same HTTP stack as
``vpclab serve`` (uvicorn, httptools, uvloop): what boto3 achieves against it is the most any
server can give that client on this machine — the client's own signing, HTTP and parsing cost.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

ACTION = re.compile(rb"(?:^|&)Action=([A-Za-z0-9]+)")


def app_for(answers: dict[str, bytes]) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    missing = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidAction</Code>'
        b"<Message>not canned</Message></Error></Errors><RequestID>0</RequestID></Response>"
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            msg = await receive()
            chunks.append(msg.get("body", b""))
            if not msg.get("more_body"):
                break
        data = b"".join(chunks) or scope.get("query_string", b"")
        m = ACTION.search(data)
        if scope["path"] == "/health":
            status, payload = 200, b"ok"
        else:
            answer = answers.get(m.group(1).decode()) if m else None
            status, payload = (200, answer) if answer is not None else (400, missing)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/xml;charset=UTF-8"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    return app


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.canned", description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--answers", required=True, help="JSON file: action name → answer (XML text)")
    args = p.parse_args(argv)
    with open(args.answers, encoding="utf-8") as f:
        answers = {k: v.encode() for k, v in json.load(f).items()}
    import uvicorn

    uvicorn.run(
        app_for(answers),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        http="httptools",
        loop="uvloop",
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
