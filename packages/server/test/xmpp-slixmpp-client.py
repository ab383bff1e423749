"""A slixmpp (Debian python3-slixmpp) client for the XMPP interop tests.

Usage: xmpp-slixmpp-client.py PORT JID PASSWORD MECHANISM PEER_JID [mam:START]
Logs in with MECHANISM over STARTTLS (self-signed certificate accepted), sends
"hello from slixmpp" to PEER_JID, waits for one chat message back, prints JSON
lines ({"event": ...}) on stdout and exits 0; exits 1 on failure or after 20 s.
With mam:START (an ISO date-time) it instead catches up as mobile clients do: it
pages its whole personal archive (XEP-0313, no `with`) from START, two messages
a page (XEP-0059), prints each message, and exits.
"""
import asyncio
import datetime
import json
import ssl
import sys

import slixmpp


def emit(**fields):
    print(json.dumps(fields), flush=True)


class Bot(slixmpp.ClientXMPP):
    def __init__(self, jid, password, mechanism, peer, mam_start=None):
        super().__init__(jid, password, plugin_config={"feature_mechanisms": {"use_mech": mechanism}})
        self.peer = peer
        self.mam_start = mam_start
        self.register_plugin("xep_0059")
        self.register_plugin("xep_0313")
        self.done = asyncio.get_event_loop().create_future()
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("failed_auth", lambda _e: self.finish(False, "failed_auth"))
        self.add_event_handler("auth_success", lambda _e: emit(event="auth_success", mechanism=mechanism))

    async def start(self, _event):
        self.send_presence()
        roster = await self.get_roster()
        emit(event="session_start", jid=str(self.boundjid), roster=len(roster["roster"]["items"]))
        if self.mam_start is not None:
            await self.catch_up()
            return
        self.send_message(mto=self.peer, mbody="hello from slixmpp", mtype="chat")

    async def catch_up(self):
        async for result in self.plugin["xep_0313"].iterate(start=self.mam_start, rsm={"max": 2}):
            forwarded = result["mam_result"]["forwarded"]
            inner = forwarded["stanza"]
            emit(
                event="archived",
                id=result["mam_result"]["id"],
                sender=inner["from"].bare,
                to=inner["to"].bare,
                body=inner["body"],
                stamp=forwarded["delay"]["stamp"].isoformat(),
            )
        self.finish(True, "archive read")

    def on_message(self, msg):
        if self.mam_start is not None:
            return
        if msg["type"] in ("chat", "normal") and msg["body"]:
            emit(event="message", sender=msg["from"].bare, body=msg["body"])
            self.finish(True, "received")

    def finish(self, ok, reason):
        if not self.done.done():
            self.done.set_result((ok, reason))


async def main():
    port, jid, password, mechanism, peer = sys.argv[1:6]
    mode = sys.argv[6] if len(sys.argv) > 6 else ""
    mam_start = datetime.datetime.fromisoformat(mode[4:].replace("Z", "+00:00")) if mode.startswith("mam:") else None
    bot = Bot(jid, password, mechanism, peer, mam_start)
    bot.connect(("127.0.0.1", int(port)))
    try:
        ok, reason = await asyncio.wait_for(bot.done, 20)
    except asyncio.TimeoutError:
        ok, reason = False, "timeout"
    emit(event="done", ok=ok, reason=reason)
    bot.disconnect()
    await asyncio.sleep(0)
    sys.exit(0 if ok else 1)


asyncio.get_event_loop().run_until_complete(main())
