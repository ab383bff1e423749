"""A slixmpp (Debian python3-slixmpp) resource among others, for xmpp-slixmpp.test.ts.

Usage: xmpp-slixmpp-resources.py PORT FULL_JID PASSWORD PEER_BARE_JID
Logs in over STARTTLS (self-signed certificate accepted) with the resource of
FULL_JID, enables carbons (XEP-0280), sends its initial presence, and prints JSON
lines on stdout: the session, every chat message and received carbon (with full
JIDs), and every presence from PEER_BARE_JID's resources. Exits 0 when a message
"bye" arrives, 1 on failure or after 30 s.
"""
import asyncio
import json
import ssl
import sys

import slixmpp


def emit(**fields):
    print(json.dumps(fields), flush=True)


class Resource(slixmpp.ClientXMPP):
    def __init__(self, jid, password, peer):
        super().__init__(jid, password)
        self.peer = peer
        self.register_plugin("xep_0280")
        self.done = asyncio.get_event_loop().create_future()
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("carbon_received", self.on_carbon)
        self.add_event_handler("presence_available", lambda p: self.on_presence(p, "available"))
        self.add_event_handler("presence_unavailable", lambda p: self.on_presence(p, "unavailable"))
        self.add_event_handler("failed_auth", lambda _e: self.finish(False, "failed_auth"))

    async def start(self, _event):
        await self.plugin["xep_0280"].enable()
        self.send_presence()
        emit(event="session_start", jid=str(self.boundjid))

    def on_message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            emit(event="message", sender=str(msg["from"]), to=str(msg["to"]), body=msg["body"])
            if msg["body"] == "bye":
                self.finish(True, "bye")

    def on_carbon(self, msg):
        inner = msg["carbon_received"]
        emit(event="carbon_received", sender=str(inner["from"]), to=str(inner["to"]), body=inner["body"])

    def on_presence(self, presence, kind):
        if presence["from"].bare == self.peer:
            emit(event="presence", sender=str(presence["from"]), kind=kind)

    def finish(self, ok, reason):
        if not self.done.done():
            self.done.set_result((ok, reason))


async def main():
    port, jid, password, peer = sys.argv[1:5]
    client = Resource(jid, password, peer)
    client.connect(("127.0.0.1", int(port)))
    try:
        ok, reason = await asyncio.wait_for(client.done, 30)
    except asyncio.TimeoutError:
        ok, reason = False, "timeout"
    emit(event="done", ok=ok, reason=reason)
    client.disconnect()
    await asyncio.sleep(0)
    sys.exit(0 if ok else 1)


asyncio.get_event_loop().run_until_complete(main())
